import { indexDoc } from '../../shared/ids.ts';
import type { AgentPresence, Availability, PresenceEvent } from '../../shared/schema/presence.ts';
import type { Role } from '../../shared/schema/roles.ts';
import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';
import { MuxTestClient } from './muxClient.ts';
import { type TestApp, startApp } from './startApp.ts';
import { waitFor } from './waitFor.ts';

export const TEAM_WS = 'acme';
const PASSWORD = 'switchboard';
const MEMBERS: ReadonlyArray<{ key: string; name: string; role: Role }> = [
  { key: 'dana', name: 'Dana Reyes', role: 'admin' },
  { key: 'lee', name: 'Lee Chen', role: 'lead' },
  { key: 'sam', name: 'Sam Patel', role: 'agent' },
  { key: 'maya', name: 'Maya Ito', role: 'agent' },
];

export interface Member {
  id: string;
  name: string;
  token: string;
}

/**
 * A real server with a fake clock (presence and routing timeouts move only when a test advances
 * it and calls sweep) and a workspace of four: dana (admin), lee (lead), sam and maya (agents).
 */
export interface Team {
  app: TestApp;
  m: Record<'dana' | 'lee' | 'sam' | 'maya', Member>;
  clock: { now: number };
  /** A device of `who`: a multiplexed connection that reports input (unless `idle`). */
  device(who: Member, opts?: { idle?: boolean }): Promise<MuxTestClient>;
  /** Advances the fake clock and runs the presence and routing sweeps. */
  advance(ms: number): Promise<void>;
  presenceOf(who: Member): Promise<AgentPresence | undefined>;
  presenceLog(): Promise<PresenceEvent[]>;
  waitStatus(who: Member, status: Availability): Promise<AgentPresence>;
  summary(conversationId: string): Promise<ConversationSummary | undefined>;
  /** A new webchat conversation with one contact message; resolves once routing is idle. */
  arrive(contactName: string): Promise<string>;
  settle(): Promise<void>;
  api(who: Member, method: string, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Stops the server and its devices; the data directory stays (restart with `startTeam({ dataDir })`). */
  close(): Promise<void>;
  /** Stops the server and its devices and deletes the data directory. */
  dispose(): Promise<void>;
}

export async function startTeam(opts: { dataDir?: string; clock?: { now: number } } = {}): Promise<Team> {
  const clock = opts.clock ?? { now: 1_700_000_000_000 };
  const app = await startApp({ now: () => clock.now, sweepMs: 0, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) });
  const { directory } = app.server;
  if (!directory.getWorkspace(TEAM_WS)) directory.createWorkspace(TEAM_WS, 'Acme Support');
  const m = {} as Team['m'];
  for (const { key, name, role } of MEMBERS) {
    if (!directory.findAgent(TEAM_WS, `${key}@example.com`)) {
      await directory.createAgent({ workspaceId: TEAM_WS, email: `${key}@example.com`, name, role, password: PASSWORD });
    }
    const session = await app.signIn(`${key}@example.com`, PASSWORD);
    m[key as keyof Team['m']] = { id: session.agent.id, name, token: session.token };
  }
  const clients: MuxTestClient[] = [];
  const wsUrl = `${app.baseUrl.replace(/^http/, 'ws')}/sync`;
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await app.server.presence.idle();
      await app.server.routing.idle();
      await app.server.conversations.idle();
    }
  };
  const readIndex = <T>(fn: (doc: import('yjs').Doc) => T) => app.server.docs.read(indexDoc(TEAM_WS), fn);
  const presenceOf = (who: Member) => readIndex((d) => d.getMap<AgentPresence>('presence').get(who.id));
  const team: Team = {
    app,
    m,
    clock,
    async device(who, o = {}) {
      const client = await new MuxTestClient(wsUrl, who.token).ready();
      clients.push(client);
      if (!o.idle) client.sendControl('', { type: 'activity', idleMs: 0 });
      await waitFor(async () => {
        await settle();
        const p = await presenceOf(who);
        if (o.idle) return p?.status !== 'offline' || p.chosen !== 'online';
        return p?.status === 'online' || p?.chosen !== 'online';
      }, `${who.name}'s device to count`);
      await settle();
      return client;
    },
    async advance(ms) {
      clock.now += ms;
      await app.server.presence.sweep();
      await settle();
      await app.server.routing.sweep();
      await settle();
    },
    presenceOf,
    presenceLog: () => readIndex((d) => d.getArray<PresenceEvent>('presenceLog').toArray()),
    async waitStatus(who, status) {
      return waitFor(async () => {
        await settle();
        const p = await presenceOf(who);
        return p?.status === status ? p : null;
      }, `${who.name} ${status}`);
    },
    summary: (id) => readIndex((d) => d.getMap<ConversationSummary>('conversations').get(id)),
    async arrive(contactName) {
      const { conversations } = app.server;
      const meta = await conversations.createConversation({ workspaceId: TEAM_WS, channel: 'webchat', contact: { id: `c-${contactName}`, name: contactName } });
      await conversations.appendContactMessage({ workspaceId: TEAM_WS, conversationId: meta.id, key: `k-${meta.id}`, text: `Hi from ${contactName}` });
      await settle();
      return meta.id;
    },
    settle,
    async api(who, method, path, body) {
      const res = await fetch(`${app.baseUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${who.token}` },
        body: JSON.stringify(body),
      });
      const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      await settle();
      return { status: res.status, body: json };
    },
    async close() {
      for (const c of clients.splice(0)) c.close();
      await app.stop();
    },
    async dispose() {
      for (const c of clients.splice(0)) c.close();
      await app.dispose();
    },
  };
  await settle();
  return team;
}
