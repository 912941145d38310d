import type * as Y from 'yjs';
import { indexDoc, newId, settingsDoc } from '../../shared/ids.ts';
import {
  type AgentPresence,
  type AutoReason,
  type Availability,
  PRESENCE_LOG_LIMIT,
  type PresenceEvent,
} from '../../shared/schema/presence.ts';
import { canManage } from '../../shared/schema/roles.ts';
import { ROUTING_ROOT, type RoutingSettings, readRoutingSettings } from '../../shared/schema/routing.ts';
import { INDEX_ROOTS } from '../../shared/schema/workspaceIndex.ts';
import type { Principal } from '../auth/Principal.ts';
import type { DocHost } from '../docs/DocHost.ts';
import type { Logger } from '../ops/log.ts';
import { PendingWork } from '../ops/PendingWork.ts';

const ACTOR = 'presence';

/** A member as presence needs it. */
export interface PresenceMember {
  id: string;
  name: string;
  active: boolean;
}

export interface PresenceServiceOptions {
  docs: DocHost;
  logger: Logger;
  /** Workspaces to restore at start. */
  workspaces: () => string[];
  members: (workspaceId: string) => PresenceMember[];
  now?: () => number;
  /** How often timeouts (grace, idle) are checked, in ms; 0 = never by itself (tests call sweep). Default 1 s. */
  sweepMs?: number;
}

export type PresenceChange = { workspaceId: string; agentId: string; previous: Availability | null; next: AgentPresence };

export type SetAvailabilityResult =
  | { ok: true; value: AgentPresence }
  | { ok: false; status: 403 | 404; rule: string; message: string };

interface AgentState {
  agentId: string;
  connections: Set<string>;
  /** Last input on any device (server clock), or null when unknown. */
  lastInputAt: number | null;
  /** When the last connection closed; null while connected or never connected. */
  disconnectedAt: number | null;
  chosen: Availability;
  chosenBy: { id: string; name: string } | null;
  chosenAt: number;
  /** The value last written to the index (what everyone sees). */
  published: AgentPresence | null;
  /** A chosen change to log with its author at the next flush. */
  pendingBy: { id: string; name: string } | null;
}

interface WorkspaceState {
  agents: Map<string, AgentState>;
  settings: RoutingSettings;
  dirty: Set<string>;
  flushing: Promise<void> | null;
  flushAgain: boolean;
}

/**
 * The server's view of who is available (docs/presence-routing.md). Tracks every agent's
 * connections (all devices) and input reports, derives Online / Away / Offline from them and from
 * the agent's choice, and writes only changes of that state into the workspace index (`presence`,
 * `presenceLog`; PRS1: nobody else writes there). Heartbeats and activity pings never leave the
 * server: 1,000 connected agents cost the other clients nothing until a state changes.
 *
 * Writes of one workspace are coalesced: events mark agents dirty, one flush evaluates them and
 * writes all changes in one transaction.
 */
export class PresenceService {
  private readonly docs: DocHost;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly workspaces = new Map<string, Promise<WorkspaceState>>();
  private readonly listeners = new Set<(change: PresenceChange) => void>();
  private readonly pending = new PendingWork();
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private closed = false;

  constructor(private readonly opts: PresenceServiceOptions) {
    this.docs = opts.docs;
    this.logger = opts.logger;
    this.now = opts.now ?? Date.now;
  }

  /** Restores every workspace (everyone counts as disconnected since now) and starts the sweep. */
  async start(): Promise<void> {
    this.unsubscribe = this.docs.onClientUpdate((event) => {
      if (event.ref.kind === 'settings' && event.added.has(ROUTING_ROOT)) void this.reloadSettings(event.ref.workspaceId, event.doc);
    });
    await Promise.all(this.opts.workspaces().map((ws) => this.workspace(ws)));
    await this.sweep();
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
    this.unsubscribe?.();
    await this.idle();
  }

  /** Resolves when every flush started so far has finished. */
  async idle(): Promise<void> {
    await this.pending.settled();
  }

  /** Called after each change of an agent's derived state. */
  onChange(listener: (change: PresenceChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- what the transport reports ------------------------------------------------------------

  /** A sync connection of `principal` opened. */
  connected(principal: Principal, connectionId: string): void {
    this.touch(principal, (agent) => {
      agent.connections.add(connectionId);
      agent.disconnectedAt = null;
    });
  }

  /** A sync connection closed; Offline only after the grace period with no connection at all (PRS4). */
  disconnected(principal: Principal, connectionId: string): void {
    this.touch(principal, (agent) => {
      if (!agent.connections.delete(connectionId)) return;
      if (agent.connections.size === 0) agent.disconnectedAt = this.now();
    });
  }

  /** A device reported input `idleMs` ago (PRS5: read here, never relayed). */
  activity(principal: Principal, idleMs: number): void {
    this.touch(principal, (agent) => {
      const at = this.now() - Math.max(0, idleMs);
      if (agent.lastInputAt === null || at > agent.lastInputAt) agent.lastInputAt = at;
    });
  }

  // ---- choices ---------------------------------------------------------------------------------

  /**
   * Sets the chosen availability of `agentId` on behalf of `actor`. PRS2: an agent changes only
   * their own; admins and leads may set another agent Offline, and only Offline. PRS3: the change
   * is recorded in the presence history with who and when.
   */
  async setChosen(actor: Principal, agentId: string, status: Availability): Promise<SetAvailabilityResult> {
    const self = agentId === actor.agentId;
    if (!self && !canManage(actor.role)) {
      return { ok: false, status: 403, rule: 'PRS2', message: "Only admins and leads change another agent's availability" };
    }
    if (!self && status !== 'offline') {
      return { ok: false, status: 403, rule: 'PRS2', message: 'Another agent can only be set Offline' };
    }
    const member = this.opts.members(actor.workspaceId).find((m) => m.id === agentId && m.active);
    if (!member) return { ok: false, status: 404, rule: 'PRS2', message: 'No such agent in this workspace' };
    const ws = await this.workspace(actor.workspaceId);
    const agent = this.agentOf(ws, agentId);
    const now = this.now();
    agent.chosen = status;
    agent.chosenAt = now;
    agent.chosenBy = self ? null : { id: actor.agentId, name: actor.name };
    agent.pendingBy = { id: actor.agentId, name: actor.name };
    if (self && status === 'online') agent.lastInputAt = now; // choosing is input
    ws.dirty.add(agentId);
    await this.flush(actor.workspaceId, ws);
    this.logger.info({ event: 'availability_set', workspace: actor.workspaceId, agent: agentId, by: actor.agentId, status });
    return { ok: true, value: agent.published! };
  }

  // ---- what routing asks -----------------------------------------------------------------------

  /** Agents whose derived state is Online. */
  async onlineAgents(workspaceId: string): Promise<string[]> {
    const ws = await this.workspace(workspaceId);
    return [...ws.agents.values()].filter((a) => a.published?.status === 'online').map((a) => a.agentId);
  }

  /** The agent's derived state (Offline when unknown). */
  async statusOf(workspaceId: string, agentId: string): Promise<AgentPresence | null> {
    const ws = await this.workspace(workspaceId);
    return ws.agents.get(agentId)?.published ?? null;
  }

  /** The workspace's routing and presence settings, as last read. */
  async settings(workspaceId: string): Promise<RoutingSettings> {
    return (await this.workspace(workspaceId)).settings;
  }

  /** Re-evaluates every agent against the clock (grace and idle timeouts) and writes what changed. */
  async sweep(): Promise<void> {
    const all = [...this.workspaces.entries()];
    await Promise.all(
      all.map(async ([id, loading]) => {
        const ws = await loading;
        for (const agentId of ws.agents.keys()) ws.dirty.add(agentId);
        await this.flush(id, ws);
      }),
    );
  }

  // ---- internals -------------------------------------------------------------------------------

  private touch(principal: Principal, change: (agent: AgentState) => void): void {
    if (this.closed) return;
    const run = this.workspace(principal.workspaceId).then((ws) => {
      change(this.agentOf(ws, principal.agentId));
      ws.dirty.add(principal.agentId);
      return this.flush(principal.workspaceId, ws);
    });
    this.pending.track(run.catch((err: unknown) => this.logger.error({ event: 'presence_failed', workspace: principal.workspaceId, reason: String(err) })));
  }

  private agentOf(ws: WorkspaceState, agentId: string): AgentState {
    let agent = ws.agents.get(agentId);
    if (!agent) {
      agent = { agentId, connections: new Set(), lastInputAt: null, disconnectedAt: null, chosen: 'online', chosenBy: null, chosenAt: 0, published: null, pendingBy: null };
      ws.agents.set(agentId, agent);
    }
    return agent;
  }

  /** The workspace's state, restored from the index the first time (a restart: nobody connected yet). */
  private workspace(workspaceId: string): Promise<WorkspaceState> {
    let loading = this.workspaces.get(workspaceId);
    if (!loading) {
      loading = this.restore(workspaceId);
      this.workspaces.set(workspaceId, loading);
      loading.catch(() => this.workspaces.delete(workspaceId));
    }
    return loading;
  }

  private async restore(workspaceId: string): Promise<WorkspaceState> {
    const settings = await this.docs.read(settingsDoc(workspaceId), (doc) => readRoutingSettings(doc.getMap(ROUTING_ROOT).entries()));
    const stored = await this.docs.read(indexDoc(workspaceId), (doc) => [...doc.getMap<AgentPresence>(INDEX_ROOTS.presence).values()]);
    const ws: WorkspaceState = { agents: new Map(), settings, dirty: new Set(), flushing: null, flushAgain: false };
    const now = this.now();
    for (const p of stored) {
      if (typeof p !== 'object' || p === null || typeof p.agentId !== 'string') continue;
      const agent = this.agentOf(ws, p.agentId);
      agent.chosen = p.chosen;
      agent.chosenBy = p.chosenBy;
      agent.chosenAt = p.chosenAt;
      agent.published = p;
      // Nobody is connected after a restart: the grace period runs from now, so devices that
      // reconnect in time keep their agent's state (no flicker); input is assumed as it was.
      if (p.status === 'offline' && p.auto === 'disconnected') agent.disconnectedAt = p.since - settings.presenceGraceMs;
      else agent.disconnectedAt = now;
      if (p.status === 'online') agent.lastInputAt = now;
      else if (p.auto === 'idle') agent.lastInputAt = p.since - settings.idleAwayMs;
    }
    for (const m of this.opts.members(workspaceId)) if (m.active) ws.dirty.add(this.agentOf(ws, m.id).agentId);
    // Every member has an entry before anyone asks (a member never seen is Offline from now on).
    await this.flushOnce(workspaceId, ws);
    return ws;
  }

  /** Re-reads the routing settings of a workspace (after a server-side change, e.g. the demo seed). */
  async refreshSettings(workspaceId: string): Promise<void> {
    await this.docs.read(settingsDoc(workspaceId), (doc) => this.reloadSettings(workspaceId, doc));
    await this.idle();
  }

  private async reloadSettings(workspaceId: string, doc: Y.Doc): Promise<void> {
    const loading = this.workspaces.get(workspaceId);
    if (!loading) return;
    const settings = readRoutingSettings(doc.getMap(ROUTING_ROOT).entries());
    const ws = await loading;
    ws.settings = settings;
    for (const id of ws.agents.keys()) ws.dirty.add(id);
    this.pending.track(this.flush(workspaceId, ws));
  }

  /** The derived state of one agent now (docs/presence-routing.md has the table). */
  private derive(agent: AgentState, settings: RoutingSettings, now: number): { status: Availability; auto: AutoReason | null } {
    if (agent.chosen === 'offline') return { status: 'offline', auto: null };
    if (agent.connections.size === 0 && (agent.disconnectedAt === null || now - agent.disconnectedAt >= settings.presenceGraceMs)) {
      return { status: 'offline', auto: 'disconnected' };
    }
    if (agent.chosen === 'away') return { status: 'away', auto: null };
    if (agent.lastInputAt === null || now - agent.lastInputAt >= settings.idleAwayMs) return { status: 'away', auto: 'idle' };
    return { status: 'online', auto: null };
  }

  /** Evaluates the dirty agents and writes every change in one transaction (coalesced per workspace). */
  private flush(workspaceId: string, ws: WorkspaceState): Promise<void> {
    if (ws.flushing) {
      ws.flushAgain = true;
      return ws.flushing;
    }
    const run = (async () => {
      do {
        ws.flushAgain = false;
        await this.flushOnce(workspaceId, ws);
      } while (ws.flushAgain && !this.closed);
    })().finally(() => {
      ws.flushing = null;
    });
    ws.flushing = run;
    this.pending.track(run);
    return run;
  }

  private async flushOnce(workspaceId: string, ws: WorkspaceState): Promise<void> {
    if (ws.dirty.size === 0) return;
    const now = this.now();
    const active = new Set(this.opts.members(workspaceId).filter((m) => m.active).map((m) => m.id));
    const changes: Array<{ agent: AgentState; next: AgentPresence; previous: Availability | null; event: PresenceEvent | null }> = [];
    for (const id of ws.dirty) {
      const agent = ws.agents.get(id);
      if (!agent || !active.has(id)) continue;
      const { status, auto } = this.derive(agent, ws.settings, now);
      const prev = agent.published;
      const by = agent.pendingBy;
      const statusChanged = !prev || prev.status !== status || prev.auto !== auto;
      if (!statusChanged && prev.chosen === agent.chosen && JSON.stringify(prev.chosenBy) === JSON.stringify(agent.chosenBy) && !by) continue;
      const next: AgentPresence = {
        agentId: id,
        status,
        chosen: agent.chosen,
        auto,
        since: statusChanged ? now : prev.since,
        chosenBy: agent.chosenBy,
        chosenAt: agent.chosenAt,
      };
      const event: PresenceEvent | null =
        statusChanged || by ? { id: newId(), agentId: id, status, auto, by: auto === null ? by : null, at: now } : null;
      changes.push({ agent, next, previous: prev?.status ?? null, event });
    }
    ws.dirty.clear();
    for (const c of changes) c.agent.pendingBy = null;
    if (changes.length === 0) return;
    await this.docs.change(indexDoc(workspaceId), ACTOR, (doc) => {
      const map = doc.getMap<AgentPresence>(INDEX_ROOTS.presence);
      const log = doc.getArray<PresenceEvent>(INDEX_ROOTS.presenceLog);
      for (const { next, event } of changes) {
        map.set(next.agentId, next);
        if (event) log.insert(log.length, [event]);
      }
      if (log.length > PRESENCE_LOG_LIMIT) log.delete(0, log.length - PRESENCE_LOG_LIMIT);
    });
    for (const c of changes) c.agent.published = c.next;
    for (const c of changes) {
      if (c.previous === c.next.status) continue;
      this.logger.info({ event: 'presence_changed', workspace: workspaceId, agent: c.next.agentId, status: c.next.status, auto: c.next.auto });
      for (const listener of this.listeners) {
        try {
          listener({ workspaceId, agentId: c.next.agentId, previous: c.previous, next: c.next });
        } catch (err) {
          this.logger.error({ event: 'presence_listener_failed', reason: String(err) });
        }
      }
    }
  }
}
