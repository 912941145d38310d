import type { MessageEntry } from '../../shared/schema/message.ts';
import { type ConversationSummary, PREVIEW_LENGTH } from '../../shared/schema/workspaceIndex.ts';

/**
 * What agents' new entries change in a conversation's summary, folded as they come: a burst of
 * replies waiting to share one index write (SummaryWriter's window) is one small value per
 * conversation, not one change (with the entries it holds) per message.
 */
export interface AgentEntriesDelta {
  /** Latest entry time (0: none). */
  lastActivityAt: number;
  /** Preview of the newest message (null: only notes so far). */
  lastMessage: ConversationSummary['lastMessage'];
  /** An agent's message answered the contact (waitingSince ends). */
  answered: boolean;
  /** Messages in the conversation after the entries (the summary keeps the largest seen). */
  count: number;
}

export const emptyAgentEntriesDelta = (): AgentEntriesDelta => ({ lastActivityAt: 0, lastMessage: null, answered: false, count: 0 });

export const previewText = (text: string) => (text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH - 1)}…` : text);

type Preview = NonNullable<ConversationSummary['lastMessage']>;

/** The preview a summary keeps: the newer of the two (at the same time, the one that came later). */
export const newerPreview = (current: ConversationSummary['lastMessage'], next: Preview): Preview =>
  current && current.at > next.at ? current : next;

/** Folds entries (messages and notes) into `delta`, in place; `now` caps authors' clocks. */
export function foldAgentEntries(delta: AgentEntriesDelta, entries: readonly MessageEntry[], count: number, now: number): AgentEntriesDelta {
  for (const e of entries) {
    // An author's clock may run ahead: never sort a conversation into the future.
    const at = Math.min(e.createdAt, now);
    delta.lastActivityAt = Math.max(delta.lastActivityAt, at);
    if (e.kind !== 'message') continue;
    delta.lastMessage = newerPreview(delta.lastMessage, { text: previewText(e.text), authorType: e.author.type, at });
    if (e.author.type === 'agent') delta.answered = true;
  }
  delta.count = Math.max(delta.count, count);
  return delta;
}

/** The summary after the folded entries. */
export function applyAgentEntries(s: ConversationSummary, d: AgentEntriesDelta): ConversationSummary {
  return {
    ...s,
    lastActivityAt: Math.max(s.lastActivityAt, d.lastActivityAt),
    lastMessage: d.lastMessage ? newerPreview(s.lastMessage, d.lastMessage) : s.lastMessage,
    waitingSince: d.answered ? null : (s.waitingSince ?? null),
    messageCount: Math.max(s.messageCount, d.count),
  };
}
