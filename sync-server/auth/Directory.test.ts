import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { Directory, hashToken } from './Directory.ts';

const HOUR = 60 * 60 * 1000;

describe('Directory', () => {
  let db: Database.Database;
  let clock: number;
  let dir: Directory;

  beforeEach(async () => {
    db = new Database(':memory:');
    clock = Date.UTC(2025, 0, 1);
    dir = new Directory(db, { now: () => clock });
    expect(dir.createWorkspace('acme', 'Acme Support').ok).toBe(true);
    const created = await dir.createAgent({ workspaceId: 'acme', email: 'Dana@Example.com', name: 'Dana Reyes', role: 'admin', password: 'switchboard' });
    expect(created.ok).toBe(true);
  });

  it('signs in with the email in any case and returns a session for the agent and workspace', async () => {
    const result = await dir.signIn({ email: 'DANA@example.COM', password: 'switchboard' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.agent).toMatchObject({ email: 'dana@example.com', name: 'Dana Reyes', role: 'admin', workspaceId: 'acme' });
    expect(result.value.workspace).toMatchObject({ id: 'acme', name: 'Acme Support' });
    expect(result.value.expiresAt).toBe(clock + 12 * HOUR);
    expect(dir.authenticate(result.value.token)).toEqual({
      agentId: result.value.agent.id,
      workspaceId: 'acme',
      role: 'admin',
      name: 'Dana Reyes',
      sessionId: result.value.sessionId,
    });
  });

  it('AUTH4: keeps only the SHA-256 of a session token', async () => {
    const result = await dir.signIn({ email: 'dana@example.com', password: 'switchboard' });
    if (!result.ok) throw new Error('sign-in failed');
    const rows = db.prepare('SELECT token_hash FROM sessions').all() as { token_hash: string }[];
    expect(rows).toEqual([{ token_hash: hashToken(result.value.token) }]);
    expect(JSON.stringify(db.prepare('SELECT * FROM sessions').all())).not.toContain(result.value.token);
  });

  it('gives the same generic error for an unknown email and a wrong password', async () => {
    const unknown = await dir.signIn({ email: 'nobody@example.com', password: 'switchboard' });
    const wrong = await dir.signIn({ email: 'dana@example.com', password: 'not-the-password' });
    expect(unknown).toEqual(wrong);
    expect(unknown).toEqual({ ok: false, error: 'invalid-credentials', message: 'Email or password is incorrect' });
  });

  it('AUTH1: refuses a missing, unknown or malformed token', () => {
    expect(dir.authenticate(null)).toBeNull();
    expect(dir.authenticate('')).toBeNull();
    expect(dir.authenticate('not-a-token')).toBeNull();
    expect(dir.authenticate('x'.repeat(10_000))).toBeNull();
  });

  it('AUTH1: a session expires 12 hours after its last use, and use slides the expiry', async () => {
    const result = await dir.signIn({ email: 'dana@example.com', password: 'switchboard' });
    if (!result.ok) throw new Error('sign-in failed');
    const { token } = result.value;
    clock += 11 * HOUR;
    expect(dir.authenticate(token)).not.toBeNull(); // used: now lives until +23 h
    clock += 11 * HOUR;
    expect(dir.authenticate(token)).not.toBeNull();
    clock += 12 * HOUR;
    expect(dir.authenticate(token)).toBeNull();
  });

  it('AUTH1: a session never outlives 7 days, however often it is used', async () => {
    const result = await dir.signIn({ email: 'dana@example.com', password: 'switchboard' });
    if (!result.ok) throw new Error('sign-in failed');
    for (let i = 0; i < 7 * 24 - 1; i++) {
      clock += HOUR;
      expect(dir.authenticate(result.value.token)).not.toBeNull();
    }
    clock += HOUR;
    expect(dir.authenticate(result.value.token)).toBeNull();
  });

  it('AUTH1: a revoked session stops working at once, other sessions go on', async () => {
    const a = await dir.signIn({ email: 'dana@example.com', password: 'switchboard' });
    const b = await dir.signIn({ email: 'dana@example.com', password: 'switchboard' });
    if (!a.ok || !b.ok) throw new Error('sign-in failed');
    expect(dir.revoke(a.value.token)).toBe(true);
    expect(dir.authenticate(a.value.token)).toBeNull();
    expect(dir.authenticate(b.value.token)).not.toBeNull();
    expect(dir.revoke(a.value.token)).toBe(false);
  });

  it('ends every session and refuses sign-in of a deactivated agent', async () => {
    const a = await dir.signIn({ email: 'dana@example.com', password: 'switchboard' });
    if (!a.ok) throw new Error('sign-in failed');
    dir.deactivate(a.value.agent.id);
    expect(dir.authenticate(a.value.token)).toBeNull();
    expect((await dir.signIn({ email: 'dana@example.com', password: 'switchboard' })).ok).toBe(false);
  });

  it('a new password ends old sessions and only the new password signs in', async () => {
    const a = await dir.signIn({ email: 'dana@example.com', password: 'switchboard' });
    if (!a.ok) throw new Error('sign-in failed');
    expect((await dir.setPassword(a.value.agent.id, 'another-password')).ok).toBe(true);
    expect(dir.authenticate(a.value.token)).toBeNull();
    expect((await dir.signIn({ email: 'dana@example.com', password: 'switchboard' })).ok).toBe(false);
    expect((await dir.signIn({ email: 'dana@example.com', password: 'another-password' })).ok).toBe(true);
  });

  it('a role change shows in the next authentication', async () => {
    const a = await dir.signIn({ email: 'dana@example.com', password: 'switchboard' });
    if (!a.ok) throw new Error('sign-in failed');
    dir.setRole(a.value.agent.id, 'agent');
    expect(dir.authenticate(a.value.token)?.role).toBe('agent');
  });

  it('keeps emails unique per workspace, case-insensitively, but not across workspaces', async () => {
    const again = await dir.createAgent({ workspaceId: 'acme', email: 'dana@EXAMPLE.com', name: 'Dana', role: 'agent' });
    expect(again).toMatchObject({ ok: false, error: 'exists' });
    dir.createWorkspace('other', 'Other');
    const elsewhere = await dir.createAgent({ workspaceId: 'other', email: 'dana@example.com', name: 'Dana', role: 'agent', password: 'other-password' });
    expect(elsewhere.ok).toBe(true);
    const signedIn = await dir.signIn({ email: 'dana@example.com', password: 'other-password' });
    expect(signedIn.ok && signedIn.value.workspace.id).toBe('other');
    const pinned = await dir.signIn({ email: 'dana@example.com', password: 'switchboard', workspaceId: 'other' });
    expect(pinned.ok).toBe(false);
  });

  it('refuses bad input with a typed error', async () => {
    expect(dir.createWorkspace('bad id', 'x')).toMatchObject({ ok: false, error: 'invalid-input' });
    expect(dir.createWorkspace('acme', 'Again')).toMatchObject({ ok: false, error: 'exists' });
    expect(await dir.createAgent({ workspaceId: 'nope', email: 'a@b.c', name: 'A', role: 'agent' })).toMatchObject({ ok: false, error: 'not-found' });
    expect(await dir.createAgent({ workspaceId: 'acme', email: 'not-an-email', name: 'A', role: 'agent' })).toMatchObject({ ok: false, error: 'invalid-input' });
    expect(await dir.createAgent({ workspaceId: 'acme', email: 'a@b.c', name: 'A', role: 'agent', password: 'short' })).toMatchObject({ ok: false, error: 'weak-password' });
  });

  it('an agent without a password is listed but cannot sign in', async () => {
    await dir.createAgent({ workspaceId: 'acme', email: 'new@example.com', name: 'New', role: 'agent' });
    expect(dir.listAgents('acme').map((a) => a.email)).toEqual(['dana@example.com', 'new@example.com']);
    expect((await dir.signIn({ email: 'new@example.com', password: 'anything-at-all' })).ok).toBe(false);
  });

  it('tells listeners which workspace changed', async () => {
    const changed: string[] = [];
    dir.onMembersChanged((ws) => changed.push(ws));
    await dir.createAgent({ workspaceId: 'acme', email: 'lee@example.com', name: 'Lee Chen', role: 'lead' });
    const lee = dir.findAgent('acme', 'LEE@example.com');
    if (!lee) throw new Error('missing');
    dir.setRole(lee.id, 'agent');
    dir.deactivate(lee.id);
    expect(changed).toEqual(['acme', 'acme', 'acme']);
  });
});
