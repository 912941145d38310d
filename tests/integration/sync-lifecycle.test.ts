import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeProvider, type TestProvider } from '../helpers/makeProvider.ts';
import { MuxTestClient } from '../helpers/muxClient.ts';
import { startSyncServer, type TestSyncServer } from '../helpers/startSyncServer.ts';
import { messageBy, TOKENS } from '../helpers/syncFixtures.ts';
import { waitFor } from '../helpers/waitFor.ts';

/** The conversations these tests open, created as the server would (DOC2). */
const CONVERSATIONS = ['ws/conv/idle', 'ws/conv/long', 'ws/conv/s1'];

describe('sync service lifecycle', () => {
  let server: TestSyncServer | null = null;
  const providers: TestProvider[] = [];
  const clients: MuxTestClient[] = [];

  afterEach(async () => {
    for (const p of providers.splice(0)) p.destroy();
    for (const c of clients.splice(0)) c.close();
    await server?.stop();
    server?.cleanup();
    server = null;
  });

  it('closes every connection with 4503 on shutdown and keeps what was written', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS });
    const p = makeProvider(server.url, 'ws/conv/s1', 'token-dana');
    providers.push(p);
    const m = await new MuxTestClient(server.url, 'token-lee').ready();
    clients.push(m);
    await p.synced();
    p.doc.getArray('messages').insert(0, [messageBy('dana')]);
    await waitFor(async () => (await server!.store.load('ws/conv/s1')).updates.length === 1, 'stored');
    const closing = p.nextClose();
    const dataDir = server.dataDir;
    await server.stop();
    expect(await closing).toBe(4503);
    expect(await m.whenClosed()).toBe(4503);
    p.provider.disconnect();

    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS, dataDir });
    const q = makeProvider(server.url, 'ws/conv/s1', 'token-lee');
    providers.push(q);
    await q.synced();
    expect(q.doc.getArray('messages').length).toBe(1);
  });

  it('drops a connection that stops answering pings', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS, limits: { heartbeatMs: 250 } });
    const silent = new WebSocket(`${server.url}?token=token-dana`, { autoPong: false });
    silent.on('error', () => {});
    const closed = new Promise((resolve) => silent.on('close', resolve));
    const alive = await new MuxTestClient(server.url, 'token-lee').ready();
    clients.push(alive);
    await waitFor(() => server!.service.connectionCount() === 2, 'both connected');
    await closed;
    await waitFor(() => server!.service.connectionCount() === 1, 'the silent one dropped');
    expect(alive.closeCode).toBeNull();
  });

  it('unloads a document once its last connection has gone and it sat idle', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS, limits: { idleUnloadMs: 20 } });
    const p = makeProvider(server.url, 'ws/conv/idle', 'token-dana');
    providers.push(p);
    await p.synced();
    expect(server.service.docs.isLoaded('ws/conv/idle')).toBe(true);
    p.provider.disconnect();
    await waitFor(() => !server!.service.docs.isLoaded('ws/conv/idle'), 'unloaded');
  });

  it('compacts a long update log, and a new client still gets the whole document', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS, limits: { compactAfterUpdates: 20 } });
    const p = makeProvider(server.url, 'ws/conv/long', 'token-dana');
    providers.push(p);
    await p.synced();
    const arr = p.doc.getArray('messages');
    for (let i = 0; i < 70; i++) arr.insert(arr.length, [messageBy('dana', `m${i}`)]);
    await waitFor(async () => (await server!.service.docs.read('ws/conv/long', (d) => d.getArray('messages').length)) === 70, 'all applied');
    await server.service.docs.flush();
    const stored = await server.store.load('ws/conv/long');
    expect(stored.snapshot).not.toBeNull();
    // Compacted at 20 updates, then each time the log had grown as large as the snapshot.
    expect(stored.updates.length).toBeLessThan(70);
    expect(stored.updates.length < 20 || stored.logBytes < stored.snapshot!.byteLength).toBe(true);
    const q = makeProvider(server.url, 'ws/conv/long', 'token-lee');
    providers.push(q);
    await q.synced();
    expect(q.doc.getArray('messages').toJSON()).toEqual(arr.toJSON());
  });
});
