import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';

export type AssigneeFilter = 'mine' | 'unassigned' | 'all';
export type StatusFilter = 'all' | 'open' | 'resolved';

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

export function matchesFilter(s: ConversationSummary, filter: Omit<ListFilter, 'matches'>): boolean {
  if (filter.status !== 'all' && s.status !== filter.status) return false;
  if (filter.assignee === 'mine') return s.assigneeId === filter.me;
  if (filter.assignee === 'unassigned') return s.assigneeId === null || s.assigneeId === undefined;
  return true;
}

/**
 * The conversation list: ids of the summaries that pass the filter, most recent activity first,
 * so a conversation with a new message moves to the top. Rows are identified by id, never by
 * position: the selected conversation stays selected wherever it moves.
 */
export function orderConversations(summaries: Iterable<ConversationSummary | undefined>, filter: ListFilter): string[] {
  const rows: ConversationSummary[] = [];
  for (const s of summaries) {
    if (!s || typeof s.id !== 'string') continue;
    if (filter.matches && !filter.matches.has(s.id)) continue;
    if (matchesFilter(s, filter)) rows.push(s);
  }
  rows.sort(compareActivity);
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
