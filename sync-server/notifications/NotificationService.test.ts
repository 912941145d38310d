import { describe, expect, it } from 'vitest';
import { agentPrincipal, FakeDocHost } from '../../tests/helpers/fakeDocHost.ts';
import { DEFAULT_NOTIFICATION_PREFS } from '../../shared/schema/notifications.ts';
import type { MemberSummary } from '../../shared/schema/workspaceIndex.ts';
import type { ConversationActivity } from '../conversations/ConversationService.ts';
import { silentLogger } from '../ops/log.ts';
import type { Availability } from '../../shared/notifications/decide.ts';
import { NotificationService } from './NotificationService.ts';

const WS = 'ws';
const TEAM = ['ana', 'ben', 'cai', 'dev', 'eli'];

function setup(availability: Record<string, Availability>) {
  const docs = new FakeDocHost();
  const members = docs.doc(`${WS}/index`).getMap<MemberSummary>('members');
  for (const id of TEAM) members.set(id, { id, name: id, email: `${id}@example.com`, role: 'agent', active: true, state: 'active' });
  const listeners: Array<(a: ConversationActivity) => void> = [];
  const asked: string[] = [];
  const service = new NotificationService({
    docs,
    conversations: { onActivity: (l) => (listeners.push(l), () => {}) },
    logger: silentLogger(),
    availability: (_ws, agentId) => {
      asked.push(agentId);
      return availability[agentId] ?? 'online';
    },
  });
  const emit = (a: ConversationActivity) => {
    for (const l of listeners) l(a);
  };
  const feed = (agentId: string) => docs.doc(`${WS}/agent/${agentId}`).getMap('notifications').toJSON();
  return { docs, service, emit, asked, feed };
}

const visitorMessage = (assigneeId: string | null): Extract<ConversationActivity, { type: 'entry' }> => ({
  type: 'entry',
  workspaceId: WS,
  conversationId: 'c1',
  kind: 'message',
  author: { type: 'contact', id: 'visitor' },
  authorName: 'Ada',
  contactName: 'Ada',
  text: 'Hello?',
  at: 1,
  assigneeId,
  mentions: [],
});

describe('NotificationService', () => {
  it('asks availability only of the agents a message would notify, not of the whole team', async () => {
    const { docs, service, emit, asked, feed } = setup({ dev: 'offline' });
    // Two of five opted in to unassigned conversations; one of them is Offline.
    for (const id of ['ben', 'dev']) docs.doc(`${WS}/agent/${id}`).getMap('prefs').set('notifications', { ...DEFAULT_NOTIFICATION_PREFS, unassigned: true });
    emit(visitorMessage(null));
    await service.idle();
    expect(asked.sort()).toEqual(['ben', 'dev']);
    expect(Object.keys(feed('ben'))).toEqual(['c1']);
    expect(feed('dev')).toEqual({}); // NTF6
    expect(feed('ana')).toEqual({});
  });

  it('asks only the assignee for a message in an assigned conversation', async () => {
    const { service, emit, asked, feed } = setup({});
    emit(visitorMessage('cai'));
    await service.idle();
    expect(asked).toEqual(['cai']);
    expect(Object.keys(feed('cai'))).toEqual(['c1']);
  });

  it('a member who joins (or leaves) is counted at the next message, the member list being cached between messages', async () => {
    const { docs, service, emit, feed } = setup({});
    const optIn = (id: string) => docs.doc(`${WS}/agent/${id}`).getMap('prefs').set('notifications', { ...DEFAULT_NOTIFICATION_PREFS, unassigned: true });
    optIn('ben');
    optIn('fay'); // not a member yet
    emit(visitorMessage(null));
    await service.idle();
    expect(Object.keys(feed('ben'))).toEqual(['c1']);
    expect(feed('fay')).toEqual({});
    const members = docs.doc(`${WS}/index`).getMap<MemberSummary>('members');
    members.set('fay', { id: 'fay', name: 'fay', email: 'fay@example.com', role: 'agent', active: true, state: 'active' });
    members.delete('ben');
    emit({ ...visitorMessage(null), conversationId: 'c2' });
    await service.idle();
    expect(Object.keys(feed('fay'))).toEqual(['c2']);
    expect(Object.keys(feed('ben'))).toEqual(['c1']);
  });

  it('NTF5: a reply by the assignee and a note without mentions read nothing and notify nobody', async () => {
    const { service, emit, asked, feed } = setup({});
    emit({ ...visitorMessage('cai'), author: { type: 'agent', id: 'cai' }, authorName: 'cai' });
    emit({ ...visitorMessage(null), kind: 'note', author: { type: 'agent', id: 'ana' }, authorName: 'ana' });
    await service.idle();
    expect(asked).toEqual([]);
    for (const id of TEAM) expect(feed(id)).toEqual({});
  });

  it('a message nobody is assigned to is decided without reading anything once nobody opted in, until someone does', async () => {
    const { docs, service, emit, asked, feed } = setup({});
    emit(visitorMessage(null));
    await service.idle();
    const reads = docs.readCount;
    emit({ ...visitorMessage(null), conversationId: 'c2' });
    await service.idle();
    expect(docs.readCount).toBe(reads); // known: nobody opted in
    // Ben scrolls and drafts (his agent document changes, his preferences do not): still known.
    docs.clientChange(`${WS}/agent/ben`, agentPrincipal({ agentId: 'ben', workspaceId: WS }), (d) => d.getMap('scroll').set('c1', 120));
    emit({ ...visitorMessage(null), conversationId: 'c2' });
    await service.idle();
    expect(docs.readCount).toBe(reads);
    // Ben opts in from his device: the next such message reaches him.
    docs.clientChange(`${WS}/agent/ben`, agentPrincipal({ agentId: 'ben', workspaceId: WS }), (d) =>
      d.getMap('prefs').set('notifications', { ...DEFAULT_NOTIFICATION_PREFS, unassigned: true }),
    );
    emit({ ...visitorMessage(null), conversationId: 'c3' });
    await service.idle();
    expect(Object.keys(feed('ben'))).toEqual(['c3']);
    expect(asked).toEqual(['ben']);
  });
});
