import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conversationDoc, settingsDoc } from '../../shared/ids.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import { DEFAULT_ROUTING, capacityKey } from '../../shared/schema/routing.ts';
import { type Member, type Team, TEAM_WS, startTeam } from '../helpers/teamFixture.ts';
import { waitFor } from '../helpers/waitFor.ts';

const { presenceGraceMs: GRACE, rerouteGraceMs: REROUTE } = DEFAULT_ROUTING;

describe('auto-routing and assignment (server-side, exactly once)', () => {
  let team: Team;
  beforeEach(async () => {
    team = await startTeam();
  });
  afterEach(async () => {
    await team.dispose();
  });

  const assignee = async (id: string) => (await team.summary(id))?.assigneeId ?? null;
  const history = (id: string) =>
    team.app.server.docs.read(conversationDoc(TEAM_WS, id), (d) =>
      d.getArray<MessageEntry>('messages').toArray().filter((e) => e.kind === 'event').map((e) => e.text),
    );
  const setRouting = (entries: Record<string, unknown>) =>
    team.app.server.docs.change(settingsDoc(TEAM_WS), 'test', (d) => {
      for (const [k, v] of Object.entries(entries)) d.getMap('routing').set(k, v);
    }).then(async () => {
      // A server-side write: presence re-reads (a client's write is noticed by itself, see presence.test.ts).
      await team.app.server.presence.refreshSettings(TEAM_WS);
      await team.settle();
    });
  const setStatus = (who: Member, status: string) => team.api(who, 'PUT', '/api/availability', { status });

  it('RTE2: a new conversation goes to the only Online agent, never to Away or Offline ones', async () => {
    const { m } = team;
    await team.device(m.sam);
    await team.device(m.maya);
    await setStatus(m.maya, 'away');
    await setStatus(m.dana, 'offline');
    for (let i = 0; i < 3; i++) expect(await assignee(await team.arrive(`Contact${i}`))).toBe(m.sam.id);
    expect(await history(await team.arrive('Ana'))).toEqual(['Assigned to Sam Patel (auto-routing)']);
  });

  it('RTE2: with nobody Online conversations wait unassigned; when an agent comes Online the queue drains, oldest first, up to capacity', async () => {
    const { m } = team;
    await setRouting({ [capacityKey(m.sam.id)]: 2 });
    const ids: string[] = [];
    for (const name of ['First', 'Second', 'Third']) {
      ids.push(await team.arrive(name));
      team.clock.now += 1_000;
    }
    expect(await Promise.all(ids.map(assignee))).toEqual([null, null, null]);
    await team.device(m.sam);
    expect(await Promise.all(ids.map(assignee))).toEqual([m.sam.id, m.sam.id, null]);
    await team.device(m.maya);
    expect(await assignee(ids[2]!)).toBe(m.maya.id);
  });

  it('RTE2: least-loaded by default (open assigned conversations), ties broken round-robin', async () => {
    const { m } = team;
    await team.device(m.sam);
    const samFirst = [await team.arrive('A'), await team.arrive('B')];
    expect(await Promise.all(samFirst.map(assignee))).toEqual([m.sam.id, m.sam.id]);
    await team.device(m.maya);
    // Maya has 0, Sam 2: the next two go to Maya, then they alternate.
    const next = [];
    for (const name of ['C', 'D', 'E', 'F']) next.push(await assignee(await team.arrive(name)));
    expect(next.slice(0, 2)).toEqual([m.maya.id, m.maya.id]);
    expect(new Set(next.slice(2))).toEqual(new Set([m.sam.id, m.maya.id]));
  });

  it('RTE2: an admin can choose round-robin, and a resolved conversation frees capacity for the waiting queue', async () => {
    const { m } = team;
    await setRouting({ policy: 'round-robin', defaultCapacity: 1 });
    await team.device(m.sam);
    await team.device(m.maya);
    const [a, b, c] = [await team.arrive('A'), await team.arrive('B'), await team.arrive('C')];
    expect(new Set([await assignee(a), await assignee(b)])).toEqual(new Set([m.sam.id, m.maya.id]));
    expect(await assignee(c)).toBeNull();
    await team.app.server.conversations.setStatus(TEAM_WS, a, 'resolved', 'Sam Patel');
    await team.settle();
    expect(await assignee(c)).toBe(await assignee(a));
  });

  it('RTE4: the contact writes again while the assignee is Offline past the grace period → re-routed to an Online agent', async () => {
    const { m } = team;
    const samDevice = await team.device(m.sam);
    const id = await team.arrive('Ana');
    expect(await assignee(id)).toBe(m.sam.id);
    samDevice.close();
    await waitFor(() => team.app.server.connections().sync === 0, 'Sam disconnected');
    await team.advance(GRACE);
    expect((await team.presenceOf(m.sam))?.status).toBe('offline');
    await team.device(m.maya);
    await team.app.server.conversations.appendContactMessage({ workspaceId: TEAM_WS, conversationId: id, key: 'again-1', text: 'Hello?' });
    await team.settle();
    expect(await assignee(id)).toBe(m.sam.id); // within the re-route grace: scheduled
    await team.advance(REROUTE);
    expect(await assignee(id)).toBe(m.maya.id);
    expect((await history(id)).at(-1)).toBe('Re-routed to Maya Ito (auto-routing: Sam Patel not Online)');
  });

  it('RTE4: with "keep" the assignee keeps it; an assignee back Online in time keeps it too', async () => {
    const { m } = team;
    await team.device(m.sam);
    const id = await team.arrive('Ana');
    await setStatus(m.sam, 'away');
    await team.device(m.maya);
    await team.app.server.conversations.appendContactMessage({ workspaceId: TEAM_WS, conversationId: id, key: 'again-1', text: 'Hello?' });
    await team.settle();
    await setStatus(m.sam, 'online');
    await team.advance(REROUTE);
    expect(await assignee(id)).toBe(m.sam.id);

    await setRouting({ reassign: 'keep' });
    await setStatus(m.sam, 'away');
    await team.advance(REROUTE);
    await team.app.server.conversations.appendContactMessage({ workspaceId: TEAM_WS, conversationId: id, key: 'again-2', text: 'Anyone?' });
    await team.advance(REROUTE);
    expect(await assignee(id)).toBe(m.sam.id);
  });

  it('RTE4: a conversation reopened while its assignee is not Online goes back through routing; nobody Online → it waits unassigned', async () => {
    const { m } = team;
    await team.device(m.sam);
    const id = await team.arrive('Ana');
    await team.app.server.conversations.setStatus(TEAM_WS, id, 'resolved', 'Sam Patel');
    await setStatus(m.sam, 'offline');
    await team.advance(REROUTE);
    await team.app.server.conversations.appendContactMessage({ workspaceId: TEAM_WS, conversationId: id, key: 'back', text: 'It broke again' });
    await team.settle();
    expect(await assignee(id)).toBeNull();
    await team.device(m.maya);
    expect(await assignee(id)).toBe(m.maya.id);
  });

  it('RTE2: the conversations of a deactivated member go back through routing to an Online agent', async () => {
    const { m } = team;
    await team.device(m.sam);
    const ids = [await team.arrive('Ana'), await team.arrive('Bo')];
    expect(await Promise.all(ids.map(assignee))).toEqual([m.sam.id, m.sam.id]);
    await team.device(m.maya);
    const r = await team.api(m.dana, 'POST', '/api/members/deactivate', { agentId: m.sam.id });
    expect(r.status).toBe(200);
    await team.settle();
    expect(await Promise.all(ids.map(assignee))).toEqual([m.maya.id, m.maya.id]);
    expect((await history(ids[0]!)).slice(-2)).toEqual(['Unassigned: Sam Patel was deactivated', 'Assigned to Maya Ito (auto-routing)']);
  });

  it('RTE3: an agent takes an unassigned conversation; agents cannot take an assigned one or assign others, and nothing changes', async () => {
    const { m } = team;
    const id = await team.arrive('Ana'); // nobody Online: unassigned
    expect(await team.api(m.sam, 'POST', '/api/assignment', { conversationId: id, assigneeId: m.maya.id })).toMatchObject({ status: 403, body: { rule: 'RTE3' } });
    expect(await assignee(id)).toBeNull();
    expect(await team.api(m.sam, 'POST', '/api/assignment', { conversationId: id, assigneeId: m.sam.id })).toMatchObject({ status: 200 });
    expect(await assignee(id)).toBe(m.sam.id);
    const before = await history(id);
    expect(await team.api(m.maya, 'POST', '/api/assignment', { conversationId: id, assigneeId: m.maya.id })).toMatchObject({ status: 403, body: { rule: 'RTE3' } });
    expect(await team.api(m.maya, 'POST', '/api/assignment', { conversationId: id, assigneeId: null })).toMatchObject({ status: 403 });
    expect(await team.api(m.maya, 'POST', '/api/assignment', { conversationId: 'nope', assigneeId: m.maya.id })).toMatchObject({ status: 404 });
    expect(await assignee(id)).toBe(m.sam.id);
    expect(await history(id)).toEqual(before);
    expect(before.at(-1)).toBe('Sam Patel took the conversation');
  });

  it('RTE3/RTE5: a lead reassigns and unassigns; every change is a history line', async () => {
    const { m } = team;
    const id = await team.arrive('Ana');
    expect((await team.api(m.lee, 'POST', '/api/assignment', { conversationId: id, assigneeId: m.maya.id })).status).toBe(200);
    expect((await team.api(m.lee, 'POST', '/api/assignment', { conversationId: id, assigneeId: null })).status).toBe(200);
    expect((await team.api(m.lee, 'POST', '/api/assignment', { conversationId: id, assigneeId: 'ghost' })).status).toBe(404);
    expect(await history(id)).toEqual(['Assigned to Maya Ito by Lee Chen', 'Unassigned by Lee Chen']);
  });

  it('RTE1: concurrent arrivals and several devices: each conversation is routed exactly once, within capacity', async () => {
    const { m } = team;
    await setRouting({ defaultCapacity: 5 });
    await team.device(m.sam);
    await team.device(m.sam);
    await team.device(m.maya);
    const { conversations } = team.app.server;
    const metas = await Promise.all(
      Array.from({ length: 14 }, (_, i) => conversations.createConversation({ workspaceId: TEAM_WS, channel: 'webchat', contact: { id: `c${i}`, name: `C${i}` } })),
    );
    await Promise.all(metas.map((meta, i) => conversations.appendContactMessage({ workspaceId: TEAM_WS, conversationId: meta.id, key: `k${i}`, text: 'hi' })));
    await team.settle();
    const owners = await Promise.all(metas.map((meta) => assignee(meta.id)));
    expect(owners.filter((o) => o === m.sam.id)).toHaveLength(5);
    expect(owners.filter((o) => o === m.maya.id)).toHaveLength(5);
    expect(owners.filter((o) => o === null)).toHaveLength(4);
    for (const meta of metas) expect((await history(meta.id)).length).toBeLessThanOrEqual(1);
    // Two agents take the same waiting conversation at once: one wins, one history line.
    const waiting = metas.find((_, i) => owners[i] === null)!.id;
    const results = await Promise.all([
      team.api(m.dana, 'POST', '/api/assignment', { conversationId: waiting, assigneeId: m.dana.id }),
      team.api(m.lee, 'POST', '/api/assignment', { conversationId: waiting, assigneeId: m.lee.id }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 200]);
    expect(await history(waiting)).toHaveLength(2); // leads may reassign: both apply, in order
    const [x, y] = await Promise.all([
      team.api(m.sam, 'POST', '/api/assignment', { conversationId: metas.find((_, i) => owners[i] === null && metas[i]!.id !== waiting)!.id, assigneeId: m.sam.id }),
      team.api(m.maya, 'POST', '/api/assignment', { conversationId: metas.find((_, i) => owners[i] === null && metas[i]!.id !== waiting)!.id, assigneeId: m.maya.id }),
    ]);
    expect([x.status, y.status].sort()).toEqual([200, 403]);
  });

  it('RTE1: a decision interrupted by a restart is applied once at the next start; the waiting queue survives it', async () => {
    const { m } = team;
    const first = await team.arrive('Ana');
    const second = await team.arrive('Ben');
    const { db } = team.app.server;
    // A decision journaled but never applied, and one applied but not yet marked.
    db.prepare(`INSERT INTO routing_decisions (id, workspace_id, conversation_id, from_agent, to_agent, text, state, created_at) VALUES ('d1', ?, ?, NULL, ?, 'Assigned to Sam Patel (auto-routing)', 'pending', 0)`).run(TEAM_WS, first, m.sam.id);
    await team.app.server.conversations.assignOnce(TEAM_WS, second, { eventId: 'd2', ifAssignee: null, to: m.maya.id, text: 'Assigned to Maya Ito (auto-routing)' });
    db.prepare(`INSERT INTO routing_decisions (id, workspace_id, conversation_id, from_agent, to_agent, text, state, created_at) VALUES ('d2', ?, ?, NULL, ?, 'Assigned to Maya Ito (auto-routing)', 'pending', 0)`).run(TEAM_WS, second, m.maya.id);
    const third = await team.arrive('Cy');
    const { dataDir } = team.app;
    await team.close();
    team = await startTeam({ dataDir, clock: team.clock });
    expect(await assignee(first)).toBe(m.sam.id);
    expect(await history(first)).toEqual(['Assigned to Sam Patel (auto-routing)']);
    expect(await assignee(second)).toBe(m.maya.id);
    expect(await history(second)).toEqual(['Assigned to Maya Ito (auto-routing)']);
    expect(await assignee(third)).toBeNull();
    await team.device(m.lee);
    expect(await assignee(third)).toBe(m.lee.id);
    expect(await history(third)).toEqual(['Assigned to Lee Chen (auto-routing)']);
  });
});
