import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conversationDoc, indexDoc, newId } from '../../shared/ids.ts';
import type { Receipt } from '../../shared/schema/delivery.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import type { ConversationSummary, MemberSummary } from '../../shared/schema/workspaceIndex.ts';
import { type TestApp, startApp } from '../helpers/startApp.ts';
import { type VisitorSocket, openVisitorSocket } from '../helpers/visitorSocket.ts';
import { waitUntil } from '../helpers/waitUntil.ts';

const WS = 'acme';

describe('app: webchat ↔ inbox through the real server', () => {
  let app: TestApp;
  let token: string;
  let agentId: string;
  const sockets: VisitorSocket[] = [];

  beforeEach(async () => {
    app = await startApp();
    app.server.directory.createWorkspace(WS, 'Acme Support');
    await app.server.directory.createAgent({ workspaceId: WS, email: 'dana@example.com', name: 'Dana Reyes', role: 'admin', password: 'switchboard' });
    const session = await app.signIn('dana@example.com', 'switchboard');
    token = session.token;
    agentId = session.agent.id;
  });

  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
    await app.dispose();
  });

  async function visitor() {
    const v = await app.newVisitor(WS);
    const socket = await openVisitorSocket(app.baseUrl, v.token);
    sockets.push(socket);
    await socket.next('history');
    return { ...v, socket };
  }

  it("a visitor's message appears in the signed-in agent's index document", async () => {
    const { doc } = await app.openDoc(indexDoc(WS), token);
    const summaries = doc.getMap<ConversationSummary>('conversations');
    await waitUntil(() => (doc.getMap<MemberSummary>('members').get(agentId)?.name === 'Dana Reyes'), 'members map');
    const v = await visitor();
    v.socket.send({ type: 'send', clientMsgId: 'hello-000001', text: 'Is the Trailhead waterproof?' });
    const summary = await waitUntil(() => [...summaries.values()].find((s) => s.contactId === v.visitorId && s.lastMessage !== null), 'the new conversation in the index');
    expect(summary).toMatchObject({ channel: 'webchat', status: 'open', inboundCount: 1, lastMessage: { text: 'Is the Trailhead waterproof?', authorType: 'contact' } });
  });

  it("an agent's reply appended through the provider reaches the visitor, with receipts sent → delivered → read", async () => {
    const v = await visitor();
    v.socket.send({ type: 'send', clientMsgId: 'hello-000002', text: 'Where is my order?' });
    await v.socket.next('message');
    const { doc: index } = await app.openDoc(indexDoc(WS), token);
    const summary = await waitUntil(() => [...index.getMap<ConversationSummary>('conversations').values()].find((s) => s.contactId === v.visitorId));

    const { doc } = await app.openDoc(conversationDoc(WS, summary.id), token);
    const messages = doc.getArray<MessageEntry>('messages');
    expect(messages.toArray().map((m) => m.text)).toEqual(['Where is my order?']);
    const reply: MessageEntry = { id: newId(), kind: 'message', author: { type: 'agent', id: agentId }, text: 'It ships today.', createdAt: Date.now() };
    messages.insert(messages.length, [reply]);

    const pushed = await v.socket.next('message', (m) => m.message.id === reply.id);
    expect(pushed.message).toMatchObject({ from: 'agent', name: 'Dana', text: 'It ships today.' });
    const receipts = doc.getMap<Receipt>('receipts');
    await waitUntil(() => receipts.get(reply.id)?.status === 'delivered', 'delivered receipt on the agent side');
    v.socket.send({ type: 'read', upTo: reply.id });
    await waitUntil(() => receipts.get(reply.id)?.status === 'read', 'read receipt on the agent side');
    await waitUntil(() => index.getMap<ConversationSummary>('conversations').get(summary.id)?.lastMessage?.text === 'It ships today.', 'index preview');
  });

  it('CONV4: a note written by the agent never reaches the visitor', async () => {
    const v = await visitor();
    v.socket.send({ type: 'send', clientMsgId: 'hello-000003', text: 'Hi' });
    await v.socket.next('message');
    const { doc: index } = await app.openDoc(indexDoc(WS), token);
    const summary = await waitUntil(() => [...index.getMap<ConversationSummary>('conversations').values()].find((s) => s.contactId === v.visitorId));
    const { doc } = await app.openDoc(conversationDoc(WS, summary.id), token);
    const messages = doc.getArray<MessageEntry>('messages');
    const note: MessageEntry = { id: newId(), kind: 'note', author: { type: 'agent', id: agentId }, text: 'VIP, be nice', createdAt: Date.now() };
    const reply: MessageEntry = { id: newId(), kind: 'message', author: { type: 'agent', id: agentId }, text: 'Hello!', createdAt: Date.now() };
    messages.insert(messages.length, [note]);
    messages.insert(messages.length, [reply]);
    await v.socket.next('message', (m) => m.message.id === reply.id);
    expect(JSON.stringify(v.socket.frames)).not.toContain('VIP');
    const again = await openVisitorSocket(app.baseUrl, v.token);
    sockets.push(again);
    expect((await again.next('history')).messages.map((m) => m.text)).toEqual(['Hi', 'Hello!']);
  });
});
