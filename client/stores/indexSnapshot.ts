import type { ConversationSummary, MemberSummary } from '../../shared/schema/workspaceIndex.ts';
import type { LocalDatabase } from '../sync/LocalDatabase.ts';
import { type AssigneeFilter, compareActivity } from './conversationOrder.ts';

/**
 * The first screen of the conversation list, as small plain JSON in localStorage: the newest rows
 * of each assignee tab, the tab counts, and what those rows show from other documents (assignee
 * names, read marks, drafts). Decoding the Yjs index of 10,000 summaries takes a few hundred ms
 * and sorting them ~50 ms; this copy (a few tens of KB) is read and parsed in a millisecond, so
 * a cold start paints the list from it and decodes the document right after the first frame.
 * It only ever bridges that moment: once the document is in, the document wins.
 */
export interface IndexSnapshot {
  v: 2;
  /** Conversations per assignee tab (all statuses, no search). */
  counts: Record<AssigneeFilter, number>;
  /** Ids of each tab's newest rows, newest activity first. */
  lists: Record<AssigneeFilter, string[]>;
  /** The summaries of every listed row. */
  rows: ConversationSummary[];
  /** Members assigned to listed rows. */
  members: Record<string, MemberSummary>;
  /** The agent's read marks of listed rows (its own document). */
  read: Record<string, number>;
  /** Listed rows with an unsent draft. */
  drafts: string[];
}

/** Rows kept per tab: a tall screen shows ~15, the first render adds 8 beyond the edge. */
export const SNAPSHOT_ROWS_PER_LIST = 40;

/**
 * Where the snapshot lives: localStorage, one key per agent database. Reading it is synchronous,
 * so the first render has it at once; from IndexedDB the read took two round trips whose
 * callbacks queued behind the app's start-up script (20-60 ms after it, measured). The key goes
 * with the agent's local data at sign-out (forgetIndexSnapshot).
 */
export const indexSnapshotKey = (databaseName: string) => `switchboard.snapshot:${databaseName}`;

/** Where earlier versions kept it (the `snapshots` table of IndexedDB): deleted at the first write. */
const OLD_NAMES = ['index:first-screen', 'index:conversations'];

export interface SnapshotSources {
  me: string;
  /** Member by agent id (the index document's members). */
  member: (agentId: string) => MemberSummary | undefined;
  /** Read mark by conversation id. */
  read: (conversationId: string) => number | undefined;
  hasDraft: (conversationId: string) => boolean;
  perList?: number;
}

/**
 * Picks each tab's newest `perList` rows in one pass over the summaries (bounded insertion, no
 * sort of the whole list) and what they show.
 */
export function buildIndexSnapshot(summaries: Iterable<ConversationSummary | undefined>, sources: SnapshotSources): IndexSnapshot {
  const limit = sources.perList ?? SNAPSHOT_ROWS_PER_LIST;
  const counts: Record<AssigneeFilter, number> = { mine: 0, unassigned: 0, all: 0 };
  const top: Record<AssigneeFilter, ConversationSummary[]> = { mine: [], unassigned: [], all: [] };
  const keep = (list: ConversationSummary[], s: ConversationSummary) => {
    if (list.length >= limit && compareActivity(s, list[list.length - 1] as ConversationSummary) >= 0) return;
    let i = list.length;
    while (i > 0 && compareActivity(s, list[i - 1] as ConversationSummary) < 0) i--;
    list.splice(i, 0, s);
    if (list.length > limit) list.pop();
  };
  for (const s of summaries) {
    if (!s || typeof s.id !== 'string') continue;
    counts.all++;
    keep(top.all, s);
    if (s.assigneeId === sources.me) {
      counts.mine++;
      keep(top.mine, s);
    } else if (s.assigneeId === null || s.assigneeId === undefined) {
      counts.unassigned++;
      keep(top.unassigned, s);
    }
  }
  const rows = new Map<string, ConversationSummary>();
  for (const list of Object.values(top)) for (const s of list) rows.set(s.id, s);
  const members: Record<string, MemberSummary> = {};
  const read: Record<string, number> = {};
  const drafts: string[] = [];
  for (const s of rows.values()) {
    if (s.assigneeId && !members[s.assigneeId]) {
      const member = sources.member(s.assigneeId);
      if (member) members[s.assigneeId] = member;
    }
    const mark = sources.read(s.id);
    if (typeof mark === 'number') read[s.id] = mark;
    if (sources.hasDraft(s.id)) drafts.push(s.id);
  }
  const ids = (list: ConversationSummary[]) => list.map((s) => s.id);
  return {
    v: 2,
    counts,
    lists: { mine: ids(top.mine), unassigned: ids(top.unassigned), all: ids(top.all) },
    rows: [...rows.values()],
    members,
    read,
    drafts,
  };
}

function isSnapshot(value: unknown): value is IndexSnapshot {
  if (!value || typeof value !== 'object') return false;
  const s = value as Partial<IndexSnapshot>;
  return (
    s.v === 2 &&
    Array.isArray(s.rows) &&
    !!s.lists &&
    Array.isArray(s.lists.all) &&
    Array.isArray(s.lists.mine) &&
    Array.isArray(s.lists.unassigned) &&
    !!s.counts &&
    typeof s.counts.all === 'number' &&
    !!s.members &&
    !!s.read &&
    Array.isArray(s.drafts)
  );
}

/** The stored first screen, or null (none yet, unreadable, or of an older version). */
export function readIndexSnapshot(databaseName: string, storage: Pick<Storage, 'getItem'> = localStorage): IndexSnapshot | null {
  try {
    const json = storage.getItem(indexSnapshotKey(databaseName));
    if (!json) return null;
    const parsed = JSON.parse(json) as unknown;
    return isSnapshot(parsed) && parsed.rows.length > 0 ? parsed : null;
  } catch {
    return null;
  }
}

/** Writes the copy (synchronous: safe at pagehide); a full storage only loses the copy. */
export function writeIndexSnapshot(databaseName: string, json: string, storage: Pick<Storage, 'setItem'> = localStorage): void {
  try {
    storage.setItem(indexSnapshotKey(databaseName), json);
  } catch {
    // best effort: the document is the source of truth
  }
}

const cleanedUp = new Set<string>();

/** Deletes the rows where earlier versions kept the snapshot, once per database and page. */
export function deleteOldSnapshotRows(db: LocalDatabase): void {
  if (cleanedUp.has(db.name)) return;
  cleanedUp.add(db.name);
  void db.snapshots.bulkDelete(OLD_NAMES).catch(() => undefined);
}

/** Deletes the copy (sign-out: the agent's local data goes). */
export function forgetIndexSnapshot(databaseName: string, storage: Pick<Storage, 'removeItem'> = localStorage): void {
  try {
    storage.removeItem(indexSnapshotKey(databaseName));
  } catch {
    // storage unavailable: nothing was written either
  }
}
