import { afterEach, describe, expect, it } from 'vitest';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.ts';
import { makeProvider, type TestProvider } from '../helpers/makeProvider.ts';
import { MuxTestClient } from '../helpers/muxClient.ts';
import { startSyncServer, type TestSyncServer } from '../helpers/startSyncServer.ts';
import { messageBy, TOKENS } from '../helpers/syncFixtures.ts';
import { waitFor } from '../helpers/waitFor.ts';

/** The conversations these tests open, created as the server would (DOC2). */
const CONVERSATIONS = ['ws/conv/a', 'ws/conv/b', 'ws/conv/c', 'ws/conv/d', 'ws/conv/e', 'ws/conv/fine', 'ws/conv/u', 'ws/conv/v', 'ws/conv/x'];

describe('multiplexed sync (/sync)', () => {
  let server: TestSyncServer;
  const clients: MuxTestClient[] = [];
  const providers: TestProvider[] = [];
  const mux = async (token: string) => {
    const c = new MuxTestClient(server.url, token);
    clients.push(c);
    return c.ready();
  };

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const p of providers.splice(0)) p.destroy();
    await server?.stop();
    server?.cleanup();
  });

  it('sends hello first, then syncs three documents over one socket', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS });
    const dana = await mux('token-dana');
    expect(dana.frames[0]).toEqual(['', 100]);
    expect(dana.controls[0]).toMatchObject({ type: 'hello', protocolVersion: PROTOCOL_VERSION, agentId: 'dana' });

    const names = ['ws/conv/a', 'ws/conv/b', 'ws/agent/dana'];
    const docs = names.map((n) => dana.open(n));
    await Promise.all(names.map((n) => dana.whenSynced(n)));

    const lee = await mux('token-lee');
    const leeA = lee.open('ws/conv/a');
    const leeB = lee.open('ws/conv/b');
    await Promise.all([lee.whenSynced('ws/conv/a'), lee.whenSynced('ws/conv/b')]);

    docs[0]!.getArray('messages').insert(0, [messageBy('dana', 'to a')]);
    docs[1]!.getArray('messages').insert(0, [messageBy('dana', 'to b')]);
    docs[2]!.getText('draft:a').insert(0, 'draft');
    await waitFor(() => leeA.getArray('messages').length === 1 && leeB.getArray('messages').length === 1, 'lee to get both');
    expect((leeA.getArray('messages').get(0) as { text: string }).text).toBe('to a');
    expect((leeB.getArray('messages').get(0) as { text: string }).text).toBe('to b');
    await waitFor(async () => (await server.service.docs.read('ws/agent/dana', (d) => d.getText('draft:a').toString())) === 'draft', 'draft stored');
    expect(server.service.connectionCount()).toBe(2);
  });

  it('interoperates with a stock provider on the same document', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS });
    const dana = await mux('token-dana');
    const doc = dana.open('ws/conv/x');
    const stock = makeProvider(server.url, 'ws/conv/x', 'token-lee');
    providers.push(stock);
    await Promise.all([dana.whenSynced('ws/conv/x'), stock.synced()]);
    doc.getArray('messages').insert(0, [messageBy('dana')]);
    await waitFor(() => stock.doc.getArray('messages').length === 1, 'stock provider to get it');
    stock.doc.getArray('messages').insert(1, [messageBy('lee')]);
    await waitFor(() => doc.getArray('messages').length === 2, 'mux client to get it');
  });

  it('stops sending a document after unsubscribe', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS });
    const dana = await mux('token-dana');
    const lee = await mux('token-lee');
    const danaDoc = dana.open('ws/conv/u');
    const leeDoc = lee.open('ws/conv/u');
    const leeOther = lee.open('ws/conv/v');
    const danaOther = dana.open('ws/conv/v');
    await Promise.all(['ws/conv/u', 'ws/conv/v'].flatMap((n) => [dana.whenSynced(n), lee.whenSynced(n)]));
    lee.sendControl('ws/conv/u', { type: 'unsubscribe', doc: 'ws/conv/u' });
    // Lee's and Dana's frames travel on different sockets: write only once the server has Lee's.
    await waitFor(() => server.logs.some((l) => l.event === 'doc_unsubscribed' && l.doc === 'ws/conv/u'), 'the server to unsubscribe lee');
    danaDoc.getArray('messages').insert(0, [messageBy('dana', 'after unsubscribe')]);
    danaOther.getArray('messages').insert(0, [messageBy('dana', 'still subscribed')]);
    await waitFor(() => leeOther.getArray('messages').length === 1, 'lee to get the other doc');
    expect(leeDoc.getArray('messages').length).toBe(0);
  });

  it('AUTH2, AUTH3, DOC1: answers doc-error for documents it refuses and keeps the connection', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS });
    const dana = await mux('token-dana');
    dana.open('other/conv/c1');
    dana.open('ws/agent/lee');
    dana.open('ws/nonsense/x/y');
    expect(await dana.control('doc-error', 'other/conv/c1')).toMatchObject({ reason: 'forbidden' });
    expect(await dana.control('doc-error', 'ws/agent/lee')).toMatchObject({ reason: 'forbidden' });
    expect(await dana.control('doc-error', 'ws/nonsense/x/y')).toMatchObject({ reason: 'unknown-document' });
    dana.open('ws/conv/fine');
    await dana.whenSynced('ws/conv/fine');
    expect(dana.closeCode).toBeNull();
    expect(server.logs.filter((l) => l.event === 'doc_refused').map((l) => l.rule)).toEqual(['AUTH2', 'AUTH3', 'DOC1']);
  });

  it('DOC2: refuses a conversation the server never created, stores nothing of it, keeps the connection', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: ['ws/conv/real'] });
    const dana = await mux('token-dana');
    const phantom = dana.open('ws/conv/phantom');
    // Written before the answer: the update travels right behind the subscription.
    phantom.getArray('messages').insert(0, [messageBy('dana', 'into the void')]);
    expect(await dana.control('doc-error', 'ws/conv/phantom')).toMatchObject({ reason: 'unknown-document' });
    expect(server.logs.filter((l) => l.event === 'doc_refused').map((l) => [l.rule, l.doc])).toEqual([['DOC2', 'ws/conv/phantom']]);

    const real = dana.open('ws/conv/real');
    await dana.whenSynced('ws/conv/real');
    real.getArray('messages').insert(0, [messageBy('dana', 'to a real conversation')]);
    await waitFor(async () => (await server.store.load('ws/conv/real')).updates.length > 1, 'the real one stored');
    expect(dana.closeCode).toBeNull();
    expect(await server.store.load('ws/conv/phantom')).toMatchObject({ snapshot: null, updates: [] });
    expect(await server.service.docs.read('ws/conv/phantom', (d) => d.getArray('messages').length)).toBe(0);
  });

  it('AWR1: stamps awareness with the agent, refuses changes to others\' states, removes them on close', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS });
    const [dana, lee, sam] = await Promise.all([mux('token-dana'), mux('token-lee'), mux('token-sam')]);
    for (const c of [dana, lee, sam]) c.open('ws/index');
    await Promise.all([dana, lee, sam].map((c) => c.whenSynced('ws/index')));
    const danaAw = dana.awarenessOf('ws/index');
    const leeAw = lee.awarenessOf('ws/index');
    const samAw = sam.awarenessOf('ws/index');
    danaAw.setLocalState({ viewing: 'c1', user: { id: 'lee', name: 'Not Dana', kind: 'agent' } });
    await waitFor(() => samAw.getStates().get(danaAw.clientID), 'sam to see dana');
    expect(samAw.getStates().get(danaAw.clientID)).toEqual({ viewing: 'c1', user: { id: 'dana', name: 'Dana Reyes', kind: 'agent' } });

    // Lee sends a newer state under Dana's clientID, then one of its own: the first is dropped.
    const forged = new Awareness(new Y.Doc());
    forged.clientID = danaAw.clientID;
    forged.setLocalState({ viewing: 'hijacked' });
    forged.meta.get(danaAw.clientID)!.clock = 1000;
    lee.sendAwareness('ws/index', encodeAwarenessUpdate(forged, [danaAw.clientID]));
    leeAw.setLocalState({ viewing: 'c2' });
    await waitFor(() => samAw.getStates().get(leeAw.clientID), 'sam to see lee');
    expect(samAw.getStates().get(leeAw.clientID)).toEqual({ viewing: 'c2', user: { id: 'lee', name: 'Lee Chen', kind: 'agent' } });
    expect(samAw.getStates().get(danaAw.clientID)).toMatchObject({ viewing: 'c1' });

    dana.close();
    await waitFor(() => !samAw.getStates().has(danaAw.clientID), 'dana\'s state removed');
    expect(samAw.getStates().has(leeAw.clientID)).toBe(true);
  });

  it('closes a connection that opens more documents than the limit with 4429', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS, limits: { maxDocsPerConnection: 3 } });
    const dana = await mux('token-dana');
    for (const n of ['a', 'b', 'c']) dana.open(`ws/conv/${n}`);
    await Promise.all(['a', 'b', 'c'].map((n) => dana.whenSynced(`ws/conv/${n}`)));
    dana.sendControl('ws/conv/a', { type: 'unsubscribe', doc: 'ws/conv/a' });
    dana.open('ws/conv/d');
    await dana.whenSynced('ws/conv/d');
    dana.open('ws/conv/e');
    expect(await dana.whenClosed()).toBe(4429);
  });
});
