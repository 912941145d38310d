import type { Database } from 'better-sqlite3';
import { settingsDoc } from '../../shared/ids.ts';
import { conversationDoc } from '../../shared/ids.ts';
import { CONV_ROOTS } from '../../shared/schema/conversation.ts';
import { type LibraryUse, LibraryUseSchema, MAX_USES_PER_MESSAGE, SETTINGS_ROOTS, type UsageCount, usageKey } from '../../shared/schema/settings.ts';
import type { ClientUpdateEvent, DocHost } from '../docs/DocHost.ts';
import type { Logger } from '../ops/log.ts';

const ACTOR = 'library-usage';
/** Counted rows are kept this long (a message is only ever seen again by a replay). */
const KEEP_COUNTED_MS = 30 * 24 * 60 * 60 * 1000;

const SCHEMA = `
-- Agent messages that named quick replies or canned responses (MessageEntry.uses), one row per
-- message: a message is counted once, however often its update is seen (SET3). counted: -1
-- (staged) before the message's update is stored, 0 once it is, 1 once the settings document
-- holds the counts; a restart finishes what a crash interrupted (staged rows are kept only if the
-- stored conversation holds the message).
CREATE TABLE IF NOT EXISTS library_usage (
  workspace_id    TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  message_id      TEXT NOT NULL,
  agent_id        TEXT NOT NULL,
  uses            TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  counted         INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (workspace_id, conversation_id, message_id)
);
CREATE INDEX IF NOT EXISTS library_usage_pending ON library_usage(workspace_id) WHERE counted = 0;
`;

interface PendingRow {
  conversation_id: string;
  message_id: string;
  agent_id: string;
  uses: string;
  created_at: number;
}

export interface UsageCounterOptions {
  db: Database;
  docs: DocHost;
  logger: Logger;
  now?: () => number;
}

/** The distinct, well-formed uses a message names (anything else is ignored, not refused). */
function usesOf(value: unknown): LibraryUse[] {
  if (!Array.isArray(value)) return [];
  const seen = new Set<string>();
  const uses: LibraryUse[] = [];
  for (const raw of value.slice(0, MAX_USES_PER_MESSAGE)) {
    const parsed = LibraryUseSchema.safeParse(raw);
    if (!parsed.success) continue;
    const key = usageKey(parsed.data.kind, parsed.data.id);
    if (seen.has(key)) continue;
    seen.add(key);
    uses.push(parsed.data);
  }
  return uses;
}

/**
 * Counts how often each quick reply and canned response is sent (SET3: only the server writes
 * `usage`). The composer stamps a sent message with the library entries inserted into it
 * (`MessageEntry.uses`); once the server has accepted that message (CONV2: authored by the
 * connection's own agent, so nobody counts for someone else), each named entry that still
 * exists gets +1 in total and for that agent. Keyed by message id in SQLite, so one message
 * counts once; notes, and entries not in the library, never count.
 */
export class UsageCounter {
  private readonly db: Database;
  private readonly docs: DocHost;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly queues = new Map<string, Promise<void>>();
  private unsubscribe: (() => void) | null = null;
  private unsubscribeAccepted: (() => void) | null = null;
  /** After `close`: uses are still recorded, and counted at the next start. */
  private deferring = false;

  constructor(options: UsageCounterOptions) {
    this.db = options.db;
    this.docs = options.docs;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.db.exec(SCHEMA);
  }

  /** Listens to client updates and counts what a previous run recorded but did not count. */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribeAccepted = this.docs.onClientUpdateAccepted((event) => this.record(event, -1));
    this.unsubscribe = this.docs.onClientUpdate((event) => this.onClientUpdate(event));
    this.db.prepare('DELETE FROM library_usage WHERE counted = 1 AND created_at < ?').run(this.now() - KEEP_COUNTED_MS);
    const staged = this.db
      .prepare('SELECT workspace_id, conversation_id, message_id FROM library_usage WHERE counted = -1')
      .all() as { workspace_id: string; conversation_id: string; message_id: string }[];
    const pending = this.db.prepare('SELECT DISTINCT workspace_id FROM library_usage WHERE counted = 0').all() as { workspace_id: string }[];
    for (const { workspace_id } of pending) this.schedule(workspace_id);
    if (staged.length > 0) void this.recoverStaged(staged);
  }

  /** Rows staged before a crash: kept (and counted) when the stored conversation holds the message. */
  private async recoverStaged(rows: { workspace_id: string; conversation_id: string; message_id: string }[]): Promise<void> {
    const workspaces = new Set<string>();
    for (const row of rows) {
      let stored: boolean;
      try {
        stored = await this.docs.read(conversationDoc(row.workspace_id, row.conversation_id), (doc) =>
          doc.getArray<{ id?: unknown }>(CONV_ROOTS.messages).toArray().some((m) => m?.id === row.message_id),
        );
      } catch (err) {
        this.logger.error({ event: 'usage_recovery_failed', doc: conversationDoc(row.workspace_id, row.conversation_id), reason: String(err) });
        continue; // stays staged: tried again at the next start
      }
      if (!this.db.open) return;
      const key = [row.workspace_id, row.conversation_id, row.message_id];
      if (stored) {
        this.db.prepare('UPDATE library_usage SET counted = 0 WHERE workspace_id = ? AND conversation_id = ? AND message_id = ? AND counted = -1').run(...key);
        workspaces.add(row.workspace_id);
      } else {
        this.db.prepare('DELETE FROM library_usage WHERE workspace_id = ? AND conversation_id = ? AND message_id = ? AND counted = -1').run(...key);
      }
    }
    for (const workspaceId of workspaces) this.schedule(workspaceId);
  }

  /**
   * Shutdown, before the documents close: writes what is queued; uses that arrive later are
   * still recorded and are counted at the next start.
   */
  async close(): Promise<void> {
    this.deferring = true;
    await this.idle();
  }

  /** Stops listening to client updates (after the connections have closed). */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.unsubscribeAccepted?.();
    this.unsubscribeAccepted = null;
  }

  /** Resolves when every count recorded so far is in its settings document. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.allSettled([...this.queues.values()]);
  }

  /** The update is stored: its staged rows (or new ones) become countable. */
  private onClientUpdate(event: ClientUpdateEvent): void {
    if (event.ref.kind !== 'conversation' || !this.db.open) return;
    const recorded = this.record(event, 0);
    if (recorded > 0 && !this.deferring) this.schedule(event.ref.workspaceId);
  }

  /**
   * Records the library uses of the update's agent messages with `counted` = `state` (-1 staged
   * before the update is stored, 0 once it is); returns how many rows reached that state now.
   */
  private record(event: ClientUpdateEvent, state: -1 | 0): number {
    if (event.ref.kind !== 'conversation' || !this.db.open) return 0;
    const { workspaceId, conversationId } = event.ref;
    const insert = this.db.prepare(
      `INSERT INTO library_usage (workspace_id, conversation_id, message_id, agent_id, uses, created_at, counted)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (workspace_id, conversation_id, message_id) DO UPDATE SET counted = 0
       WHERE library_usage.counted = -1 AND excluded.counted = 0`,
    );
    let recorded = 0;
    for (const value of event.added.get(CONV_ROOTS.messages) ?? []) {
      const entry = value as { id?: unknown; kind?: unknown; author?: { type?: unknown; id?: unknown }; uses?: unknown } | null;
      if (!entry || entry.kind !== 'message' || typeof entry.id !== 'string') continue;
      // The rules already refused anything else (CONV2); checked again as this is what counts.
      if (entry.author?.type !== 'agent' || entry.author.id !== event.principal.agentId) continue;
      const uses = usesOf(entry.uses);
      if (uses.length === 0) continue;
      const result = insert.run(workspaceId, conversationId, entry.id, event.principal.agentId, JSON.stringify(uses), this.now(), state);
      recorded += result.changes;
    }
    return recorded;
  }

  /** Counts a workspace's recorded uses after what is already queued for it. */
  private schedule(workspaceId: string): void {
    const previous = this.queues.get(workspaceId) ?? Promise.resolve();
    const next = previous
      .then(() => this.flush(workspaceId))
      .catch((err: unknown) => this.logger.error({ event: 'usage_count_failed', doc: settingsDoc(workspaceId), reason: String(err) }))
      .finally(() => {
        if (this.queues.get(workspaceId) === next) this.queues.delete(workspaceId);
      });
    this.queues.set(workspaceId, next);
  }

  /** Adds every uncounted row of the workspace to `usage` in one change, then marks them counted. */
  private async flush(workspaceId: string): Promise<void> {
    if (!this.db.open) return;
    const rows = this.db
      .prepare('SELECT conversation_id, message_id, agent_id, uses, created_at FROM library_usage WHERE workspace_id = ? AND counted = 0 ORDER BY created_at')
      .all(workspaceId) as PendingRow[];
    if (rows.length === 0) return;
    const started = performance.now();
    const counted = await this.docs.change(settingsDoc(workspaceId), ACTOR, (doc) => {
      const usage = doc.getMap<UsageCount>(SETTINGS_ROOTS.usage);
      const next = new Map<string, UsageCount>();
      let n = 0;
      for (const row of rows) {
        for (const use of usesOf(JSON.parse(row.uses))) {
          // An entry deleted before its message arrived is no longer counted.
          if (!doc.getMap(SETTINGS_ROOTS[use.kind]).has(use.id)) continue;
          const key = usageKey(use.kind, use.id);
          const current = next.get(key) ?? usage.get(key) ?? { total: 0, byAgent: {}, lastUsedAt: 0 };
          next.set(key, {
            total: current.total + 1,
            byAgent: { ...current.byAgent, [row.agent_id]: (current.byAgent[row.agent_id] ?? 0) + 1 },
            lastUsedAt: Math.max(current.lastUsedAt, row.created_at),
          });
          n++;
        }
      }
      for (const [key, count] of next) usage.set(key, count);
      return n;
    });
    const mark = this.db.prepare('UPDATE library_usage SET counted = 1 WHERE workspace_id = ? AND conversation_id = ? AND message_id = ?');
    this.db.transaction(() => {
      for (const row of rows) mark.run(workspaceId, row.conversation_id, row.message_id);
    })();
    this.logger.debug({ event: 'usage_counted', doc: settingsDoc(workspaceId), messages: rows.length, uses: counted, ms: Math.round(performance.now() - started) });
  }
}
