import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { makeProvider, type TestProvider } from '../helpers/makeProvider.ts';
import { startSyncServer, type TestSyncServer } from '../helpers/startSyncServer.ts';
import { messageBy, PRINCIPALS, TOKENS } from '../helpers/syncFixtures.ts';
import { waitFor } from '../helpers/waitFor.ts';

/** The conversations these tests open, created as the server would (DOC2). */
const CONVERSATIONS = ['ws/conv/big', 'ws/conv/c1', 'ws/conv/large'];

describe('sync with stock y-websocket providers', () => {
  let server: TestSyncServer;
  const providers: TestProvider[] = [];
  const provider = (...args: Parameters<typeof makeProvider>) => {
    const p = makeProvider(...args);
    providers.push(p);
    return p;
  };

  afterEach(async () => {
    for (const p of providers.splice(0)) p.destroy();
    await server?.stop();
    server?.cleanup();
  });

  it('syncs two clients of one conversation through the server', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS });
    const a = provider(server.url, 'ws/conv/c1', 'token-dana');
    const b = provider(server.url, 'ws/conv/c1', 'token-lee');
    await Promise.all([a.synced(), b.synced()]);

    const fromDana = messageBy(PRINCIPALS.dana.agentId);
    a.doc.getArray('messages').insert(0, [fromDana]);
    await waitFor(() => b.doc.getArray('messages').length === 1, 'lee to get dana\'s message');
    const fromLee = messageBy(PRINCIPALS.lee.agentId);
    const arr = b.doc.getArray('messages');
    arr.insert(arr.length, [fromLee]);
    await waitFor(() => a.doc.getArray('messages').length === 2, 'dana to get lee\'s message');
    expect(a.doc.getArray('messages').toJSON()).toEqual([fromDana, fromLee]);
    expect(server.service.connectionCount()).toBe(2);
    // An operator's scrape counts both updates and times both fan-outs.
    const scraped = await server.metrics.registry.metrics();
    expect(scraped).toContain('switchboard_updates_applied_total{kind="conversation"} 2');
    expect(scraped).toContain('switchboard_fanout_latency_seconds_count 2');
  });

  it('relays an update larger than 64 KiB intact', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS });
    const a = provider(server.url, 'ws/conv/large', 'token-dana');
    const b = provider(server.url, 'ws/conv/large', 'token-lee');
    await Promise.all([a.synced(), b.synced()]);
    const batch = Array.from({ length: 40 }, (_, i) => messageBy(PRINCIPALS.dana.agentId, `${i}`.repeat(2000)));
    a.doc.getArray('messages').insert(0, batch);
    await waitFor(() => b.doc.getArray('messages').length === 40, 'the large update');
    expect(b.doc.getArray('messages').toJSON()).toEqual(batch);
  });

  it('keeps documents across a restart of the service on the same data directory', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS });
    const a = provider(server.url, 'ws/agent/dana', 'token-dana');
    await a.synced();
    a.doc.getText('draft:c1').insert(0, 'Half-written reply');
    a.doc.getMap('read').set('c1', 4);
    await waitFor(async () => (await server.store.load('ws/agent/dana')).updates.length >= 2, 'updates stored');
    a.destroy();
    providers.length = 0;
    const dataDir = server.dataDir;
    await server.stop();

    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS, dataDir });
    const b = provider(server.url, 'ws/agent/dana', 'token-dana');
    await b.synced();
    expect(b.doc.getText('draft:c1').toString()).toBe('Half-written reply');
    expect(b.doc.getMap('read').get('c1')).toBe(4);
  });

  it('sends a reconnecting client only what it lacks', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS });
    const a = provider(server.url, 'ws/conv/big', 'token-dana');
    const b = provider(server.url, 'ws/conv/big', 'token-lee');
    await Promise.all([a.synced(), b.synced()]);
    // ~200 KB of history.
    const arr = a.doc.getArray('messages');
    for (let i = 0; i < 100; i++) arr.insert(arr.length, [messageBy(PRINCIPALS.dana.agentId, 'x'.repeat(2000))]);
    await waitFor(() => b.doc.getArray('messages').length === 100, 'lee to have the history');

    b.provider.disconnect();
    a.doc.getArray('messages').insert(100, [messageBy(PRINCIPALS.dana.agentId, 'one more')]);
    await waitFor(async () => (await server.service.docs.read('ws/conv/big', (d) => d.getArray('messages').length)) === 101, 'server to have it');

    b.received.length = 0;
    b.provider.connect();
    await b.synced();
    await waitFor(() => b.doc.getArray('messages').length === 101, 'lee to catch up');
    const bytes = b.received.reduce((s, n) => s + n, 0);
    expect(bytes).toBeLessThan(2_000);
    expect(Y.encodeStateAsUpdate(b.doc).byteLength).toBeGreaterThan(200_000);
  });
});
