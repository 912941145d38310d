import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type * as Y from 'yjs';
import { type SocketLike, SyncClient } from '../../client/sync/SyncClient.ts';
import { startSyncServer, type TestSyncServer } from '../helpers/startSyncServer.ts';
import { messageBy, TOKENS } from '../helpers/syncFixtures.ts';
import { waitFor } from '../helpers/waitFor.ts';

/** The conversations these tests open, created as the server would (DOC2). */
const CONVERSATIONS = ['ws/conv/r'];

/**
 * "After a refusal" (docs/protocol.md) end to end: the PWA's SyncClient against the real
 * server over a real socket, without IndexedDB.
 */
describe('after a refusal', () => {
  let server: TestSyncServer;
  const clients: SyncClient[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server?.stop();
    server?.cleanup();
  });

  function client(token: string, agentId: string): SyncClient {
    const c = new SyncClient({
      url: () => `${server.url}?token=${token}`,
      agentId,
      store: null,
      window: null,
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      releaseDelayMs: 0,
    });
    clients.push(c);
    c.start();
    return c;
  }

  const serverMessages = (name: string) => server.service.docs.read(name, (d) => d.getArray<{ id: string }>('messages').toArray().map((m) => m.id));

  it('reloads the document under a new clientID, keeps what the server accepted, and syncs again', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS });
    const dana = client('token-dana', 'dana');
    const handle = dana.retain('ws/conv/r');
    await waitFor(() => handle.synced(), 'first sync');
    const first = handle.doc();
    const kept = messageBy('dana', 'kept');
    first.getArray('messages').insert(0, [kept]);
    await waitFor(async () => (await serverMessages('ws/conv/r')).includes(kept.id), 'kept stored');

    // A message written as someone else: refused (CONV2).
    first.getArray('messages').insert(1, [messageBy('lee', 'forged')]);
    await waitFor(() => dana.rejections().length === 1, 'the rejection');
    expect(dana.rejections()[0]).toMatchObject({ doc: 'ws/conv/r', reason: 'wrong-author', rule: 'CONV2' });
    await waitFor(() => handle.doc() !== first && handle.synced(), 'reset to a fresh document');
    const fresh: Y.Doc = handle.doc();
    expect(fresh.clientID).not.toBe(first.clientID);
    expect(fresh.getArray<{ id: string }>('messages').toArray().map((m) => m.id)).toEqual([kept.id]);

    // The fresh copy syncs normally.
    const next = messageBy('dana', 'after the reset');
    fresh.getArray('messages').insert(1, [next]);
    await waitFor(async () => (await serverMessages('ws/conv/r')).includes(next.id), 'new message stored');
    expect(await serverMessages('ws/conv/r')).toEqual([kept.id, next.id]);
    expect(dana.rejections()).toHaveLength(1);
  });

  it('re-applies a draft typed in the same update as a refused change', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS });
    const dana = client('token-dana', 'dana');
    const handle = dana.retain('ws/agent/dana');
    await waitFor(() => handle.synced(), 'first sync');
    const first = handle.doc();
    first.transact(() => {
      first.getText('draft:c1').insert(0, 'Dear customer');
      first.getMap('read').set('c1', -1); // AGT1: refused, with the draft in the same update
    });
    await waitFor(() => dana.rejections().length === 1, 'the rejection');
    await waitFor(() => handle.doc() !== first && handle.synced(), 'reset');
    await waitFor(
      async () => (await server.service.docs.read('ws/agent/dana', (d) => d.getText('draft:c1').toString())) === 'Dear customer',
      'the draft re-applied and stored',
    );
    expect(await server.service.docs.read('ws/agent/dana', (d) => d.getMap('read').get('c1'))).toBeUndefined();
  });
});
