import { type Accessor, createMemo, createSignal } from 'solid-js';
import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';
import {
  type AssigneeFilter,
  COMPARE,
  countByAssignee,
  type ListSort,
  matchesFilter,
  orderConversations,
  type StatusFilter,
} from './conversationOrder.ts';
import type { IndexSnapshot } from './indexSnapshot.ts';
import type { KeyedValues } from './yjsBridge.ts';

export interface InboxStore {
  assignee: Accessor<AssigneeFilter>;
  setAssignee(value: AssigneeFilter): void;
  status: Accessor<StatusFilter>;
  setStatus(value: StatusFilter): void;
  /** The list's sort (the agent's pref). */
  sort: Accessor<ListSort>;
  /** Ids of the rows to show, in order. */
  ids: Accessor<string[]>;
  /** How many conversations the current filters match (more than `ids` while showing a snapshot). */
  total: Accessor<number>;
  counts: Accessor<Record<AssigneeFilter, number>>;
  /** Showing the first-screen snapshot: `ids` are only the first rows, `counts` the saved ones. */
  partial: Accessor<boolean>;
}

export interface InboxOptions {
  conversations: KeyedValues<ConversationSummary>;
  me: string;
  matches: Accessor<ReadonlySet<string> | null>;
  initialAssignee?: AssigneeFilter;
  /** The agent's chosen sort (default: newest activity first). */
  sort?: Accessor<ListSort>;
  /** The first-screen snapshot while the index document is not loaded yet (null after). */
  preview?: Accessor<IndexSnapshot | null>;
}

/**
 * The list's filters and order. Sorting reads the raw summaries and re-runs on the index
 * revision: no per-row subscriptions for 10,000 rows, one re-sort per index change.
 */
export function createInbox(options: InboxOptions): InboxStore {
  const [assignee, setAssignee] = createSignal<AssigneeFilter>(options.initialAssignee ?? 'all');
  const [status, setStatus] = createSignal<StatusFilter>('all');
  const preview = options.preview ?? (() => null);
  const sort = options.sort ?? (() => 'activity' as const);
  const all = createMemo(() => options.conversations.values());
  const ids = createMemo(
    () => {
      const snapshot = preview();
      const filter = { assignee: assignee(), status: status(), me: options.me, matches: options.matches() };
      const order = sort();
      if (!snapshot) return orderConversations(all(), filter, order);
      // The saved first rows of the tab, already in activity order (no sort before the first paint).
      const ids = snapshot.lists[filter.assignee].filter((id) => {
        const s = options.conversations.get(id);
        return s !== undefined && (!filter.matches || filter.matches.has(id)) && matchesFilter(s, filter);
      });
      if (order === 'activity') return ids;
      const compare = COMPARE[order];
      return ids.sort((a, b) => compare(options.conversations.get(a)!, options.conversations.get(b)!));
    },
    [],
    { equals: sameList },
  );
  const counts = createMemo(() => {
    const snapshot = preview();
    if (snapshot && status() === 'all' && !options.matches()) return snapshot.counts;
    return countByAssignee(all(), { status: status(), me: options.me, matches: options.matches() });
  });
  const partial = () => preview() !== null;
  const total = () => (partial() && status() === 'all' && !options.matches() ? counts()[assignee()] : ids().length);
  return { assignee, setAssignee, status, setStatus, sort, ids, total, counts, partial };
}

function sameList(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
