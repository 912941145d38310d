import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { agentDoc, conversationDoc, indexDoc } from '../../shared/ids.ts';
import { draftRoot } from '../../shared/schema/agentDoc.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import { DexieDocStore } from './DexieDocStore.ts';
import { LocalDatabase } from './LocalDatabase.ts';
import { unstoredEntryIds } from '../stores/unstoredEntries.ts';
import { type SyncClientOptions, SyncClient } from './SyncClient.ts';
import { FakeSyncServer, ManualTimers } from './testing/FakeSyncServer.ts';

const ME = 'agent1';
const CONV = conversationDoc('ws', 'c1');
const AGENT = agentDoc('ws', ME);

const clients: SyncClient[] = [];
let dbCounter = 0;

function setup(options: Partial<SyncClientOptions> = {}) {
  const server = new FakeSyncServer();
  const timers = new ManualTimers();
  const client = makeClient(server, timers, options);
  return { server, timers, client };
}

function makeClient(server: FakeSyncServer, timers: ManualTimers, options: Partial<SyncClientOptions> = {}) {
  const client = new SyncClient({
    url: () => 'ws://test/sync?token=t',
    agentId: ME,
    createSocket: server.createSocket,
    window: null,
    timers,
    random: () => 0,
    now: () => timers.time,
    releaseDelayMs: 0,
    ...options,
  });
  clients.push(client);
  return client;
}

/** Lets queued microtasks (document loads) and IndexedDB callbacks run, then moves frames. */
async function settle(server: FakeSyncServer) {
  for (let i = 0; i < 5; i++) {
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    server.flush();
  }
}

const message = (id: string, text: string, author = ME): MessageEntry => ({
  id,
  kind: 'message',
  author: { type: 'agent', id: author },
  text,
  createdAt: 1,
});

const texts = (doc: Y.Doc) => doc.getArray<MessageEntry>('messages').toArray().map((m) => m.text);

const append = (doc: Y.Doc, entry: MessageEntry) => {
  const arr = doc.getArray<MessageEntry>('messages');
  arr.insert(arr.length, [entry]);
};

/** Refuses any update that leaves a message with empty text in the document (as CONV7 would). */
const refuseEmptyText = (_doc: string, after: Y.Doc) =>
  after.getArray<MessageEntry>('messages').toArray().some((m) => m.text === '') ? ('invalid-value' as const) : null;

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

describe('SyncClient', () => {
  it('subscribes a document with sync step 1 and gets the server content', async () => {
    const { server, client } = setup();
    server.change(CONV, (doc) => append(doc, message('m1', 'hello', 'contact1')));
    client.start();
    const handle = client.retain(CONV);
    await settle(server);
    expect(handle.synced()).toBe(true);
    expect(texts(handle.doc())).toEqual(['hello']);
    expect(client.state().status).toBe('online');
  });

  it('multiplexes every document over one socket', async () => {
    const { server, client } = setup();
    client.start();
    client.retain(CONV);
    client.retain(AGENT);
    client.retain(indexDoc('ws'));
    await settle(server);
    expect(server.live).toHaveLength(1);
    expect([...(server.live[0]?.subscriptions ?? [])].sort()).toEqual([AGENT, CONV, indexDoc('ws')].sort());
  });

  it('delivers a message written offline exactly once after reconnecting', async () => {
    const { server, timers, client } = setup();
    client.start();
    const handle = client.retain(CONV);
    await settle(server);
    server.disconnectAll();
    server.reachable = false;
    expect(client.state().status).toBe('offline');
    append(handle.doc(), message('m1', 'written offline'));
    expect(client.state().waiting).toBe(1);
    expect([...client.unsynced()]).toEqual([CONV]);
    timers.advance(60_000); // retries fail while unreachable
    server.flush();
    server.reachable = true;
    timers.advance(60_000);
    await settle(server);
    expect(client.state()).toMatchObject({ status: 'online', waiting: 0 });
    expect(client.unsynced().size).toBe(0);
    expect(texts(server.doc(CONV))).toEqual(['written offline']);
    // A second reconnect sends nothing twice.
    server.disconnectAll();
    timers.advance(60_000);
    await settle(server);
    expect(texts(server.doc(CONV))).toEqual(['written offline']);
  });

  it('reconnects with jittered exponential backoff after the connection drops', async () => {
    const { server, timers, client } = setup({ random: () => 1 });
    client.start();
    await settle(server);
    server.reachable = false;
    server.disconnectAll();
    const first = client.state().retryAt;
    expect(first).toBe(timers.time + 500);
    timers.advance(500);
    server.flush();
    expect(client.state().retryAt).toBe(timers.time + 1000);
    timers.advance(1000);
    server.flush();
    expect(client.state().retryAt).toBe(timers.time + 2000);
    server.reachable = true;
    timers.advance(2000);
    await settle(server);
    expect(client.state().status).toBe('online');
  });

  it('close 4401 asks for sign-in and stops reconnecting', async () => {
    let asked = 0;
    const { server, timers, client } = setup({ onSignInRequired: () => asked++ });
    client.start();
    await settle(server);
    server.disconnectAll(4401);
    expect(client.state().status).toBe('signed-out');
    expect(asked).toBe(1);
    timers.advance(120_000);
    server.flush();
    expect(server.connections).toHaveLength(0);
  });

  it('close 4426 requires a reload and 4403 stops', async () => {
    const a = setup();
    a.client.start();
    await settle(a.server);
    a.server.disconnectAll(4426);
    expect(a.client.state()).toMatchObject({ status: 'reload-required', reason: 'version-mismatch' });
    const b = setup();
    b.client.start();
    await settle(b.server);
    b.server.disconnectAll(4403);
    expect(b.client.state()).toMatchObject({ status: 'stopped', reason: 'forbidden' });
  });

  it('a hello with another protocol version requires a reload', async () => {
    const { server, client } = setup();
    server.helloVersion = 999;
    client.start();
    await settle(server);
    expect(client.state()).toMatchObject({ status: 'reload-required', reason: 'version-mismatch' });
  });

  it('a doc-error fails that document only', async () => {
    const { server, client } = setup();
    client.start();
    const conv = client.retain(CONV);
    const agent = client.retain(AGENT);
    await settle(server);
    server.live[0]?.sendControl(AGENT, { type: 'doc-error', doc: AGENT, reason: 'forbidden' });
    server.flush();
    expect(agent.error()).toBe('forbidden');
    expect(conv.error()).toBeNull();
    expect(client.state().status).toBe('online');
  });

  it('counts documents still syncing', async () => {
    const { server, client } = setup();
    client.start();
    client.retain(CONV);
    client.retain(AGENT);
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    server.connections[0]?.pump(); // open only
    expect(client.state()).toMatchObject({ status: 'syncing', syncing: 2 });
    await settle(server);
    expect(client.state()).toMatchObject({ status: 'online', syncing: 0 });
  });

  it('sends an unsubscribe when the last holder releases a document', async () => {
    const { server, client } = setup();
    client.start();
    const handle = client.retain(CONV);
    await settle(server);
    handle.release();
    server.flush();
    expect(server.live[0]?.subscriptions.has(CONV)).toBe(false);
    expect(client.isOpen(CONV)).toBe(false);
  });
});

describe('SyncClient after update-rejected', () => {
  it('drops the refused copy, reloads under a new clientID and re-sends its valid unsent message (offline when written)', async () => {
    const db = new LocalDatabase(`reset-${dbCounter++}`);
    const store = await DexieDocStore.open(db);
    const { server, timers, client } = setup({ store });
    server.refuse = refuseEmptyText;
    server.change(CONV, (doc) => append(doc, message('m0', 'from contact', 'contact1')));
    client.start();
    const handle = client.retain(CONV);
    await settle(server);
    const oldDoc = handle.doc();

    // Offline: one valid message, and one the server will refuse (empty text).
    server.disconnectAll();
    append(oldDoc, message('m1', 'keep me'));
    append(oldDoc, message('m2', ''));
    timers.advance(60_000);
    await settle(server);

    expect(server.rejected).toEqual([{ doc: CONV, reason: 'invalid-value' }]);
    expect(client.rejections()).toHaveLength(1);
    expect(client.rejections()[0]).toMatchObject({ doc: CONV, reason: 'invalid-value', droppedLocalChanges: false });
    const fresh = handle.doc();
    expect(fresh).not.toBe(oldDoc);
    expect(fresh.clientID).not.toBe(oldDoc.clientID);
    expect(texts(fresh)).toEqual(['from contact', 'keep me']);
    expect(texts(server.doc(CONV))).toEqual(['from contact', 'keep me']);
    expect(client.state()).toMatchObject({ status: 'online', waiting: 0 });

    // IndexedDB holds the fresh copy only: a reload would not send the refused message again.
    await client.flush();
    const reloaded = new Y.Doc();
    for (const row of await store.load(CONV)) Y.applyUpdate(reloaded, row);
    expect(texts(reloaded)).toEqual(['from contact', 'keep me']);
  });

  it('re-applies the draft text after a refusal on the agent document', async () => {
    const { server, client } = setup();
    // The server refuses any root type the agent schema does not have (as AGT1).
    server.refuse = (_name, after) => (after.share.has('junk') ? 'unexpected-type' : null);
    client.start();
    const handle = client.retain(AGENT);
    await settle(server);
    const oldDoc = handle.doc();
    oldDoc.transact(() => {
      oldDoc.getText(draftRoot('c1')).insert(0, 'half a reply');
      oldDoc.getMap('read').set('c1', 3);
      oldDoc.getMap('junk').set('x', 1);
    });
    await settle(server);
    const fresh = handle.doc();
    expect(fresh).not.toBe(oldDoc);
    expect(fresh.getText(draftRoot('c1')).toString()).toBe('half a reply');
    expect(fresh.getMap('read').get('c1')).toBe(3);
    expect(server.doc(AGENT).getText(draftRoot('c1')).toString()).toBe('half a reply');
    expect(server.doc(AGENT).getMap('read').get('c1')).toBe(3);
    expect(server.doc(AGENT).share.has('junk')).toBe(false);
  });

  it('ignores refusals that arrive while a reset is under way', async () => {
    const { server, client } = setup();
    server.refuse = refuseEmptyText;
    client.start();
    const handle = client.retain(CONV);
    await settle(server);
    const oldDoc = handle.doc();
    append(oldDoc, message('m1', '')); // refused
    append(oldDoc, message('m2', 'after')); // refused too: depends on the refused clock (CID2)
    await settle(server);
    expect(server.rejected.map((r) => r.reason)).toEqual(['invalid-value', 'missing-dependency']);
    expect(client.rejections()).toHaveLength(1);
    expect(texts(handle.doc())).toEqual(['after']);
    expect(texts(server.doc(CONV))).toEqual(['after']);
  });

  it('drops local changes instead of looping when the re-applied changes are refused again', async () => {
    const { server, client } = setup();
    // Valid by the schema, but this server refuses it every time.
    server.refuse = (_name, after) =>
      after.getArray<MessageEntry>('messages').toArray().some((m) => m.text === 'nope') ? 'not-allowed' : null;
    client.start();
    const handle = client.retain(CONV);
    await settle(server);
    append(handle.doc(), message('m1', 'nope'));
    await settle(server);
    // Two refusals of the same kind on one document show as one notice: the latest.
    expect(client.rejections().map((r) => r.droppedLocalChanges)).toEqual([true]);
    expect(server.rejected.filter((r) => r.reason === 'not-allowed').length).toBeGreaterThanOrEqual(2);
    expect(texts(handle.doc())).toEqual([]);
    expect(texts(server.doc(CONV))).toEqual([]);
    expect(server.rejected.every((r) => r.reason === 'not-allowed' || r.reason === 'missing-dependency')).toBe(true);
  });

  it('recovers again after a reload that happened before the server copy arrived', async () => {
    const db = new LocalDatabase(`reset-${dbCounter++}`);
    const store = await DexieDocStore.open(db);
    const server = new FakeSyncServer();
    server.refuse = refuseEmptyText;
    const timers = new ManualTimers();
    // First session: offline the whole time, writes a valid and a refused message.
    const first = makeClient(server, timers, { store });
    const h1 = first.retain(CONV);
    await h1.whenLoaded;
    append(h1.doc(), message('m1', 'keep me'));
    append(h1.doc(), message('m2', ''));
    await first.flush();
    first.destroy();
    // Second session (a reload) goes online.
    const second = makeClient(server, timers, { store });
    second.start();
    const h2 = second.retain(CONV);
    await settle(server);
    expect(texts(h2.doc())).toEqual(['keep me']);
    expect(texts(server.doc(CONV))).toEqual(['keep me']);
  });
});

describe('SyncClient, what the server has stored', () => {
  it('knows which of its messages the server has stored: from its acknowledgement, its step 1 and what it relays, also offline after a reload', async () => {
    const db = new LocalDatabase(`stored-${dbCounter++}`);
    const store = await DexieDocStore.open(db);
    const server = new FakeSyncServer();
    const timers = new ManualTimers();
    server.change(CONV, (doc) => append(doc, message('c1', 'hello', 'contact1')));
    const first = makeClient(server, timers, { store });
    first.start();
    const h1 = first.retain(CONV);
    await settle(server);
    // What the server sent (its step 2, behind its step 1) is stored there.
    expect(unstoredEntryIds(h1.doc(), h1.stored())).toEqual(new Set());

    // Sent but not acknowledged (not durable yet): unstored until the acknowledgement comes.
    server.acknowledge = false;
    append(h1.doc(), message('m1', 'reply'));
    await settle(server);
    expect(texts(server.doc(CONV))).toEqual(['hello', 'reply']);
    expect(unstoredEntryIds(h1.doc(), h1.stored())).toEqual(new Set(['m1']));
    server.acknowledge = true;
    append(h1.doc(), message('m2', 'second reply'));
    await settle(server);
    // m2's acknowledgement says where its clientID ends: m1 before it is stored too (no gaps, CID2).
    expect(unstoredEntryIds(h1.doc(), h1.stored())).toEqual(new Set());
    // Unacknowledged again; a reconnect's step 1 (the server's state vector) settles it.
    server.acknowledge = false;
    append(h1.doc(), message('m2b', 'third reply'));
    await settle(server);
    expect(unstoredEntryIds(h1.doc(), h1.stored())).toEqual(new Set(['m2b']));
    server.acknowledge = true;
    server.disconnectAll();
    timers.advance(60_000);
    await settle(server);
    expect(unstoredEntryIds(h1.doc(), h1.stored())).toEqual(new Set());

    // Written offline: unstored, and still so after a reload offline; stored ones stay stored.
    server.disconnectAll();
    server.reachable = false;
    append(h1.doc(), message('m3', 'offline reply'));
    await first.flush();
    first.destroy();
    const second = makeClient(server, timers, { store });
    second.start();
    const h2 = second.retain(CONV);
    await h2.whenLoaded;
    expect(texts(h2.doc())).toEqual(['hello', 'reply', 'second reply', 'third reply', 'offline reply']);
    expect(unstoredEntryIds(h2.doc(), h2.stored())).toEqual(new Set(['m3']));
    // Back online: sent once, acknowledged.
    server.reachable = true;
    timers.advance(60_000);
    await settle(server);
    expect(unstoredEntryIds(h2.doc(), h2.stored())).toEqual(new Set());
    expect(texts(server.doc(CONV))).toEqual(['hello', 'reply', 'second reply', 'third reply', 'offline reply']);
  });
});
