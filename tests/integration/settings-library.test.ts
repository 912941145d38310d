import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { QuickReply } from '../../shared/schema/settings.ts';
import { MuxTestClient } from '../helpers/muxClient.ts';
import { startSyncServer, type TestSyncServer } from '../helpers/startSyncServer.ts';
import { TOKENS } from '../helpers/syncFixtures.ts';
import { waitFor } from '../helpers/waitFor.ts';

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
    server = await startSyncServer({ tokens: TOKENS });
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
