import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';

export type AssigneeFilter = 'mine' | 'unassigned' | 'all';
export type StatusFilter = 'all' | 'open' | 'resolved';
/** How the list is sorted (the agent's choice, kept in its prefs as `listSort`). */
export type ListSort = 'activity' | 'waiting' | 'created';
export const LIST_SORTS: ReadonlyArray<{ value: ListSort; label: string; description: string }> = [
  { value: 'activity', label: 'Newest activity', description: 'newest activity first' },
  { value: 'waiting', label: 'Oldest waiting first', description: 'oldest waiting for a reply first' },
  { value: 'created', label: 'Newest created', description: 'newest created first' },
];
export const isListSort = (v: unknown): v is ListSort => LIST_SORTS.some((s) => s.value === v);

export interface ListFilter {
  assignee: AssigneeFilter;
  status: StatusFilter;
  /** The signed-in agent (for "Mine"). */
  me: string;
  /** Search result, or null for no search. */
  matches: ReadonlySet<string> | null;
}

/** Newest activity first; ties broken by id so the order is stable. */
export function compareActivity(a: ConversationSummary, b: ConversationSummary): number {
  return b.lastActivityAt - a.lastActivityAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Waiting for a reply: open, and the contact wrote last. */
export function isWaiting(s: ConversationSummary): boolean {
  return s.status === 'open' && s.lastMessage?.authorType === 'contact';
}

const byId = (a: ConversationSummary, b: ConversationSummary) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** When the wait began: the first unanswered contact message (older summaries: the last message). */
const waitStart = (s: ConversationSummary) => s.waitingSince ?? s.lastMessage?.at ?? s.lastActivityAt;

/**
 * Oldest waiting first: conversations waiting for a reply, the one waiting longest on top; then
 * the rest by newest activity.
 */
export function compareWaiting(a: ConversationSummary, b: ConversationSummary): number {
  const wa = isWaiting(a);
  const wb = isWaiting(b);
  if (wa !== wb) return wa ? -1 : 1;
  if (wa) return waitStart(a) - waitStart(b) || byId(a, b);
  return compareActivity(a, b);
}

/** Newest created first. */
export function compareCreated(a: ConversationSummary, b: ConversationSummary): number {
  return b.createdAt - a.createdAt || byId(a, b);
}

export const COMPARE: Record<ListSort, (a: ConversationSummary, b: ConversationSummary) => number> = {
  activity: compareActivity,
  waiting: compareWaiting,
  created: compareCreated,
};

export function matchesFilter(s: ConversationSummary, filter: Omit<ListFilter, 'matches'>): boolean {
  if (filter.status !== 'all' && s.status !== filter.status) return false;
  if (filter.assignee === 'mine') return s.assigneeId === filter.me;
  if (filter.assignee === 'unassigned') return s.assigneeId === null || s.assigneeId === undefined;
  return true;
}

/**
 * The conversation list: ids of the summaries that pass the filter, by default most recent
 * activity first, so a conversation with a new message moves to the top (unless the agent chose
 * another sort). Rows are identified by id, never by position: the selected conversation stays
 * selected wherever it moves.
 */
export function orderConversations(summaries: Iterable<ConversationSummary | undefined>, filter: ListFilter, sort: ListSort = 'activity'): string[] {
  const rows: ConversationSummary[] = [];
  for (const s of summaries) {
    if (!s || typeof s.id !== 'string') continue;
    if (filter.matches && !filter.matches.has(s.id)) continue;
    if (matchesFilter(s, filter)) rows.push(s);
  }
  rows.sort(COMPARE[sort]);
  return rows.map((s) => s.id);
}

/** How many conversations each assignee tab would show (same status filter and search). */
export function countByAssignee(
  summaries: Iterable<ConversationSummary | undefined>,
  filter: Omit<ListFilter, 'assignee'>,
): Record<AssigneeFilter, number> {
  const counts = { mine: 0, unassigned: 0, all: 0 };
  for (const s of summaries) {
    if (!s || typeof s.id !== 'string') continue;
    if (filter.matches && !filter.matches.has(s.id)) continue;
    if (filter.status !== 'all' && s.status !== filter.status) continue;
    counts.all++;
    if (s.assigneeId === filter.me) counts.mine++;
    else if (s.assigneeId === null || s.assigneeId === undefined) counts.unassigned++;
  }
  return counts;
}
