import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conversationDoc, indexDoc } from '../../shared/ids.ts';
import { SERVER_AWARENESS_IDS } from '../../shared/schema/awareness.ts';
import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';
import { type TestApp, startApp } from '../helpers/startApp.ts';
import { type VisitorSocket, openVisitorSocket } from '../helpers/visitorSocket.ts';
import { waitUntil } from '../helpers/waitUntil.ts';

const WS = 'acme';
const CONTACT = SERVER_AWARENESS_IDS.contactTyping;

describe('typing through the real server (webchat)', () => {
  let app: TestApp;
  let token: string;
  const sockets: VisitorSocket[] = [];

  beforeEach(async () => {
    app = await startApp();
    app.server.directory.createWorkspace(WS, 'Acme Support');
    await app.server.directory.createAgent({ workspaceId: WS, email: 'dana@example.com', name: 'Dana Reyes', role: 'admin', password: 'switchboard' });
    token = (await app.signIn('dana@example.com', 'switchboard')).token;
  });

  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
    await app.dispose();
  });

  /** A visitor with a conversation (its first message sent), and the agent's view of both documents. */
  async function conversation() {
    const v = await app.newVisitor(WS);
    const socket = await openVisitorSocket(app.baseUrl, v.token);
    sockets.push(socket);
    await socket.next('history');
    socket.send({ type: 'send', clientMsgId: 'first-00001', text: 'Hello' });
    await socket.next('message');
    const index = await app.openDoc(indexDoc(WS), token);
    const summary = await waitUntil(() => [...index.doc.getMap<ConversationSummary>('conversations').values()].find((s) => s.contactId === v.visitorId));
    const conv = await app.openDoc(conversationDoc(WS, summary.id), token);
    return { v, socket, index, conv, id: summary.id };
  }

  it('a visitor typing shows in the thread and on the list row, and goes when the message arrives', async () => {
    const { socket, index, conv, id } = await conversation();
    socket.send({ type: 'typing', typing: true });
    await waitUntil(() => (conv.provider.awareness.getStates().get(CONTACT) as { typing?: boolean } | undefined)?.typing === true, 'dots in the thread');
    await waitUntil(() => (index.provider.awareness.getStates().get(CONTACT) as { conversations?: string[] } | undefined)?.conversations?.includes(id), 'typing on the row');
    // Nothing of it is written into a document.
    expect(app.server.typing.isContactTyping(WS, id)).toBe(true);

    socket.send({ type: 'send', clientMsgId: 'second-0001', text: 'Where is my order?' });
    await waitUntil(() => !conv.provider.awareness.getStates().has(CONTACT), 'dots gone with the message');
    await waitUntil(() => !index.provider.awareness.getStates().has(CONTACT), 'row hint gone');
  });

  it('a visitor who disconnects while typing leaves no dots behind', async () => {
    const { socket, conv, id } = await conversation();
    socket.send({ type: 'typing', typing: true });
    await waitUntil(() => conv.provider.awareness.getStates().has(CONTACT), 'dots');
    await socket.close();
    await waitUntil(() => !conv.provider.awareness.getStates().has(CONTACT), 'dots gone with the visitor');
    expect(app.server.typing.isContactTyping(WS, id)).toBe(false);
  });

  it('an agent typing a reply shows "Dana is typing" to the visitor; a note does not; stopping or leaving ends it', async () => {
    const { socket, conv } = await conversation();
    const awareness = conv.provider.awareness;
    awareness.setLocalState({ viewing: 'x', typing: true, composing: 'note' });
    awareness.setLocalState({ viewing: 'x', typing: true, composing: 'reply' });
    const on = await socket.next('agent-typing');
    expect(on).toEqual({ type: 'agent-typing', typing: true, name: 'Dana' });
    awareness.setLocalState({ viewing: 'x', typing: false });
    expect(await socket.next('agent-typing')).toEqual({ type: 'agent-typing', typing: false });

    awareness.setLocalState({ viewing: 'x', typing: true, composing: 'reply' });
    await socket.next('agent-typing', (m) => m.typing);
    conv.provider.destroy();
    expect(await socket.next('agent-typing')).toMatchObject({ typing: false });
    expect(socket.frames.filter((f) => f.type === 'agent-typing')).toHaveLength(4);
  });

  it('TYP1: an agent cannot publish a contact-typing state or appear as another agent', async () => {
    const { conv } = await conversation();
    const lee = await app.server.directory.createAgent({ workspaceId: WS, email: 'lee@example.com', name: 'Lee Chen', role: 'agent', password: 'switchboard' });
    expect(lee).toBeTruthy();
    const leeToken = (await app.signIn('lee@example.com', 'switchboard')).token;
    const name = conv.provider.roomname;
    const mallory = await app.openDoc(name, leeToken);
    mallory.provider.awareness.setLocalState({ typing: true, user: { id: 'someone', name: 'Dana Reyes', kind: 'agent' } });
    const seen = await waitUntil(() =>
      [...conv.provider.awareness.getStates().entries()].find(([id]) => id === mallory.provider.awareness.clientID)?.[1] as
        | { user?: { name?: string } }
        | undefined,
    );
    expect(seen.user?.name).toBe('Lee Chen');
    expect(conv.provider.awareness.getStates().has(CONTACT)).toBe(false);
  });
});
