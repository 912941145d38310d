import type { Database } from 'better-sqlite3';
import { indexDoc, newId } from '../../shared/ids.ts';
import { canManage } from '../../shared/schema/roles.ts';
import { type RoutingSettings, capacityOf } from '../../shared/schema/routing.ts';
import { type ConversationSummary, INDEX_ROOTS } from '../../shared/schema/workspaceIndex.ts';
import type { Principal } from '../auth/Principal.ts';
import type { AssignOutcome, ConversationEvent, ConversationService } from '../conversations/ConversationService.ts';
import type { DocHost } from '../docs/DocHost.ts';
import type { Logger } from '../ops/log.ts';
import { PendingWork } from '../ops/PendingWork.ts';
import type { PresenceChange, PresenceMember, PresenceService } from '../presence/PresenceService.ts';

const SCHEMA = `
-- Conversations waiting for an Online agent (RTE2), oldest first.
CREATE TABLE IF NOT EXISTS routing_queue (
  workspace_id    TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  since           INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, conversation_id)
);
-- Every assignment decision, written before it is applied (RTE1): a decision interrupted by a
-- restart is applied (once) at the next start, never decided again.
CREATE TABLE IF NOT EXISTS routing_decisions (
  id              TEXT PRIMARY KEY,
  workspace_id    TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  from_agent      TEXT,
  to_agent        TEXT,
  text            TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending',
  created_at      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS routing_decisions_pending ON routing_decisions(state) WHERE state = 'pending';
-- Conversations to re-route if their assignee is still not Online at due_at (RTE4).
CREATE TABLE IF NOT EXISTS routing_reroute (
  workspace_id    TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  due_at          INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, conversation_id)
);
-- Round-robin position: the agent who got the last routed conversation.
CREATE TABLE IF NOT EXISTS routing_cursor (
  workspace_id    TEXT PRIMARY KEY,
  last_agent_id   TEXT NOT NULL
);
`;

export interface RoutingServiceOptions {
  db: Database;
  docs: DocHost;
  conversations: ConversationService;
  presence: PresenceService;
  logger: Logger;
  members: (workspaceId: string) => PresenceMember[];
  now?: () => number;
  /** How often due re-routes are checked (ms); 0 = only on sweep(). Default 1 s. */
  sweepMs?: number;
}

export type AssignResult =
  | { ok: true; value: { assigneeId: string | null; changed: boolean } }
  | { ok: false; status: 403 | 404 | 409; rule: string; message: string };

interface DecisionRow {
  id: string;
  workspace_id: string;
  conversation_id: string;
  from_agent: string | null;
  to_agent: string | null;
  text: string;
}

/**
 * Auto-routing and manual assignment (docs/presence-routing.md). The server is the only writer of
 * assignment (CONV5). Every decision of a workspace runs in one queue, is journaled before it is
 * applied and is applied as a compare-and-set keyed by the decision id (RTE1): several devices,
 * reconnects and restarts never assign a conversation twice.
 *
 * RTE2: new and reopened unassigned conversations go only to Online agents under their capacity,
 * least-loaded (ties round-robin) or round-robin; with nobody available they wait, and the queue
 * drains (oldest first) when someone comes Online or frees capacity.
 */
export class RoutingService {
  private readonly db: Database;
  private readonly docs: DocHost;
  private readonly conversations: ConversationService;
  private readonly presence: PresenceService;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly pending = new PendingWork();
  private readonly unsubscribes: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly opts: RoutingServiceOptions) {
    this.db = opts.db;
    this.docs = opts.docs;
    this.conversations = opts.conversations;
    this.presence = opts.presence;
    this.logger = opts.logger;
    this.now = opts.now ?? Date.now;
    this.db.exec(SCHEMA);
  }

  /** Applies decisions a restart interrupted, drains every queue, then follows events. */
  async start(workspaces: string[]): Promise<void> {
    this.unsubscribes.push(this.conversations.onEvent((e) => this.onConversation(e)));
    this.unsubscribes.push(this.presence.onChange((c) => this.onPresence(c)));
    this.unsubscribes.push(
      this.docs.onClientUpdate((e) => {
        if (e.ref.kind === 'settings' && e.added.has('routing')) {
          // Presence re-reads the settings first (its own listener); then capacity may have grown.
          const ws = e.ref.workspaceId;
          void this.presence.idle().then(() => this.drain(ws));
        }
      }),
    );
    const rows = this.db.prepare(`SELECT * FROM routing_decisions WHERE state = 'pending' ORDER BY created_at`).all() as DecisionRow[];
    for (const row of rows) await this.inQueue(row.workspace_id, () => this.apply(row));
    await Promise.all(workspaces.map((ws) => this.drain(ws)));
    const every = this.opts.sweepMs ?? 1_000;
    if (every > 0) {
      this.timer = setInterval(() => void this.sweep(), every);
      this.timer.unref();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const u of this.unsubscribes.splice(0)) u();
    await this.idle();
  }

  async idle(): Promise<void> {
    await this.pending.settled();
  }

  /** Re-routes conversations whose grace period ran out while their assignee stayed away (RTE4). */
  async sweep(): Promise<void> {
    const due = this.db
      .prepare('SELECT workspace_id, conversation_id FROM routing_reroute WHERE due_at <= ?')
      .all(this.now()) as Array<{ workspace_id: string; conversation_id: string }>;
    await Promise.all(due.map((r) => this.inQueue(r.workspace_id, () => this.rerouteIfAway(r.workspace_id, r.conversation_id, true))));
  }

  /**
   * A manual change of assignee (RTE3): admins and leads assign any active member or unassign;
   * an agent only takes an unassigned conversation for themselves. Recorded in the history (RTE5).
   */
  assign(actor: Principal, conversationId: string, assigneeId: string | null): Promise<AssignResult> {
    const ws = actor.workspaceId;
    return this.inQueue(ws, async (): Promise<AssignResult> => {
      const summary = await this.summary(ws, conversationId);
      if (!summary) return { ok: false, status: 404, rule: 'RTE3', message: 'No such conversation' };
      const manager = canManage(actor.role);
      if (!manager && (assigneeId !== actor.agentId || summary.assigneeId !== null)) {
        return {
          ok: false,
          status: 403,
          rule: 'RTE3',
          message: summary.assigneeId === actor.agentId ? 'The conversation is already yours' : 'Agents may only take an unassigned conversation for themselves',
        };
      }
      const member = assigneeId === null ? null : this.opts.members(ws).find((m) => m.id === assigneeId && m.active);
      if (assigneeId !== null && !member) return { ok: false, status: 404, rule: 'RTE3', message: 'No such agent in this workspace' };
      if (summary.assigneeId === assigneeId) return { ok: true, value: { assigneeId, changed: false } };
      const text = !member
        ? `Unassigned by ${actor.name}`
        : member.id === actor.agentId
          ? `${actor.name} took the conversation`
          : `Assigned to ${member.name} by ${actor.name}`;
      const outcome = await this.decide(ws, conversationId, summary.assigneeId, assigneeId, text, { agentId: actor.agentId, name: actor.name });
      if (outcome === 'conflict') return { ok: false, status: 409, rule: 'RTE1', message: 'The conversation changed meanwhile; try again' };
      this.forget(ws, conversationId);
      this.logger.info({ event: 'assigned_manually', workspace: ws, conversation: conversationId, by: actor.agentId, to: assigneeId });
      void this.drain(ws); // an unassignment frees capacity
      return { ok: true, value: { assigneeId, changed: true } };
    });
  }

  // ---- events ----------------------------------------------------------------------------------

  private onConversation(e: ConversationEvent): void {
    if (this.closed) return;
    const ws = e.workspaceId;
    switch (e.type) {
      case 'created':
        if (e.assigneeId === null) this.enqueueWaiting(ws, e.conversationId);
        void this.drain(ws);
        return;
      case 'released':
        // Its assignee was deactivated: it waits for an Online agent like a new one (RTE2).
        this.enqueueWaiting(ws, e.conversationId);
        void this.drain(ws);
        return;
      case 'contact-message':
        void this.inQueue(ws, () => this.onReturn(ws, e.conversationId, e.reopened));
        return;
      case 'status':
        if (e.status === 'resolved') {
          this.forget(ws, e.conversationId);
          void this.drain(ws);
        } else void this.inQueue(ws, () => this.onReturn(ws, e.conversationId, true));
        return;
    }
  }

  private onPresence(c: PresenceChange): void {
    if (this.closed) return;
    if (c.next.status === 'online') void this.drain(c.workspaceId);
  }

  /**
   * The contact wrote again, or the conversation was reopened (RTE4): unassigned → it waits for
   * routing; assigned to someone not Online → keep, or re-route once the grace period is over.
   */
  private async onReturn(ws: string, conversationId: string, reopened: boolean): Promise<void> {
    const summary = await this.summary(ws, conversationId);
    if (!summary || summary.status !== 'open') return;
    if (summary.assigneeId === null) {
      if (reopened) this.db.prepare('DELETE FROM routing_queue WHERE workspace_id = ? AND conversation_id = ?').run(ws, conversationId);
      this.enqueueWaiting(ws, conversationId);
      await this.drainNow(ws);
      return;
    }
    await this.rerouteIfAway(ws, conversationId, false);
  }

  /** RTE4 for one conversation: re-route now, schedule it, or leave it (assignee Online, or 'keep'). */
  private async rerouteIfAway(ws: string, conversationId: string, due: boolean): Promise<void> {
    const summary = await this.summary(ws, conversationId);
    const settings = await this.presence.settings(ws);
    const assignee = summary?.assigneeId ?? null;
    const presence = assignee ? await this.presence.statusOf(ws, assignee) : null;
    if (!summary || summary.status !== 'open' || !assignee || presence?.status === 'online' || settings.reassign === 'keep') {
      this.db.prepare('DELETE FROM routing_reroute WHERE workspace_id = ? AND conversation_id = ?').run(ws, conversationId);
      return;
    }
    const awaySince = presence?.since ?? this.now();
    const dueAt = awaySince + settings.rerouteGraceMs;
    if (dueAt > this.now()) {
      if (!due) {
        this.db
          .prepare('INSERT OR REPLACE INTO routing_reroute (workspace_id, conversation_id, due_at) VALUES (?, ?, ?)')
          .run(ws, conversationId, dueAt);
      }
      return;
    }
    this.db.prepare('DELETE FROM routing_reroute WHERE workspace_id = ? AND conversation_id = ?').run(ws, conversationId);
    const target = await this.pick(ws, settings, new Set([assignee]));
    const name = this.nameOf(ws, assignee);
    if (target) {
      const outcome = await this.decide(ws, conversationId, assignee, target.id, `Re-routed to ${target.name} (auto-routing: ${name} not Online)`);
      if (outcome === 'applied' || outcome === 'already-applied') this.setCursor(ws, target.id);
    } else {
      const outcome = await this.decide(ws, conversationId, assignee, null, `Unassigned: ${name} not Online; waiting for an Online agent`);
      if (outcome === 'applied' || outcome === 'already-applied') this.enqueueWaiting(ws, conversationId);
    }
  }

  // ---- routing ---------------------------------------------------------------------------------

  /** Drains the waiting queue of `ws` (in its queue). */
  drain(ws: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.inQueue(ws, () => this.drainNow(ws));
  }

  /** Assigns waiting conversations, oldest first, while an Online agent has capacity (RTE2). */
  private async drainNow(ws: string): Promise<void> {
    const waiting = this.db
      .prepare('SELECT conversation_id FROM routing_queue WHERE workspace_id = ? ORDER BY since, conversation_id')
      .all(ws) as Array<{ conversation_id: string }>;
    if (waiting.length === 0) return;
    const settings = await this.presence.settings(ws);
    if (!settings.enabled) return;
    for (const { conversation_id: id } of waiting) {
      if (this.closed) return;
      const summary = await this.summary(ws, id);
      if (!summary || summary.status !== 'open' || summary.assigneeId !== null) {
        this.db.prepare('DELETE FROM routing_queue WHERE workspace_id = ? AND conversation_id = ?').run(ws, id);
        continue;
      }
      const target = await this.pick(ws, settings, new Set());
      if (!target) return; // nobody Online with capacity: everything else waits too
      const outcome = await this.decide(ws, id, null, target.id, `Assigned to ${target.name} (auto-routing)`);
      if (outcome !== 'conflict') this.db.prepare('DELETE FROM routing_queue WHERE workspace_id = ? AND conversation_id = ?').run(ws, id);
      if (outcome === 'applied' || outcome === 'already-applied') this.setCursor(ws, target.id);
      this.logger.info({ event: 'routed', workspace: ws, conversation: id, to: target.id, policy: settings.policy, outcome });
    }
  }

  /**
   * The Online agent with capacity who gets the next conversation (never Away or Offline: no
   * fallback). least-loaded: fewest open assigned conversations, ties round-robin; round-robin:
   * the next after the last one routed to.
   */
  private async pick(ws: string, settings: RoutingSettings, exclude: Set<string>): Promise<PresenceMember | null> {
    if (!settings.enabled) return null;
    const online = new Set(await this.presence.onlineAgents(ws));
    const members = this.opts
      .members(ws)
      .filter((m) => m.active && online.has(m.id) && !exclude.has(m.id))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (members.length === 0) return null;
    const loads = await this.loads(ws);
    const free = members.filter((m) => (loads.get(m.id) ?? 0) < capacityOf(settings, m.id));
    if (free.length === 0) return null;
    let candidates = free;
    if (settings.policy === 'least-loaded') {
      const min = Math.min(...free.map((m) => loads.get(m.id) ?? 0));
      candidates = free.filter((m) => (loads.get(m.id) ?? 0) === min);
    }
    const last = (this.db.prepare('SELECT last_agent_id FROM routing_cursor WHERE workspace_id = ?').get(ws) as { last_agent_id: string } | undefined)
      ?.last_agent_id;
    return (last === undefined ? undefined : candidates.find((m) => m.id > last)) ?? candidates[0] ?? null;
  }

  /** Open conversations assigned to each agent. */
  private loads(ws: string): Promise<Map<string, number>> {
    return this.docs.read(indexDoc(ws), (doc) => {
      const loads = new Map<string, number>();
      for (const s of doc.getMap<ConversationSummary>(INDEX_ROOTS.conversations).values()) {
        if (s.status === 'open' && s.assigneeId) loads.set(s.assigneeId, (loads.get(s.assigneeId) ?? 0) + 1);
      }
      return loads;
    });
  }

  /** Journals a decision, then applies it once (RTE1). */
  private async decide(
    ws: string,
    conversationId: string,
    from: string | null,
    to: string | null,
    text: string,
    by: { agentId: string; name: string } | null = null,
  ): Promise<AssignOutcome> {
    const row: DecisionRow = { id: newId(), workspace_id: ws, conversation_id: conversationId, from_agent: from, to_agent: to, text };
    this.db
      .prepare(
        `INSERT INTO routing_decisions (id, workspace_id, conversation_id, from_agent, to_agent, text, state, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)`,
      )
      .run(row.id, ws, conversationId, from, to, text, this.now());
    return this.apply(row, by);
  }

  private async apply(row: DecisionRow, by: { agentId: string; name: string } | null = null): Promise<AssignOutcome> {
    const outcome = await this.conversations.assignOnce(row.workspace_id, row.conversation_id, {
      eventId: row.id,
      ifAssignee: row.from_agent,
      to: row.to_agent,
      text: row.text,
      by,
    });
    const state = outcome === 'applied' || outcome === 'already-applied' ? 'applied' : outcome;
    this.db.prepare('UPDATE routing_decisions SET state = ? WHERE id = ?').run(state, row.id);
    return outcome;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private enqueueWaiting(ws: string, conversationId: string): void {
    this.db
      .prepare('INSERT OR IGNORE INTO routing_queue (workspace_id, conversation_id, since) VALUES (?, ?, ?)')
      .run(ws, conversationId, this.now());
  }

  /** Drops a conversation from the waiting queue and the re-route schedule. */
  private forget(ws: string, conversationId: string): void {
    this.db.prepare('DELETE FROM routing_queue WHERE workspace_id = ? AND conversation_id = ?').run(ws, conversationId);
    this.db.prepare('DELETE FROM routing_reroute WHERE workspace_id = ? AND conversation_id = ?').run(ws, conversationId);
  }

  private setCursor(ws: string, agentId: string): void {
    this.db.prepare('INSERT OR REPLACE INTO routing_cursor (workspace_id, last_agent_id) VALUES (?, ?)').run(ws, agentId);
  }

  private nameOf(ws: string, agentId: string): string {
    return this.opts.members(ws).find((m) => m.id === agentId)?.name ?? 'the assignee';
  }

  private summary(ws: string, conversationId: string): Promise<ConversationSummary | null> {
    return this.docs.read(indexDoc(ws), (doc) => doc.getMap<ConversationSummary>(INDEX_ROOTS.conversations).get(conversationId) ?? null);
  }

  /** Runs `task` after every earlier routing task of the workspace: one decision at a time. */
  private inQueue<T>(ws: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(ws) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.then(
      () => undefined,
      (err: unknown) => this.logger.error({ event: 'routing_failed', workspace: ws, reason: String(err) }),
    );
    this.queues.set(ws, settled);
    void settled.then(() => {
      if (this.queues.get(ws) === settled) this.queues.delete(ws);
    });
    this.pending.track(settled);
    return run;
  }
}
