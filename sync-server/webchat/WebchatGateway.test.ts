import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDocHost, agentPrincipal } from '../../tests/helpers/fakeDocHost.ts';
import { type VisitorSocket, openVisitorSocket } from '../../tests/helpers/visitorSocket.ts';
import { waitUntil } from '../../tests/helpers/waitUntil.ts';
import type { Receipt } from '../../shared/schema/delivery.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';
import { Directory } from '../auth/Directory.ts';
import { ConversationService } from '../conversations/ConversationService.ts';
import { createHttpApp } from '../http/createHttpApp.ts';
import { silentLogger } from '../ops/log.ts';
import { createMetrics } from '../ops/metrics.ts';
import { WebchatGateway } from './WebchatGateway.ts';

const WS = 'acme';

describe('WebchatGateway', () => {
  let server: Server;
  let baseUrl: string;
  let docs: FakeDocHost;
  let conversations: ConversationService;
  let gateway: WebchatGateway;
  let directory: Directory;
  let danaId: string;
  const sockets: VisitorSocket[] = [];

  beforeEach(async () => {
    const db = new Database(':memory:');
    docs = new FakeDocHost();
    directory = new Directory(db);
    directory.createWorkspace(WS, 'Acme Support');
    const dana = await directory.createAgent({ workspaceId: WS, email: 'dana@example.com', name: 'Dana Reyes', role: 'admin' });
    if (!dana.ok) throw new Error('seed');
    danaId = dana.value.id;
    const logger = silentLogger();
    conversations = new ConversationService({ db, docs, logger });
    gateway = new WebchatGateway({ db, docs, conversations, directory, logger, keepaliveMs: 0 });
    conversations.registerChannel(gateway);
    conversations.start();
    const app = createHttpApp({
      directory,
      metrics: createMetrics({ defaultMetrics: false }),
      logger,
      staticDir: '/nonexistent',
      sync: { handleUpgrade: (_req, socket) => socket.destroy() },
      webchat: gateway,
    });
    server = createServer(app.handleRequest);
    server.on('upgrade', app.handleUpgrade);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
    await gateway.close();
    await conversations.close();
    await new Promise((resolve) => server.close(resolve));
  });

  async function newVisitor(workspaceId = WS): Promise<{ visitorId: string; token: string }> {
    const res = await fetch(`${baseUrl}/webchat/visitors`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ workspaceId }) });
    expect(res.status).toBe(201);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    return (await res.json()) as { visitorId: string; token: string };
  }

  async function connect(token: string): Promise<VisitorSocket> {
    const s = await openVisitorSocket(baseUrl, token);
    sockets.push(s);
    return s;
  }

  /** A visitor with a conversation holding one message of theirs. */
  async function visitorWithConversation(text = 'Hello') {
    const v = await newVisitor();
    const s = await connect(v.token);
    await s.next('history');
    s.send({ type: 'send', clientMsgId: `first-${v.visitorId}`, text });
    await s.next('message');
    const conversationId = await waitUntil(() => [...docs.docs.keys()].find((n) => docs.doc(n).getMap('meta').get('contact') && (docs.doc(n).getMap('meta').get('contact') as { id: string }).id === v.visitorId)?.split('/')[2]);
    return { ...v, socket: s, conversationId };
  }

  const agentAppend = (conversationId: string, entry: Partial<MessageEntry> & { id: string }) =>
    docs.clientChange(`${WS}/conv/${conversationId}`, agentPrincipal({ agentId: danaId, workspaceId: WS, name: 'Dana Reyes' }), (doc) => {
      const arr = doc.getArray('messages');
      arr.insert(arr.length, [{ kind: 'message', author: { type: 'agent', id: danaId }, text: 'Hi!', createdAt: Date.now() - 1, ...entry }]);
    });

  const receipt = (conversationId: string, id: string) => docs.doc(`${WS}/conv/${conversationId}`).getMap<Receipt>('receipts').get(id)?.status;

  it('answers the CORS preflight and refuses an unknown workspace or a bad body', async () => {
    const pre = await fetch(`${baseUrl}/webchat/visitors`, { method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    const unknown = await fetch(`${baseUrl}/webchat/visitors`, { method: 'POST', body: JSON.stringify({ workspaceId: 'nope' }) });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'not-found', message: 'No such workspace' });
    const bad = await fetch(`${baseUrl}/webchat/visitors`, { method: 'POST', body: JSON.stringify({ workspaceId: '../etc' }) });
    expect(bad.status).toBe(400);
  });

  it('WEB1: closes a socket with an unknown token with 4401', async () => {
    const s = await connect('not-a-real-token');
    expect(await s.closed).toEqual({ code: 4401, reason: 'unauthorized' });
  });

  it('creates the conversation with the first message and puts it in the index at once', async () => {
    const v = await newVisitor();
    const s = await connect(v.token);
    expect(await s.next('history')).toEqual({ type: 'history', messages: [] });
    s.send({ type: 'send', clientMsgId: 'client-msg-0001', text: 'Where is my order?' });
    const ack = await s.next('message');
    expect(ack).toMatchObject({ clientMsgId: 'client-msg-0001', message: { from: 'visitor', text: 'Where is my order?', status: 'sent' } });
    const summaries = [...docs.doc(`${WS}/index`).getMap<ConversationSummary>('conversations').values()];
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ channel: 'webchat', contactId: v.visitorId, inboundCount: 1, lastMessage: { text: 'Where is my order?', authorType: 'contact' } });
  });

  it('WEB2: stores a re-sent message once and acknowledges each copy with the same message', async () => {
    const { socket, conversationId } = await visitorWithConversation();
    const frame = { type: 'send', clientMsgId: 'dup-0000001', text: 'Are you there?' } as const;
    socket.send(frame);
    socket.send(frame);
    const a = await socket.next('message', (m) => m.clientMsgId === 'dup-0000001');
    const b = await socket.next('message', (m) => m.clientMsgId === 'dup-0000001');
    expect(b.message.id).toBe(a.message.id);
    const texts = docs.doc(`${WS}/conv/${conversationId}`).getArray<MessageEntry>('messages').toArray().map((m) => m.text);
    expect(texts.filter((t) => t === 'Are you there?')).toHaveLength(1);
  });

  it('WEB1, CONV4: a visitor gets only its own conversation, and only messages (no notes, no events)', async () => {
    const alice = await visitorWithConversation('Alice here');
    const bob = await visitorWithConversation('Bob here');
    agentAppend(alice.conversationId, { id: 'note-a', kind: 'note', text: 'Internal: VIP customer' });
    agentAppend(alice.conversationId, { id: 'reply-a', text: 'Hello Alice' });
    await conversations.setStatus(WS, alice.conversationId, 'resolved', 'Dana Reyes');
    await conversations.idle();

    const aliceAgain = await connect(alice.token);
    const history = await aliceAgain.next('history');
    expect(history.messages.map((m) => [m.from, m.text])).toEqual([
      ['visitor', 'Alice here'],
      ['agent', 'Hello Alice'],
    ]);
    expect(history.messages[1]?.name).toBe('Dana');
    const bobAgain = await connect(bob.token);
    expect((await bobAgain.next('history')).messages.map((m) => m.text)).toEqual(['Bob here']);
    // Bob's live socket never saw anything of Alice's conversation.
    expect(JSON.stringify(bob.socket.frames)).not.toContain('Alice');
    expect(JSON.stringify(alice.socket.frames)).not.toContain('Internal');
  });

  it("pushes an agent's message live and moves its receipt sent → delivered → read", async () => {
    const { socket, conversationId } = await visitorWithConversation();
    agentAppend(conversationId, { id: 'reply-1', text: 'How can I help?' });
    const pushed = await socket.next('message', (m) => m.message.id === 'reply-1');
    expect(pushed.message).toMatchObject({ from: 'agent', name: 'Dana', text: 'How can I help?' });
    await waitUntil(() => receipt(conversationId, 'reply-1') === 'delivered', 'delivered receipt');
    socket.send({ type: 'read', upTo: 'reply-1' });
    await waitUntil(() => receipt(conversationId, 'reply-1') === 'read', 'read receipt');
    // A note is never pushed.
    agentAppend(conversationId, { id: 'note-1', kind: 'note', text: 'secret note' });
    agentAppend(conversationId, { id: 'reply-2', text: 'Still there?' });
    await socket.next('message', (m) => m.message.id === 'reply-2');
    expect(JSON.stringify(socket.frames)).not.toContain('secret note');
  });

  it('still reaches the visitor after their contact was merged into another profile', async () => {
    const { socket, conversationId } = await visitorWithConversation();
    // Merging contacts points the conversation at the surviving profile (ContactBook → relinkContact).
    await conversations.relinkContact(WS, conversationId, { id: 'profile-ada', name: 'Ada Lovelace' }, 'Merged into Ada Lovelace');
    agentAppend(conversationId, { id: 'after-merge', text: 'Welcome back, Ada' });
    const pushed = await socket.next('message', (m) => m.message.id === 'after-merge');
    expect(pushed.message).toMatchObject({ from: 'agent', text: 'Welcome back, Ada' });
    await waitUntil(() => receipt(conversationId, 'after-merge') === 'delivered', 'delivered receipt');
  });

  it('marks a reply written while the visitor was away delivered when the visitor comes back', async () => {
    const { socket, token, conversationId } = await visitorWithConversation();
    await socket.close();
    agentAppend(conversationId, { id: 'reply-away', text: 'We shipped it' });
    await conversations.idle();
    expect(receipt(conversationId, 'reply-away')).toBeUndefined(); // stored, so sent: no receipt (DLV1)
    const back = await connect(token);
    expect((await back.next('history')).messages.map((m) => m.id)).toContain('reply-away');
    await waitUntil(() => receipt(conversationId, 'reply-away') === 'delivered', 'delivered after reconnect');
  });

  it('answers an invalid frame with an error frame, and closes 4400 after repeated garbage', async () => {
    const v = await newVisitor();
    const s = await connect(v.token);
    await s.next('history');
    s.send('{not json');
    expect(await s.next('error')).toEqual({ type: 'error', reason: 'invalid-message' });
    s.send({ type: 'send', clientMsgId: 'short', text: 'x' } as never);
    expect(await s.next('error')).toEqual({ type: 'error', reason: 'invalid-message' });
    for (let i = 0; i < 3; i++) s.send('garbage');
    expect(await s.closed).toEqual({ code: 4400, reason: 'malformed-frame' });
    // Nothing was stored.
    expect(docs.doc(`${WS}/index`).getMap('conversations').size).toBe(0);
  });

  it('closes visitor sockets with 4503 on shutdown', async () => {
    const v = await newVisitor();
    const s = await connect(v.token);
    await s.next('history');
    await gateway.close();
    expect(await s.closed).toEqual({ code: 4503, reason: 'shutting-down' });
  });
});
