import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { agentDoc } from '../../shared/ids.ts';
import { draftRoot } from '../../shared/schema/agentDoc.ts';
import { createAgentState } from '../stores/createAgentState.ts';
import { DexieDocStore } from './DexieDocStore.ts';
import { LocalDatabase } from './LocalDatabase.ts';
import { SyncClient } from './SyncClient.ts';

let n = 0;
const freshName = () => `docstore-test-${n++}`;

/** One "page load": a database connection, a store and an offline sync client. */
async function boot(dbName: string, batchMs = 10_000) {
  const db = new LocalDatabase(dbName);
  const store = await DexieDocStore.open(db, { batchMs });
  const client = new SyncClient({ url: () => 'ws://x', agentId: 'me', store, window: null, releaseDelayMs: 0 });
  return { db, store, client };
}

describe('DexieDocStore', () => {
  it('keeps a draft typed right before a reload (flush at pagehide)', async () => {
    const name = freshName();
    const first = await boot(name);
    await createRoot(async (dispose) => {
      const agent = createAgentState(first.client, 'ws', 'me');
      await agent.handle.whenLoaded;
      const draft = agent.draft('c1');
      for (const ch of 'Hello, I checked your order') draft.insert(draft.length, ch);
      dispose();
    });
    // The batch timer never fired: only the pagehide flush writes.
    first.client.pageHide();
    first.db.close(); // the tab goes away; IndexedDB finishes the transaction it was given

    const second = await boot(name);
    const text = await createRoot(async (dispose) => {
      const agent = createAgentState(second.client, 'ws', 'me');
      await agent.handle.whenLoaded;
      const value = agent.draft('c1').toString();
      dispose();
      return value;
    });
    expect(text).toBe('Hello, I checked your order');
    second.client.destroy();
    second.db.close();
  });

  it('journals uncommitted updates at unload and recovers them when IndexedDB lost the write', async () => {
    const name = freshName();
    const first = await boot(name);
    const handle = first.client.retain(agentDoc('ws', 'me'));
    await handle.whenLoaded;
    handle.doc().getText(draftRoot('c1')).insert(0, 'typed just before the reload');
    first.client.pageHide();
    const journalKeys = Object.keys(localStorage).filter((k) => k.startsWith(`switchboard.journal:${name}:`));
    expect(journalKeys).toHaveLength(1);
    const saved = localStorage.getItem(journalKeys[0] as string) as string;
    await first.client.flush();
    // Simulate Chromium dropping the transaction at unload: the rows never landed.
    await first.db.updates.clear();
    localStorage.setItem(journalKeys[0] as string, saved);
    first.db.close();

    const second = await boot(name);
    const handle2 = second.client.retain(agentDoc('ws', 'me'));
    await handle2.whenLoaded;
    expect(handle2.doc().getText(draftRoot('c1')).toString()).toBe('typed just before the reload');
    // The journal is written to IndexedDB, then cleared.
    await second.store.flush();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(Object.keys(localStorage).filter((k) => k.startsWith(`switchboard.journal:${name}:`))).toEqual([]);
    expect(await second.db.updates.where('doc').equals(agentDoc('ws', 'me')).count()).toBeGreaterThan(0);
    second.client.destroy();
    second.db.close();
  });

  it('writes queued updates in one batch and loads them in order', async () => {
    const { db, store } = await boot(freshName(), 5);
    const doc = new Y.Doc();
    doc.on('update', (u: Uint8Array) => store.append('ws/index', u));
    const text = doc.getText('t');
    text.insert(0, 'a');
    text.insert(1, 'b');
    text.insert(2, 'c');
    await store.flush();
    expect(await db.updates.count()).toBe(3);
    const copy = new Y.Doc();
    for (const row of await store.load('ws/index')) Y.applyUpdate(copy, row);
    expect(copy.getText('t').toString()).toBe('abc');
    db.close();
  });

  it('compacts a document to a single row without losing later appends', async () => {
    const { db, store } = await boot(freshName(), 5);
    const doc = new Y.Doc();
    doc.on('update', (u: Uint8Array) => store.append('d', u));
    for (let i = 0; i < 20; i++) doc.getArray('a').insert(i, [i]);
    await store.flush();
    const compacted = store.replace('d', Y.encodeStateAsUpdate(doc));
    doc.getArray('a').insert(20, [20]); // appended after the compaction started
    await compacted;
    await store.flush();
    expect(await db.updates.where('doc').equals('d').count()).toBe(2);
    const copy = new Y.Doc();
    for (const row of await store.load('d')) Y.applyUpdate(copy, row);
    expect(copy.getArray('a').length).toBe(21);
    db.close();
  });

  it('takes edits while the database library is still loading, and stores them once it has loaded', async () => {
    const name = freshName();
    let arrive: (db: LocalDatabase) => void = () => undefined;
    const dexie = new Promise<LocalDatabase>((resolve) => (arrive = resolve));
    const store = new DexieDocStore({ name, dexie }, { batchMs: 10_000, journal: null });
    const doc = new Y.Doc();
    doc.on('update', (u: Uint8Array) => store.append('d', u));
    doc.getText('t').insert(0, 'typed before Dexie loaded');
    const loading = store.load('d'); // waits for the database

    const db = new LocalDatabase(name);
    arrive(db);
    const copy = new Y.Doc();
    for (const row of await loading) Y.applyUpdate(copy, row);
    expect(copy.getText('t').toString()).toBe('typed before Dexie loaded');
    await store.flush();
    expect(await db.updates.where('doc').equals('d').count()).toBe(1);
    db.close();
  });

  it('keeps documents in memory when the database library cannot load (the app still works)', async () => {
    const store = new DexieDocStore({ name: freshName(), dexie: Promise.reject(new Error('chunk failed to load')) }, { journal: null });
    store.append('d', new Uint8Array([7]));
    expect(await store.ready).toBe(false);
    expect((await store.load('d')).map((u) => Array.from(u))).toEqual([[7]]);
  });

  it('loads many documents in one read, including updates still queued', async () => {
    const { db, store } = await boot(freshName());
    store.append('x', new Uint8Array([1]));
    await store.flush();
    store.append('y', new Uint8Array([2]));
    const rows = await store.loadMany(['x', 'y', 'z']);
    const plain = (name: string) => rows.get(name)?.map((u) => Array.from(u));
    expect(plain('x')).toEqual([[1]]);
    expect(plain('y')).toEqual([[2]]);
    expect(plain('z')).toEqual([]);
    db.close();
  });

  it('the sync client compacts a document that grew past the threshold', async () => {
    const name = freshName();
    const db = new LocalDatabase(name);
    const store = await DexieDocStore.open(db, { batchMs: 10_000 });
    const client = new SyncClient({ url: () => 'ws://x', agentId: 'me', store, window: null, compactAfterRows: 10 });
    const handle = client.retain(agentDoc('ws', 'me'));
    await handle.whenLoaded;
    const text = handle.doc().getText(draftRoot('c1'));
    for (let i = 0; i < 25; i++) text.insert(text.length, 'x');
    await Promise.resolve();
    await client.flush();
    expect(store.rowCount(agentDoc('ws', 'me'))).toBeLessThanOrEqual(10);
    client.destroy();
    db.close();
  });
});
