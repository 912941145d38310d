import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { indexDoc } from '../../shared/ids.ts';
import type { SessionInfo } from '../../shared/protocol/rest.ts';
import { INDEX_ROOTS, type MemberSummary } from '../../shared/schema/workspaceIndex.ts';
import { ACME_PASSWORD, ACME_WS, seedAcme } from '../helpers/seedAcme.ts';
import { startApp, type TestApp } from '../helpers/startApp.ts';
import { waitUntil } from '../helpers/waitUntil.ts';

const WS = ACME_WS;
const PASSWORD = ACME_PASSWORD;

describe('team members (TEAM1–TEAM6)', () => {
  let app: TestApp;
  let admin: SessionInfo;
  let lead: SessionInfo;
  let agent: SessionInfo;

  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${app.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> & { rule?: string; message?: string } };
  };
  const members = () => app.server.directory.listMembers(WS);
  const member = (id: string) => members().find((m) => m.id === id);
  const indexMembers = () =>
    app.server.docs.read(indexDoc(WS), (doc) => Object.fromEntries(doc.getMap<MemberSummary>(INDEX_ROOTS.members).entries()));

  beforeAll(async () => {
    app = await startApp();
    ({ admin, lead, agent } = await seedAcme(app));
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('TEAM1: an agent cannot invite; nothing is created', async () => {
    const before = members();
    const r = await post('/api/members/invite', { email: 'mallory@example.com', name: 'Mallory', role: 'admin' }, agent.token);
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ error: 'forbidden', rule: 'TEAM1' });
    expect(members()).toEqual(before);
  });

  it('TEAM1: a lead cannot promote itself to admin; its role stays', async () => {
    const r = await post('/api/members/role', { agentId: lead.agent.id, role: 'admin' }, lead.token);
    expect(r.status).toBe(403);
    expect(r.body.rule).toBe('TEAM1');
    expect(member(lead.agent.id)?.role).toBe('lead');
  });

  it('TEAM1: a lead cannot deactivate an agent; the agent keeps signing in', async () => {
    const r = await post('/api/members/deactivate', { agentId: agent.agent.id }, lead.token);
    expect(r.status).toBe(403);
    expect(r.body.rule).toBe('TEAM1');
    expect(member(agent.agent.id)?.active).toBe(true);
    expect(app.server.directory.authenticate(agent.token)).not.toBeNull();
  });

  it('AUTH1: team routes need a session', async () => {
    const r = await post('/api/members/invite', { email: 'x@example.com', name: 'X', role: 'agent' });
    expect(r.status).toBe(401);
  });

  it('TEAM5: refuses a malformed invite or an email already in the workspace', async () => {
    const before = members();
    for (const body of [{ email: 'not-an-email', name: 'X', role: 'agent' }, { email: 'x@example.com', name: '', role: 'agent' }, { email: 'x@example.com', name: 'X', role: 'owner' }, 'nope']) {
      const r = await post('/api/members/invite', body, admin.token);
      expect(r.status).toBe(400);
      expect(r.body.rule).toBe('TEAM5');
    }
    const dup = await post('/api/members/invite', { email: 'SAM@example.com', name: 'Sam Again', role: 'agent' }, admin.token);
    expect(dup.status).toBe(409);
    expect(dup.body.rule).toBe('TEAM5');
    expect(members()).toEqual(before);
  });

  it('TEAM3: an admin invites; the link works once and the invitee signs in with the password it chose', async () => {
    const r = await post('/api/members/invite', { email: 'nora@example.com', name: 'Nora Diaz', role: 'agent' }, admin.token);
    expect(r.status).toBe(200);
    const invitePath = String(r.body.invitePath);
    expect(invitePath).toMatch(/^\/invite#[A-Za-z0-9_-]{20,}$/);
    const token = invitePath.slice('/invite#'.length);
    const id = (r.body.member as MemberSummary).id;
    expect(member(id)).toMatchObject({ state: 'invited', role: 'agent', active: true });
    await waitUntil(async () => (await indexMembers())[id]?.state === 'invited', 'invited member in the index');

    // Invited but not joined: cannot sign in with any password.
    const early = await fetch(`${app.baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'nora@example.com', password: 'anything-long' }) });
    expect(early.status).toBe(401);

    expect((await post('/api/invites/lookup', { token })).body).toMatchObject({ email: 'nora@example.com', name: 'Nora Diaz', workspace: { id: WS } });
    const weak = await post('/api/invites/accept', { token, password: 'x' });
    expect(weak.status).toBe(400); // a weak password does not use the link up
    const accepted = await post('/api/invites/accept', { token, password: 'nora-password-1' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ agent: { id, email: 'nora@example.com', role: 'agent' }, workspace: { id: WS } });
    expect(app.server.directory.authenticate(String(accepted.body.token))).toMatchObject({ agentId: id });

    const again = await post('/api/invites/accept', { token, password: 'another-password' });
    expect(again.status).toBe(404);
    expect(again.body.rule).toBe('TEAM3');
    expect((await post('/api/invites/lookup', { token })).status).toBe(404);
    await app.signIn('nora@example.com', 'nora-password-1');
    await waitUntil(async () => (await indexMembers())[id]?.state === 'active', 'joined member in the index');
  });

  it('TEAM3: a new link replaces the old one; a forged token opens nothing', async () => {
    const r = await post('/api/members/invite', { email: 'omar@example.com', name: 'Omar Faruk', role: 'lead' }, admin.token);
    const first = String(r.body.invitePath).slice(8);
    const id = (r.body.member as MemberSummary).id;
    const again = await post('/api/members/reinvite', { agentId: id }, admin.token);
    expect(again.status).toBe(200);
    const second = String(again.body.invitePath).slice(8);
    expect((await post('/api/invites/accept', { token: first, password: 'omar-password-1' })).status).toBe(404);
    expect((await post('/api/invites/accept', { token: 'forged-token-123', password: 'omar-password-1' })).status).toBe(404);
    expect(member(id)?.state).toBe('invited');
    expect((await post('/api/invites/accept', { token: second, password: 'omar-password-1' })).status).toBe(200);
  });

  it('TEAM6: an admin cannot touch a member of another workspace', async () => {
    const eve = app.server.directory.findAgent('other', 'eve@example.com');
    const r = await post('/api/members/deactivate', { agentId: eve?.id }, admin.token);
    expect(r.status).toBe(404);
    expect(r.body.rule).toBe('TEAM6');
    expect(app.server.directory.getAgent(eve?.id ?? '')?.active).toBe(true);
  });

  it('TEAM2: the last admin can be neither demoted nor deactivated, not even by itself', async () => {
    const demote = await post('/api/members/role', { agentId: admin.agent.id, role: 'agent' }, admin.token);
    expect(demote.status).toBe(409);
    expect(demote.body.rule).toBe('TEAM2');
    const off = await post('/api/members/deactivate', { agentId: admin.agent.id }, admin.token);
    expect(off.status).toBe(409);
    expect(off.body.rule).toBe('TEAM2');
    expect(member(admin.agent.id)).toMatchObject({ role: 'admin', active: true });
    expect(app.server.directory.authenticate(admin.token)).not.toBeNull();
  });

  it('changes a role: the member’s open connection gets it at once', async () => {
    const { provider } = await app.openDoc(indexDoc(WS), agent.token);
    const r = await post('/api/members/role', { agentId: agent.agent.id, role: 'lead' }, admin.token);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: agent.agent.id, role: 'lead' });
    await waitUntil(async () => (await indexMembers())[agent.agent.id]?.role === 'lead', 'new role in the index');
    expect(app.server.directory.authenticate(agent.token)?.role).toBe('lead');
    expect((await post('/api/members/role', { agentId: agent.agent.id, role: 'agent' }, admin.token)).status).toBe(200);
    provider.destroy();
  });

  it('TEAM4: deactivating ends the sessions and sockets at once, blocks sign-in, releases open conversations', async () => {
    const sam = await app.signIn('sam@example.com', PASSWORD);
    const open = await app.server.conversations.createConversation({ workspaceId: WS, channel: 'webchat', contact: { id: 'c1', name: 'Maya Thompson' }, assigneeId: sam.agent.id });
    const socket = new WebSocket(`${app.baseUrl.replace(/^http/, 'ws')}/sync?token=${sam.token}`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));

    const r = await post('/api/members/deactivate', { agentId: sam.agent.id }, admin.token);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ state: 'deactivated', active: false, released: 1 });
    expect(await closed).toBe(4401);
    expect(app.server.directory.authenticate(sam.token)).toBeNull();
    const res = await fetch(`${app.baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'sam@example.com', password: PASSWORD }) });
    expect(res.status).toBe(401);
    await app.server.conversations.idle();
    const summary = await app.server.docs.read(indexDoc(WS), (doc) => doc.getMap(INDEX_ROOTS.conversations).get(open.id) as { assigneeId: string | null });
    expect(summary.assigneeId).toBeNull();
    await waitUntil(async () => (await indexMembers())[sam.agent.id]?.state === 'deactivated', 'deactivated in the index');

    const back = await post('/api/members/reactivate', { agentId: sam.agent.id }, admin.token);
    expect(back.body).toMatchObject({ state: 'active', active: true });
    await app.signIn('sam@example.com', PASSWORD);
  });
});
