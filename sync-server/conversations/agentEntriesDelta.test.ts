import { describe, expect, it } from 'vitest';
import type { MessageEntry } from '../../shared/schema/message.ts';
import { type ConversationSummary, PREVIEW_LENGTH } from '../../shared/schema/workspaceIndex.ts';
import { applyAgentEntries, emptyAgentEntriesDelta, foldAgentEntries } from './agentEntriesDelta.ts';

const summary: ConversationSummary = {
  id: 'c1',
  channel: 'webchat',
  contactId: 'v1',
  contactName: 'Ada',
  status: 'open',
  assigneeId: null,
  createdAt: 1,
  lastActivityAt: 100,
  lastMessage: { text: 'Hello?', authorType: 'contact', at: 100 },
  inboundCount: 1,
  messageCount: 1,
  waitingSince: 100,
} as ConversationSummary;

const entry = (id: string, at: number, over: Partial<MessageEntry> = {}): MessageEntry => ({
  id,
  kind: 'message',
  author: { type: 'agent', id: 'dana' },
  text: `reply ${id}`,
  createdAt: at,
  ...over,
});

describe('agentEntriesDelta', () => {
  it('a burst folded message by message gives the summary the entries give at once', () => {
    const entries = [entry('a', 200), entry('n', 250, { kind: 'note', text: 'internal' }), entry('b', 300), entry('c', 300)];
    const folded = emptyAgentEntriesDelta();
    entries.forEach((e, i) => foldAgentEntries(folded, [e], 2 + i, 10_000));
    const atOnce = foldAgentEntries(emptyAgentEntriesDelta(), entries, 5, 10_000);
    expect(applyAgentEntries(summary, folded)).toEqual(applyAgentEntries(summary, atOnce));
    expect(applyAgentEntries(summary, folded)).toMatchObject({
      lastActivityAt: 300,
      lastMessage: { text: 'reply c', authorType: 'agent', at: 300 }, // a tie goes to the later one
      waitingSince: null,
      messageCount: 5,
    });
  });

  it('a note alone moves the activity time but neither the preview nor the wait', () => {
    const s = applyAgentEntries(summary, foldAgentEntries(emptyAgentEntriesDelta(), [entry('n', 200, { kind: 'note' })], 2, 10_000));
    expect(s.lastActivityAt).toBe(200);
    expect(s.lastMessage).toEqual(summary.lastMessage);
    expect(s.waitingSince).toBe(100);
  });

  it('never sorts a conversation into the future, nor replaces a newer preview, and shortens long text', () => {
    const long = 'x'.repeat(PREVIEW_LENGTH + 10);
    const ahead = applyAgentEntries(summary, foldAgentEntries(emptyAgentEntriesDelta(), [entry('a', 99_999, { text: long })], 2, 5000));
    expect(ahead.lastActivityAt).toBe(5000);
    expect(ahead.lastMessage?.text).toHaveLength(PREVIEW_LENGTH);
    const older = applyAgentEntries({ ...summary, lastMessage: { text: 'newer', authorType: 'contact', at: 500 } }, foldAgentEntries(emptyAgentEntriesDelta(), [entry('a', 400)], 2, 10_000));
    expect(older.lastMessage?.text).toBe('newer');
  });
});
