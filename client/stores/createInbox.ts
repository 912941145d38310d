import { type Accessor, createMemo, createSignal } from 'solid-js';
import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';
import { type AssigneeFilter, countByAssignee, orderConversations, type StatusFilter } from './conversationOrder.ts';
import type { KeyedValues } from './yjsBridge.ts';

export interface InboxStore {
  assignee: Accessor<AssigneeFilter>;
  setAssignee(value: AssigneeFilter): void;
  status: Accessor<StatusFilter>;
  setStatus(value: StatusFilter): void;
  /** Ids of the rows to show, in order. */
  ids: Accessor<string[]>;
  counts: Accessor<Record<AssigneeFilter, number>>;
}

export interface InboxOptions {
  conversations: KeyedValues<ConversationSummary>;
  me: string;
  matches: Accessor<ReadonlySet<string> | null>;
  initialAssignee?: AssigneeFilter;
}

/**
 * The list's filters and order. Sorting reads the raw summaries and re-runs on the index
 * revision: no per-row subscriptions for 10,000 rows, one re-sort per index change.
 */
export function createInbox(options: InboxOptions): InboxStore {
  const [assignee, setAssignee] = createSignal<AssigneeFilter>(options.initialAssignee ?? 'all');
  const [status, setStatus] = createSignal<StatusFilter>('all');
  const all = createMemo(() => options.conversations.values());
  const ids = createMemo(
    () => orderConversations(all(), { assignee: assignee(), status: status(), me: options.me, matches: options.matches() }),
    [],
    { equals: sameList },
  );
  const counts = createMemo(() => countByAssignee(all(), { status: status(), me: options.me, matches: options.matches() }));
  return { assignee, setAssignee, status, setStatus, ids, counts };
}

function sameList(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
