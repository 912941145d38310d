import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { MessageEntry } from '../../shared/schema/message.ts';
import type { QuickReply, UsageCount } from '../../shared/schema/settings.ts';
import { UsageCounter } from '../../sync-server/library/UsageCounter.ts';
import { silentLogger } from '../../sync-server/ops/log.ts';
import { MuxTestClient } from '../helpers/muxClient.ts';
import { startSyncServer, type TestSyncServer } from '../helpers/startSyncServer.ts';
import { messageBy, TOKENS } from '../helpers/syncFixtures.ts';
import { waitFor } from '../helpers/waitFor.ts';

/** The conversations these tests open, created as the server would (DOC2). */
const CONVERSATIONS = ['ws/conv/c1'];

const DOC = 'ws/settings';
const reply = (over: Partial<QuickReply> = {}): QuickReply => ({
  id: 'qr1',
  name: 'Greeting',
  shortcut: 'hi',
  category: 'Greetings',
  text: 'Hi {{first_name|there}}!',
  order: 1,
  ...over,
});

describe('quick replies and canned responses over the wire', () => {
  let server: TestSyncServer;
  const clients: MuxTestClient[] = [];

  beforeEach(async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS });
    await server.service.docs.change(DOC, 'seed', (doc) => doc.getMap('quickReplies').set('qr1', reply()));
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server.stop();
    server.cleanup();
  });

  const connect = async (token: string) => {
    const client = await new MuxTestClient(server.url, token).ready();
    clients.push(client);
    const doc = client.open(DOC);
    await client.whenSynced(DOC);
    return { client, doc };
  };
  const stored = async () => {
    await server.service.docs.flush();
    const s = await server.store.load(DOC);
    return { log: s.updates.length, sv: await server.service.docs.read(DOC, (d) => [...Y.encodeStateVector(d)]) };
  };
  const serverReply = (id: string) => server.service.docs.read(DOC, (d) => d.getMap('quickReplies').get(id));

  it('SET1: refuses an agent adding a quick reply, tells it why, and stores nothing', async () => {
    const { client, doc } = await connect('token-dana'); // Dana is an agent in this fixture
    const before = await stored();
    doc.getMap('quickReplies').set('qr2', reply({ id: 'qr2' }));
    expect(await client.control('update-rejected', DOC)).toMatchObject({ reason: 'not-allowed', rule: 'SET1' });
    expect(await stored()).toEqual(before);
    expect(await serverReply('qr2')).toBeUndefined();
  });

  it('SET2: refuses a lead saving a malformed template and stores nothing', async () => {
    const { client, doc } = await connect('token-lee');
    const before = await stored();
    doc.getMap('quickReplies').set('qr1', reply({ text: 'Hi {{first_name' }));
    expect(await client.control('update-rejected', DOC)).toMatchObject({ reason: 'invalid-value', rule: 'SET2' });
    expect(await stored()).toEqual(before);
    expect(await serverReply('qr1')).toEqual(reply());
  });

  it('SET1: a lead’s new quick reply reaches an agent live', async () => {
    const lee = await connect('token-lee');
    const sam = await connect('token-sam');
    lee.doc.getMap('quickReplies').set('qr2', reply({ id: 'qr2', name: 'Thanks', shortcut: 'thx', text: 'Thanks, {{first_name}}!' }));
    await waitFor(() => sam.doc.getMap('quickReplies').get('qr2') !== undefined, 'the agent sees the new quick reply');
    expect(await serverReply('qr2')).toMatchObject({ name: 'Thanks' });
  });
});

describe('usage counts of quick replies and canned responses', () => {
  const CONV = 'ws/conv/c1';
  let server: TestSyncServer;
  let counter: UsageCounter;
  const clients: MuxTestClient[] = [];

  const start = async (dataDir?: string) => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS, ...(dataDir ? { dataDir } : {}) });
    counter = new UsageCounter({ db: server.db, docs: server.service.docs, logger: silentLogger() });
    counter.start();
  };
  const stop = async () => {
    for (const c of clients.splice(0)) c.close();
    await counter.close();
    await server.stop();
    counter.stop();
  };

  beforeEach(async () => {
    await start();
    await server.service.docs.change(DOC, 'seed', (doc) => doc.getMap('quickReplies').set('qr1', reply()));
  });

  afterEach(async () => {
    await stop();
    server.cleanup();
  });

  const connect = async (token: string, name: string) => {
    const client = await new MuxTestClient(server.url, token).ready();
    clients.push(client);
    const doc = client.open(name);
    await client.whenSynced(name);
    return { client, doc };
  };
  const append = (doc: Y.Doc, entry: MessageEntry) => {
    const messages = doc.getArray<MessageEntry>('messages');
    messages.insert(messages.length, [entry]);
  };
  const serverUsage = () => server.service.docs.read(DOC, (d) => d.getMap<UsageCount>('usage').toJSON() as Record<string, UsageCount>);

  it('SET3: a sent message that used a quick reply counts once, for its sender, and every member sees it live', async () => {
    const lee = await connect('token-lee', DOC);
    const sam = await connect('token-sam', CONV);
    const sent = { ...messageBy('sam', 'Hi Ada!'), uses: [{ kind: 'quickReplies' as const, id: 'qr1' }] };
    append(sam.doc, sent);
    append(sam.doc, { ...messageBy('sam', 'A note'), kind: 'note', uses: [{ kind: 'quickReplies', id: 'qr1' }] });
    await waitFor(() => lee.doc.getMap<UsageCount>('usage').get('quickReplies:qr1') !== undefined, 'the lead sees the count');
    await counter.idle();
    expect(await serverUsage()).toEqual({ 'quickReplies:qr1': { total: 1, byAgent: { sam: 1 }, lastUsedAt: expect.any(Number) } });
  });

  it('SET3: even a lead cannot write usage counts: refused, nothing stored', async () => {
    const { client, doc } = await connect('token-lee', DOC);
    doc.getMap('usage').set('quickReplies:qr1', { total: 99, byAgent: { lee: 99 }, lastUsedAt: 1 });
    expect(await client.control('update-rejected', DOC)).toMatchObject({ reason: 'read-only', rule: 'SET3' });
    expect(await serverUsage()).toEqual({});
  });

  it('CONV2: a message stamped as another agent’s is refused and counts for nobody', async () => {
    const { client, doc } = await connect('token-sam', CONV);
    append(doc, { ...messageBy('dana', 'Forged'), uses: [{ kind: 'quickReplies', id: 'qr1' }] });
    expect(await client.control('update-rejected', CONV)).toMatchObject({ reason: 'wrong-author', rule: 'CONV2' });
    await counter.idle();
    expect(await serverUsage()).toEqual({});
  });

  it('SET3: counts survive a restart, and a message synced again is not counted again', async () => {
    const sam = await connect('token-sam', CONV);
    const local = sam.doc;
    append(local, { ...messageBy('sam', 'Hi'), uses: [{ kind: 'quickReplies', id: 'qr1' }] });
    await waitFor(async () => (await serverUsage())['quickReplies:qr1']?.total === 1, 'counted');
    const { dataDir } = server;
    await stop();
    await start(dataDir);
    // The same client state syncs again (as after a reconnect): nothing new to count.
    const again = await new MuxTestClient(server.url, 'token-sam').ready();
    clients.push(again);
    again.open(CONV, local);
    await again.whenSynced(CONV);
    await counter.idle();
    expect((await serverUsage())['quickReplies:qr1']).toMatchObject({ total: 1, byAgent: { sam: 1 } });
  });
});
