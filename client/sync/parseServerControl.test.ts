import { describe, expect, it } from 'vitest';
import { ServerControl } from '../../shared/protocol/control.ts';
import { parseServerControl } from './parseServerControl.ts';

const cases: unknown[] = [
  { type: 'hello', protocolVersion: 1, agentId: 'a1', connectionId: 'c1' },
  { type: 'hello', protocolVersion: 1, agentId: 'a1', connectionId: 'c1', extra: true },
  { type: 'hello', protocolVersion: 1.5, agentId: 'a1', connectionId: 'c1' },
  { type: 'hello', protocolVersion: '1', agentId: 'a1', connectionId: 'c1' },
  { type: 'hello', protocolVersion: 1, agentId: 'a1' },
  { type: 'update-rejected', doc: 'ws/conv/c1', reason: 'invalid-value', detail: 'CONV7: empty text' },
  { type: 'update-rejected', doc: 'ws/conv/c1', reason: 'invalid-value', detail: 'x', rule: 'CONV7' },
  { type: 'update-rejected', doc: 'ws/conv/c1', reason: 'invalid-value', detail: 'x', rule: 7 },
  { type: 'update-rejected', doc: 'ws/conv/c1', reason: 'no-such-reason', detail: 'x' },
  { type: 'update-rejected', doc: 'ws/conv/c1', reason: 'toString', detail: 'x' },
  { type: 'update-rejected', doc: 1, reason: 'too-large', detail: 'x' },
  { type: 'doc-error', doc: 'ws/index', reason: 'forbidden' },
  { type: 'doc-error', doc: 'ws/index', reason: 'unknown-document' },
  { type: 'doc-error', doc: 'ws/index', reason: 'gone' },
  { type: 'unsubscribe', doc: 'ws/index' },
  { type: 'nope' },
  null,
  [],
  'hello',
  42,
];

describe('parseServerControl', () => {
  it('accepts and reads exactly what the shared ServerControl schema does', () => {
    for (const value of cases) {
      const expected = ServerControl.safeParse(value);
      expect(parseServerControl(value), JSON.stringify(value)).toEqual(expected.success ? expected.data : null);
    }
  });
});
