import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { encodeMuxFrame } from '../../shared/protocol/multiplex.ts';
import { makeProvider, type TestProvider } from '../helpers/makeProvider.ts';
import { MuxTestClient } from '../helpers/muxClient.ts';
import { startSyncServer, type TestSyncServer } from '../helpers/startSyncServer.ts';
import { messageBy, TOKENS } from '../helpers/syncFixtures.ts';
import { waitFor } from '../helpers/waitFor.ts';

/** The conversations these tests open, created as the server would (DOC2). */
const CONVERSATIONS = ['ws/conv/big', 'ws/conv/f1', 'ws/conv/m', 'ws/conv/ok'];

/** A raw single-document socket (what a provider opens), for sending arbitrary bytes. */
async function rawSocket(server: TestSyncServer, doc: string, token: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  const ws = new WebSocket(`${server.url}/${doc}?token=${token}`);
  ws.on('error', () => {});
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise((resolve) => ws.once('open', resolve));
  return { ws, closed };
}

describe('frames the server cannot accept', () => {
  let server: TestSyncServer;
  const providers: TestProvider[] = [];
  const clients: MuxTestClient[] = [];

  afterEach(async () => {
    for (const p of providers.splice(0)) p.destroy();
    for (const c of clients.splice(0)) c.close();
    await server?.stop();
    server?.cleanup();
  });

  async function twoSyncedProviders(doc: string) {
    const a = makeProvider(server.url, doc, 'token-dana');
    const b = makeProvider(server.url, doc, 'token-lee');
    providers.push(a, b);
    await Promise.all([a.synced(), b.synced()]);
    return [a, b] as const;
  }

  const garbage: Array<[string, Uint8Array | string]> = [
    ['a truncated sync message', new Uint8Array([0, 0, 200])],
    ['an unknown message type', new Uint8Array([42, 1, 2])],
    ['a sync message of unknown kind', new Uint8Array([0, 7, 0])],
    ['a truncated awareness update', new Uint8Array([1, 5, 1, 2])],
    ['a control message on a single-document connection', new Uint8Array([100, 2, 123, 125])],
    ['a text frame', 'hello'],
  ];

  for (const [what, bytes] of garbage) {
    it(`FRAME1: closes only the connection that sent ${what} (4400); others keep syncing`, async () => {
      server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS });
      const [a, b] = await twoSyncedProviders('ws/conv/f1');
      const bad = await rawSocket(server, 'ws/conv/f1', 'token-sam');
      bad.ws.send(bytes);
      expect(await bad.closed).toBe(4400);
      a.doc.getArray('messages').insert(0, [messageBy('dana')]);
      await waitFor(() => b.doc.getArray('messages').length === 1, 'b to keep syncing');
      expect(server.logs.some((l) => l.event === 'frame_malformed')).toBe(true);
      expect((await server.metrics.framesMalformed.get()).values[0]?.value).toBe(1);
    });
  }

  it('FRAME1: closes a multiplexed connection on a truncated frame or bad control JSON', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS });
    const c1 = await new MuxTestClient(server.url, 'token-dana').ready();
    const c2 = await new MuxTestClient(server.url, 'token-dana').ready();
    const c3 = await new MuxTestClient(server.url, 'token-lee').ready();
    clients.push(c1, c2, c3);
    c1.ws.send(new Uint8Array([40, 1, 2])); // name length 40, 2 bytes follow
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, 100);
    encoding.writeVarString(enc, '{"type":"nope"}');
    c2.ws.send(encodeMuxFrame('', encoding.toUint8Array(enc)));
    expect(await c1.whenClosed()).toBe(4400);
    expect(await c2.whenClosed()).toBe(4400);
    c3.open('ws/conv/ok');
    await c3.whenSynced('ws/conv/ok');
  });

  it('refuses an update that is not a Yjs update as malformed-update without closing', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS });
    const c = await new MuxTestClient(server.url, 'token-dana').ready();
    clients.push(c);
    c.open('ws/conv/m');
    await c.whenSynced('ws/conv/m');
    c.sendUpdate('ws/conv/m', new Uint8Array([3, 250, 250, 250]));
    expect(await c.control('update-rejected', 'ws/conv/m')).toMatchObject({ reason: 'malformed-update' });
    expect(c.closeCode).toBeNull();
  });

  it('SIZE1: closes a connection that sends a frame over the limit with 4413, applying nothing', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS, limits: { maxFrameBytes: 64 * 1024 } });
    const [a, b] = await twoSyncedProviders('ws/conv/big');
    const big = await rawSocket(server, 'ws/conv/big', 'token-sam');
    const arr = new Y.Doc().getArray('messages');
    arr.insert(0, [messageBy('sam', 'x'.repeat(100 * 1024))]);
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, 0);
    encoding.writeVarUint(enc, 2);
    encoding.writeVarUint8Array(enc, Y.encodeStateAsUpdate(arr.doc!));
    big.ws.send(encoding.toUint8Array(enc));
    expect(await big.closed).toBe(4413);
    expect(await server.service.docs.read('ws/conv/big', (d) => d.getArray('messages').length)).toBe(0);
    a.doc.getArray('messages').insert(0, [messageBy('dana')]);
    await waitFor(() => b.doc.getArray('messages').length === 1, 'others keep syncing');
  });
});
