import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { RejectReason } from '../../shared/protocol/rejectReasons.ts';
import { makeProvider, type TestProvider } from '../helpers/makeProvider.ts';
import { MuxTestClient } from '../helpers/muxClient.ts';
import { startSyncServer, type TestSyncServer } from '../helpers/startSyncServer.ts';
import { messageBy, TOKENS } from '../helpers/syncFixtures.ts';
import { waitFor } from '../helpers/waitFor.ts';

/** The conversations these tests open, created as the server would (DOC2). */
const CONVERSATIONS = ['ws/conv/cid', 'ws/conv/gap', 'ws/conv/r1', 'ws/conv/r2', 'ws/conv/r3', 'ws/conv/r5', 'ws/conv/r6', 'ws/conv/r6b', 'ws/conv/r7', 'ws/conv/r7b'];

interface RuleCase {
  rule: string;
  reason: RejectReason;
  doc: string;
  token: string;
  title: string;
  edit: (doc: Y.Doc) => void;
}

const CASES: RuleCase[] = [
  { rule: 'IDX1', reason: 'read-only', doc: 'ws/index', token: 'token-lee', title: 'writing the workspace index', edit: (d) => d.getMap('conversations').set('c9', { id: 'c9' }) },
  { rule: 'SET1', reason: 'not-allowed', doc: 'ws/settings', token: 'token-dana', title: 'an agent changing settings', edit: (d) => d.getMap('workspace').set('name', 'Mine now') },
  { rule: 'CONV1', reason: 'append-only', doc: 'ws/conv/r1', token: 'token-dana', title: 'deleting a sent message', edit: (d) => d.getArray('messages').delete(0, 1) },
  { rule: 'CONV2', reason: 'wrong-author', doc: 'ws/conv/r2', token: 'token-dana', title: "appending Lee's message", edit: (d) => d.getArray('messages').insert(1, [messageBy('lee')]) },
  { rule: 'CONV3', reason: 'read-only', doc: 'ws/conv/r3', token: 'token-dana', title: 'writing a receipt', edit: (d) => d.getMap('receipts').set('m0', { status: 'read', at: 1 }) },
  { rule: 'CONV5', reason: 'read-only', doc: 'ws/conv/r5', token: 'token-dana', title: 'reassigning in meta', edit: (d) => d.getMap('meta').set('assigneeId', 'dana') },
  { rule: 'CONV6', reason: 'invalid-value', doc: 'ws/conv/r6', token: 'token-dana', title: 'an unknown status', edit: (d) => d.getMap('state').set('status', 'snoozed') },
  { rule: 'CONV6', reason: 'read-only', doc: 'ws/conv/r6b', token: 'token-dana', title: 'another state key', edit: (d) => d.getMap('state').set('priority', 'high') },
  { rule: 'CONV7', reason: 'invalid-value', doc: 'ws/conv/r7', token: 'token-dana', title: 'an entry without text', edit: (d) => d.getArray('messages').insert(1, [{ ...messageBy('dana'), text: '' }]) },
  { rule: 'CONV7', reason: 'unexpected-type', doc: 'ws/conv/r7b', token: 'token-dana', title: 'a nested Y.Map entry', edit: (d) => d.getArray('messages').insert(1, [new Y.Map()]) },
  { rule: 'AGT1', reason: 'unexpected-type', doc: 'ws/agent/dana', token: 'token-dana', title: 'an unknown agent root', edit: (d) => d.getArray('notes').insert(0, ['x']) },
  { rule: 'AGT1', reason: 'invalid-value', doc: 'ws/agent/lee', token: 'token-lee', title: 'a negative read mark', edit: (d) => d.getMap('read').set('c1', -3) },
];

describe('validation over the wire', () => {
  let server: TestSyncServer;
  const clients: MuxTestClient[] = [];
  const providers: TestProvider[] = [];

  beforeEach(async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS });
    for (const c of CASES) {
      if (!c.doc.includes('/conv/')) continue;
      await server.service.docs.change(c.doc, 'seed', (doc) => {
        doc.getArray('messages').insert(0, [{ ...messageBy('dana'), id: 'm0' }]);
        doc.getMap('meta').set('assigneeId', null);
        doc.getMap('receipts').set('m0', { status: 'sent', at: 1 });
      });
    }
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const p of providers.splice(0)) p.destroy();
    await server.stop();
    server.cleanup();
  });

  const stored = async (name: string) => {
    const s = await server.store.load(name);
    const sv = await server.service.docs.read(name, (d) => [...Y.encodeStateVector(d)]);
    return { log: s.updates.length, snapshot: s.snapshot?.length ?? 0, sv };
  };

  for (const c of CASES) {
    it(`${c.rule}: refuses ${c.title} with ${c.reason}, tells the client, logs it and changes nothing`, async () => {
      const client = new MuxTestClient(server.url, c.token);
      clients.push(client);
      await client.ready();
      const doc = client.open(c.doc);
      await client.whenSynced(c.doc);
      const before = await stored(c.doc);
      const counted = (await server.metrics.updatesRejected.get()).values.find((v) => v.labels.reason === c.reason)?.value ?? 0;

      doc.transact(() => c.edit(doc));
      const rejected = await client.control('update-rejected', c.doc);
      expect(rejected).toMatchObject({ reason: c.reason, rule: c.rule });
      await server.service.docs.flush();
      expect(await stored(c.doc)).toEqual(before);
      const log = server.logs.find((l) => l.event === 'update_rejected' && l.doc === c.doc);
      expect(log).toMatchObject({ reason: c.reason, rule: c.rule, doc: c.doc });
      expect(typeof log?.conn).toBe('string');
      expect((await server.metrics.updatesRejected.get()).values.find((v) => v.labels.reason === c.reason)?.value).toBe(counted + 1);
      expect(client.closeCode).toBeNull();
    });
  }

  it('CID1: refuses updates written with a clientID that belongs to another agent', async () => {
    const dana = await new MuxTestClient(server.url, 'token-dana').ready();
    const lee = await new MuxTestClient(server.url, 'token-lee').ready();
    clients.push(dana, lee);
    const danaDoc = dana.open('ws/conv/cid');
    await dana.whenSynced('ws/conv/cid');
    danaDoc.getArray('messages').insert(0, [messageBy('dana')]);
    await waitFor(async () => (await stored('ws/conv/cid')).log === 1, 'dana\'s message stored');

    const leeDoc = new Y.Doc();
    lee.open('ws/conv/cid', leeDoc);
    await lee.whenSynced('ws/conv/cid');
    leeDoc.clientID = danaDoc.clientID; // pretend to be Dana's client
    const before = await stored('ws/conv/cid');
    leeDoc.getArray('messages').insert(1, [messageBy('lee')]);
    expect(await lee.control('update-rejected', 'ws/conv/cid')).toMatchObject({ reason: 'client-id-taken', rule: 'CID1' });
    expect(await stored('ws/conv/cid')).toEqual(before);
  });

  it('CID2: after a refusal, later updates of that client are refused as missing-dependency', async () => {
    const dana = await new MuxTestClient(server.url, 'token-dana').ready();
    clients.push(dana);
    const doc = dana.open('ws/conv/gap');
    await dana.whenSynced('ws/conv/gap');
    const before = await stored('ws/conv/gap');
    doc.getArray('messages').insert(0, [messageBy('lee')]);
    await dana.control('update-rejected', 'ws/conv/gap');
    doc.getArray('messages').insert(1, [messageBy('dana')]);
    await waitFor(() => dana.controls.filter((m) => m.type === 'update-rejected').length === 2, 'second refusal');
    expect(dana.controls.filter((m) => m.type === 'update-rejected').map((m) => 'rule' in m && m.rule)).toEqual(['CONV2', 'CID2']);
    expect(await stored('ws/conv/gap')).toEqual(before);
  });

  it('tells a stock provider why with an auth permission-denied message', async () => {
    const p = makeProvider(server.url, 'ws/conv/r1', 'token-dana');
    providers.push(p);
    await p.synced();
    p.doc.getArray('messages').delete(0, 1);
    const reason = await waitFor(() => p.denied[0], 'permission denied');
    expect(JSON.parse(reason)).toMatchObject({ type: 'update-rejected', doc: 'ws/conv/r1', reason: 'append-only', rule: 'CONV1' });
    expect(await server.service.docs.read('ws/conv/r1', (d) => d.getArray('messages').length)).toBe(1);
  });
});
