import { describe, expect, it } from 'vitest';
import { docName, newId, parseDocName } from './ids.ts';

describe('document names', () => {
  it('round-trips every document kind', () => {
    const refs = [
      { kind: 'index', workspaceId: 'demo' },
      { kind: 'settings', workspaceId: 'demo' },
      { kind: 'conversation', workspaceId: 'demo', conversationId: 'c_1' },
      { kind: 'agent', workspaceId: 'demo', agentId: 'a-2' },
    ] as const;
    for (const ref of refs) expect(parseDocName(docName(ref))).toEqual(ref);
  });

  it('refuses names that are not exactly one of the forms', () => {
    for (const bad of ['', 'demo', 'demo/index/x', 'demo/conv', 'demo/conv/a/b', '../index', 'demo/conv/a b', 'demo/other/x', `${'a'.repeat(65)}/index`]) {
      expect(parseDocName(bad)).toBeNull();
    }
  });

  it('mints distinct url-safe ids', () => {
    const a = newId();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(newId()).not.toBe(a);
  });
});
