import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DocStore } from './DocStore.ts';

/** What a store implementation gives the contract suite. */
export interface DocStoreFixture {
  store: DocStore;
  /** Closes the store and opens it again on the same data (persistent stores only). */
  reopen?: () => Promise<DocStore>;
  teardown: () => Promise<void>;
}

const bytes = (...values: number[]) => new Uint8Array(values);

/** Yjs updates that each add one entry to `messages`, as a client would send them. */
function messageUpdates(count: number): { updates: Uint8Array[]; doc: Y.Doc } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  const arr = doc.getArray<string>('messages');
  for (let i = 0; i < count; i++) arr.insert(arr.length, [`m${i}`]);
  return { updates, doc };
}

function replay(stored: { snapshot: Uint8Array | null; updates: Uint8Array[] }): Y.Doc {
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const u of stored.updates) Y.applyUpdate(doc, u);
  return doc;
}

/**
 * The acceptance suite every DocStore passes (style: automerge-repo's storage adapter tests,
 * tldraw's storageContractSuite). Call it from a test file with a setup function. `durable`: the
 * store outlives its process (not the in-memory one), so it is also tested across a reopen.
 */
export function docStoreContract(label: string, setup: () => Promise<DocStoreFixture>, options: { durable: boolean }): void {
  describe(`DocStore contract: ${label}`, () => {
    let fixture: DocStoreFixture;
    let store: DocStore;

    beforeEach(async () => {
      fixture = await setup();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.teardown();
    });

    it('loads an unknown document as empty', async () => {
      expect(await store.load('ws/conv/none')).toEqual({ snapshot: null, updates: [], lastSeq: 0, logBytes: 0 });
    });

    it('returns appended updates in order with increasing sequence numbers', async () => {
      const s1 = await store.append('ws/conv/a', bytes(1, 2, 3));
      const s2 = await store.append('ws/conv/a', bytes(4));
      const s3 = await store.append('ws/conv/a', bytes(5, 6));
      expect(s2).toBeGreaterThan(s1);
      expect(s3).toBeGreaterThan(s2);
      const loaded = await store.load('ws/conv/a');
      expect(loaded.snapshot).toBeNull();
      expect(loaded.updates.map((u) => [...u])).toEqual([[1, 2, 3], [4], [5, 6]]);
      expect(loaded.lastSeq).toBe(s3);
      expect(loaded.logBytes).toBe(6);
    });

    it('keeps documents apart', async () => {
      await store.append('ws/conv/a', bytes(1));
      await store.append('ws/conv/b', bytes(2));
      await store.append('ws/conv/a', bytes(3));
      expect((await store.load('ws/conv/a')).updates.map((u) => [...u])).toEqual([[1], [3]]);
      expect((await store.load('ws/conv/b')).updates.map((u) => [...u])).toEqual([[2]]);
    });

    it('does not let a caller change stored bytes through the buffer it appended', async () => {
      const buf = bytes(7, 8, 9);
      await store.append('ws/conv/a', buf);
      buf[0] = 0;
      expect([...(await store.load('ws/conv/a')).updates[0]!]).toEqual([7, 8, 9]);
    });

    it('replaces the compacted updates by the snapshot and keeps the later ones', async () => {
      const { updates, doc } = messageUpdates(5);
      const seqs: number[] = [];
      for (const u of updates.slice(0, 3)) seqs.push(await store.append('ws/conv/c', u));
      const partial = new Y.Doc();
      for (const u of updates.slice(0, 3)) Y.applyUpdate(partial, u);
      for (const u of updates.slice(3)) seqs.push(await store.append('ws/conv/c', u));

      await store.compact('ws/conv/c', Y.encodeStateAsUpdate(partial), seqs[2]!);
      const loaded = await store.load('ws/conv/c');
      expect(loaded.snapshot).not.toBeNull();
      expect(loaded.updates).toHaveLength(2);
      expect(loaded.lastSeq).toBe(seqs[4]);
      expect(replay(loaded).getArray('messages').toJSON()).toEqual(doc.getArray('messages').toJSON());
    });

    it('keeps the sequence high-water mark after compacting everything', async () => {
      const { updates } = messageUpdates(2);
      await store.append('ws/conv/d', updates[0]!);
      const last = await store.append('ws/conv/d', updates[1]!);
      const full = new Y.Doc();
      for (const u of updates) Y.applyUpdate(full, u);
      await store.compact('ws/conv/d', Y.encodeStateAsUpdate(full), last);
      const loaded = await store.load('ws/conv/d');
      expect(loaded.updates).toEqual([]);
      expect(loaded.lastSeq).toBe(last);
      expect(await store.append('ws/conv/d', bytes(0, 0))).toBeGreaterThan(last);
    });

    it('compacts a second time over an existing snapshot', async () => {
      const { updates, doc } = messageUpdates(4);
      let seq = 0;
      const live = new Y.Doc();
      for (const [i, u] of updates.entries()) {
        seq = await store.append('ws/conv/e', u);
        Y.applyUpdate(live, u);
        if (i % 2 === 1) await store.compact('ws/conv/e', Y.encodeStateAsUpdate(live), seq);
      }
      const loaded = await store.load('ws/conv/e');
      expect(loaded.updates).toEqual([]);
      expect(replay(loaded).getArray('messages').toJSON()).toEqual(doc.getArray('messages').toJSON());
    });

    it('lists stored documents by prefix, sorted', async () => {
      await store.append('ws/conv/b', bytes(1));
      await store.append('ws/conv/a', bytes(1));
      await store.append('other/index', bytes(1));
      await store.compact('ws/index', bytes(0, 0), 0);
      expect(await store.list('ws/')).toEqual(['ws/conv/a', 'ws/conv/b', 'ws/index']);
      expect(await store.list('ws/conv/')).toEqual(['ws/conv/a', 'ws/conv/b']);
      expect(await store.list()).toEqual(['other/index', 'ws/conv/a', 'ws/conv/b', 'ws/index']);
      expect(await store.list('nothing/')).toEqual([]);
    });

    it('deletes a document with its snapshot and log, leaving others', async () => {
      await store.append('ws/conv/a', bytes(1));
      await store.compact('ws/conv/a', bytes(0, 0), 0);
      await store.append('ws/conv/a', bytes(2));
      await store.append('ws/conv/b', bytes(3));
      await store.delete('ws/conv/a');
      await store.delete('ws/conv/unknown');
      expect(await store.load('ws/conv/a')).toMatchObject({ snapshot: null, updates: [] });
      expect((await store.load('ws/conv/b')).updates).toHaveLength(1);
      expect(await store.list()).toEqual(['ws/conv/b']);
    });

    if (options.durable) it('keeps everything appended across a reopen', async () => {
      const reopen = fixture.reopen;
      if (!reopen) throw new Error(`${label} is durable but its fixture has no reopen()`);
      const { updates, doc } = messageUpdates(3);
      for (const u of updates) await store.append('ws/conv/p', u);
      store = await reopen();
      expect(replay(await store.load('ws/conv/p')).getArray('messages').toJSON()).toEqual(doc.getArray('messages').toJSON());
    });
  });
}
