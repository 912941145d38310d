import { describe, expect, it } from 'vitest';
import { principal } from '../../tests/helpers/docHarness.ts';
import { authorizeDoc } from './authorizeDoc.ts';

describe('authorizeDoc', () => {
  const dana = principal();

  it('lets a member open the documents of its workspace and its own agent document', () => {
    for (const name of ['ws/index', 'ws/settings', 'ws/conv/c1', 'ws/agent/agent1']) {
      expect(authorizeDoc(dana, name)).toMatchObject({ ok: true });
    }
  });

  it('DOC1: refuses names that are not a document', () => {
    for (const name of ['', 'ws', 'ws/conv', 'ws/conv/a b', 'ws/agent/x/y', '../ws/index', 'ws/INDEX']) {
      expect(authorizeDoc(dana, name)).toEqual({ ok: false, reason: 'unknown-document', rule: 'DOC1' });
    }
  });

  it('AUTH2: refuses documents of another workspace', () => {
    expect(authorizeDoc(dana, 'other/conv/c1')).toEqual({ ok: false, reason: 'forbidden', rule: 'AUTH2' });
  });

  it("AUTH3: refuses another agent's private document, even to an admin", () => {
    expect(authorizeDoc(principal({ role: 'admin' }), 'ws/agent/agent2')).toEqual({ ok: false, reason: 'forbidden', rule: 'AUTH3' });
  });
});
