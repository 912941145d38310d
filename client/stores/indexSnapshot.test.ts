import { describe, expect, it } from 'vitest';
import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';
import { buildIndexSnapshot, forgetIndexSnapshot, indexSnapshotKey, readIndexSnapshot, writeIndexSnapshot } from './indexSnapshot.ts';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, v);
  removeItem = (k: string) => void this.items.delete(k);
}

const summary = (id: string, lastActivityAt: number, assigneeId: string | null = null) =>
  ({ id, lastActivityAt, assigneeId, status: 'open' }) as unknown as ConversationSummary;

describe('index snapshot storage', () => {
  const sources = { me: 'a1', member: () => undefined, read: () => undefined, hasDraft: () => false };

  it('reads back what was written, per agent database, and nothing after forgetting', () => {
    const storage = new MemoryStorage();
    const snapshot = buildIndexSnapshot([summary('c1', 2), summary('c2', 5, 'a1')], sources);
    writeIndexSnapshot('switchboard:w1:a1', JSON.stringify(snapshot), storage);

    expect(readIndexSnapshot('switchboard:w1:a1', storage)?.lists.all).toEqual(['c2', 'c1']);
    expect(readIndexSnapshot('switchboard:w1:a1', storage)?.counts).toEqual({ mine: 1, unassigned: 1, all: 2 });
    // Another agent on the same browser sees none of it.
    expect(readIndexSnapshot('switchboard:w1:a2', storage)).toBeNull();

    forgetIndexSnapshot('switchboard:w1:a1', storage);
    expect(readIndexSnapshot('switchboard:w1:a1', storage)).toBeNull();
    expect(storage.items.size).toBe(0);
  });

  it('treats unreadable, older or empty copies as none', () => {
    const storage = new MemoryStorage();
    const key = indexSnapshotKey('db');
    for (const stored of ['{not json', JSON.stringify({ v: 1, conversations: [] }), JSON.stringify(buildIndexSnapshot([], sources))]) {
      storage.setItem(key, stored);
      expect(readIndexSnapshot('db', storage)).toBeNull();
    }
  });

  it('a storage that refuses the write (quota) loses only the copy', () => {
    const full = { setItem: () => { throw new DOMException('full', 'QuotaExceededError'); } };
    expect(() => writeIndexSnapshot('db', '{}', full)).not.toThrow();
  });
});
