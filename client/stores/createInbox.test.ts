import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';
import { orderConversations } from './conversationOrder.ts';
import { unreadTitle } from './createUnreadBadge.ts';
import { createInbox } from './createInbox.ts';
import { createYMapValues } from './yjsBridge.ts';

const summary = (id: string, lastActivityAt: number, extra: Partial<ConversationSummary> = {}): ConversationSummary => ({
  id,
  channel: 'webchat',
  contactId: `k-${id}`,
  contactName: `Contact ${id}`,
  status: 'open',
  assigneeId: null,
  createdAt: 0,
  lastActivityAt,
  lastMessage: null,
  inboundCount: 0,
  messageCount: 0,
  ...extra,
});

describe('conversation list order', () => {
  it('sorts by last activity, newest first, ties by id', () => {
    const ids = orderConversations([summary('b', 5), summary('a', 5), summary('c', 9)], { assignee: 'all', status: 'all', me: 'me', matches: null });
    expect(ids).toEqual(['c', 'a', 'b']);
  });

  it('sorts oldest waiting first (contact wrote last, open), then the rest by activity; or newest created first', () => {
    const contact = (at: number) => ({ lastMessage: { text: 't', authorType: 'contact' as const, at } });
    const agent = (at: number) => ({ lastMessage: { text: 't', authorType: 'agent' as const, at } });
    const list = [
      summary('answered', 50, { ...agent(50), createdAt: 4 }),
      summary('waitingLong', 10, { ...contact(10), createdAt: 1 }),
      summary('waitingShort', 40, { ...contact(40), createdAt: 3 }),
      summary('resolved', 60, { ...contact(60), status: 'resolved', createdAt: 2 }),
    ];
    const filter = { assignee: 'all' as const, status: 'all' as const, me: 'me', matches: null };
    expect(orderConversations(list, filter, 'waiting')).toEqual(['waitingLong', 'waitingShort', 'resolved', 'answered']);
    expect(orderConversations(list, filter, 'created')).toEqual(['answered', 'waitingShort', 'resolved', 'waitingLong']);
    expect(orderConversations(list, filter)).toEqual(['resolved', 'answered', 'waitingShort', 'waitingLong']);
    // The wait starts at the first unanswered message, not the latest one.
    const since = [summary('x', 90, { ...contact(90), waitingSince: 5 }), summary('y', 20, { ...contact(20), waitingSince: 20 })];
    expect(orderConversations(since, filter, 'waiting')).toEqual(['x', 'y']);
  });

  it('puts the unread total in the title', () => {
    expect(unreadTitle('Switchboard', 0)).toBe('Switchboard');
    expect(unreadTitle('Switchboard', 3)).toBe('(3) Switchboard');
    expect(unreadTitle('Switchboard', 1500)).toBe('(999+) Switchboard');
  });

  it('filters Mine, Unassigned, status and search matches', () => {
    const list = [summary('a', 1, { assigneeId: 'me' }), summary('b', 2), summary('c', 3, { assigneeId: 'other', status: 'resolved' })];
    const base = { status: 'all' as const, me: 'me', matches: null };
    expect(orderConversations(list, { ...base, assignee: 'mine' })).toEqual(['a']);
    expect(orderConversations(list, { ...base, assignee: 'unassigned' })).toEqual(['b']);
    expect(orderConversations(list, { ...base, assignee: 'all', status: 'resolved' })).toEqual(['c']);
    expect(orderConversations(list, { ...base, assignee: 'all', matches: new Set(['a', 'c']) })).toEqual(['c', 'a']);
  });

  it('moves a conversation with new activity to the top and the selection follows it by id', () => {
    const doc = new Y.Doc();
    const map = doc.getMap<ConversationSummary>('conversations');
    for (const [id, at] of [['a', 3], ['b', 2], ['c', 1]] as const) map.set(id, summary(id, at));
    createRoot((dispose) => {
      const conversations = createYMapValues(() => map);
      const inbox = createInbox({ conversations, me: 'me', matches: () => null });
      const selected = 'b';
      expect(inbox.ids()).toEqual(['a', 'b', 'c']);
      expect(inbox.ids().indexOf(selected)).toBe(1);

      // A message arrives in c: it jumps to the top; b is still the selected id, now one row lower.
      map.set('c', summary('c', 10, { inboundCount: 1 }));
      expect(inbox.ids()).toEqual(['c', 'a', 'b']);
      expect(inbox.ids().indexOf(selected)).toBe(2);

      // Activity in the selected conversation moves it (and its selection) to the top.
      map.set('b', summary('b', 11));
      expect(inbox.ids()[0]).toBe(selected);
      expect(inbox.counts()).toEqual({ mine: 0, unassigned: 3, all: 3 });
      dispose();
    });
  });
});
