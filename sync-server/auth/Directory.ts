import { createHash, randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { ID_PATTERN, newId } from '../../shared/ids.ts';
import type { MemberSummary } from '../../shared/schema/workspaceIndex.ts';
import { type Role, isRole } from '../../shared/schema/roles.ts';
import type { Principal } from './Principal.ts';
import { checkPasswordPolicy, dummyHash, hashPassword, verifyPassword } from './passwords.ts';

/**
 * Workspaces, agents and sessions, on the server's SQLite database.
 *
 * Sessions (AUTH1, AUTH4): a session token is 32 random bytes (base64url) handed to the client
 * once; the database keeps only its SHA-256. Expiry is **sliding**: a session lives
 * `idleTtlMs` (default 12 h) after its last use, and never longer than `maxAgeMs` (default
 * 7 days) after sign-in. Use is recorded at most once a minute, so authenticating is a
 * read in the common case.
 */
export type DirectoryError =
  | 'invalid-credentials'
  | 'invalid-input'
  | 'exists'
  | 'not-found'
  | 'weak-password';

export type DirectoryResult<T> = { ok: true; value: T } | { ok: false; error: DirectoryError; message: string };

export interface Workspace {
  id: string;
  name: string;
  createdAt: number;
}

export interface Agent {
  id: string;
  workspaceId: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  createdAt: number;
}

export interface Session {
  token: string;
  sessionId: string;
  expiresAt: number;
  agent: Agent;
  workspace: Workspace;
}

export interface DirectoryOptions {
  now?: () => number;
  idleTtlMs?: number;
  maxAgeMs?: number;
}

export const DEFAULT_SESSION_IDLE_TTL_MS = 12 * 60 * 60 * 1000;
export const DEFAULT_SESSION_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** How long an invite link works. */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** A new invite link's secret, handed out once (only its hash is stored). */
export interface Invite {
  token: string;
  expiresAt: number;
  agent: Agent;
}
/** Sliding expiry is written back at most this often per session. */
const TOUCH_EVERY_MS = 60_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS workspaces (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS agents (
  id            TEXT PRIMARY KEY,
  workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
  email         TEXT NOT NULL,            -- stored lower-case: unique per workspace, case-insensitive
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'lead', 'agent')),
  password_hash TEXT,                     -- scrypt$N$r$p$salt$hash (auth/passwords.ts); NULL: cannot sign in
  active        INTEGER NOT NULL DEFAULT 1,
  created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS agents_workspace_email ON agents(workspace_id, email);
CREATE INDEX IF NOT EXISTS agents_email ON agents(email);
CREATE TABLE IF NOT EXISTS sessions (
  id          TEXT PRIMARY KEY,
  token_hash  TEXT NOT NULL UNIQUE,       -- SHA-256 of the token; the token itself is never stored
  agent_id    TEXT NOT NULL REFERENCES agents(id),
  created_at  INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  revoked     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS sessions_agent ON sessions(agent_id);
-- One-time invite links (TEAM3): only the SHA-256 of the token is kept; a link works once,
-- until it expires, and a newer link for the same agent replaces the older one.
CREATE TABLE IF NOT EXISTS agent_invites (
  token_hash  TEXT PRIMARY KEY,
  agent_id    TEXT NOT NULL REFERENCES agents(id),
  created_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  used_at     INTEGER
);
CREATE INDEX IF NOT EXISTS agent_invites_agent ON agent_invites(agent_id);
`;

interface AgentRow {
  id: string;
  workspace_id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string | null;
  active: number;
  created_at: number;
}

interface SessionRow {
  id: string;
  agent_id: string;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  revoked: number;
}

const toAgent = (row: AgentRow): Agent => ({
  id: row.id,
  workspaceId: row.workspace_id,
  email: row.email,
  name: row.name,
  role: isRole(row.role) ? row.role : 'agent',
  active: row.active === 1,
  createdAt: row.created_at,
});

export const normalizeEmail = (email: string) => email.trim().toLowerCase();
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

const EMAIL = /^[^\s@]+@[^\s@]+$/;

const fail = <T>(error: DirectoryError, message: string): DirectoryResult<T> => ({ ok: false, error, message });

/** The directory of workspaces, agents and sessions. */
export class Directory {
  private readonly now: () => number;
  private readonly idleTtlMs: number;
  private readonly maxAgeMs: number;
  private readonly listeners = new Set<(workspaceId: string) => void>();

  constructor(
    private readonly db: Database,
    options: DirectoryOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.idleTtlMs = options.idleTtlMs ?? DEFAULT_SESSION_IDLE_TTL_MS;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_SESSION_MAX_AGE_MS;
    db.exec(SCHEMA);
  }

  /** Called with the workspace id after any change to its members (to refresh the index doc). */
  onMembersChanged(listener: (workspaceId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(workspaceId: string): void {
    for (const listener of this.listeners) listener(workspaceId);
  }

  // ---- workspaces -------------------------------------------------------------------------

  createWorkspace(id: string, name: string): DirectoryResult<Workspace> {
    if (!ID_PATTERN.test(id)) return fail('invalid-input', 'A workspace id is 1–64 of A-Z a-z 0-9 _ -');
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 200) return fail('invalid-input', 'A workspace name is 1–200 characters');
    if (this.getWorkspace(id)) return fail('exists', `Workspace ${id} already exists`);
    const workspace = { id, name: trimmed, createdAt: this.now() };
    this.db.prepare('INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)').run(id, trimmed, workspace.createdAt);
    this.changed(id);
    return { ok: true, value: workspace };
  }

  getWorkspace(id: string): Workspace | null {
    const row = this.db.prepare('SELECT id, name, created_at FROM workspaces WHERE id = ?').get(id) as
      | { id: string; name: string; created_at: number }
      | undefined;
    return row ? { id: row.id, name: row.name, createdAt: row.created_at } : null;
  }

  listWorkspaces(): Workspace[] {
    const rows = this.db.prepare('SELECT id, name, created_at FROM workspaces ORDER BY created_at, id').all() as {
      id: string;
      name: string;
      created_at: number;
    }[];
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
  }

  // ---- agents -----------------------------------------------------------------------------

  /** Creates an agent; without a password it exists (and is listed) but cannot sign in. */
  async createAgent(input: {
    workspaceId: string;
    email: string;
    name: string;
    role: Role;
    password?: string;
  }): Promise<DirectoryResult<Agent>> {
    const email = normalizeEmail(input.email);
    const name = input.name.trim();
    if (!this.getWorkspace(input.workspaceId)) return fail('not-found', `No workspace ${input.workspaceId}`);
    if (!EMAIL.test(email) || email.length > 320) return fail('invalid-input', 'Not an email address');
    if (!name || name.length > 200) return fail('invalid-input', 'A name is 1–200 characters');
    if (!isRole(input.role)) return fail('invalid-input', 'The role is admin, lead or agent');
    if (this.findAgent(input.workspaceId, email)) return fail('exists', `${email} is already a member of ${input.workspaceId}`);
    let hash: string | null = null;
    if (input.password !== undefined) {
      const policy = checkPasswordPolicy(input.password);
      if (!policy.ok) return fail('weak-password', policy.message);
      hash = await hashPassword(input.password);
    }
    const agent: Agent = {
      id: newId(),
      workspaceId: input.workspaceId,
      email,
      name,
      role: input.role,
      active: true,
      createdAt: this.now(),
    };
    try {
      this.db
        .prepare(
          'INSERT INTO agents (id, workspace_id, email, name, role, password_hash, active, created_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?)',
        )
        .run(agent.id, agent.workspaceId, email, name, agent.role, hash, agent.createdAt);
    } catch (err) {
      // Lost a race with another writer (the admin CLI is a second process).
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
        return fail('exists', `${email} is already a member of ${input.workspaceId}`);
      throw err;
    }
    this.changed(agent.workspaceId);
    return { ok: true, value: agent };
  }

  getAgent(id: string): Agent | null {
    const row = this.db.prepare('SELECT * FROM agents WHERE id = ?').get(id) as AgentRow | undefined;
    return row ? toAgent(row) : null;
  }

  findAgent(workspaceId: string, email: string): Agent | null {
    const row = this.db
      .prepare('SELECT * FROM agents WHERE workspace_id = ? AND email = ?')
      .get(workspaceId, normalizeEmail(email)) as AgentRow | undefined;
    return row ? toAgent(row) : null;
  }

  listAgents(workspaceId: string): Agent[] {
    const rows = this.db
      .prepare('SELECT * FROM agents WHERE workspace_id = ? ORDER BY created_at, email')
      .all(workspaceId) as AgentRow[];
    return rows.map(toAgent);
  }

  /** The members map of the workspace index document, as the directory has it. */
  listMembers(workspaceId: string): MemberSummary[] {
    const rows = this.db
      .prepare('SELECT * FROM agents WHERE workspace_id = ? ORDER BY created_at, email')
      .all(workspaceId) as AgentRow[];
    return rows.map((r) => {
      const a = toAgent(r);
      const state = !a.active ? 'deactivated' : r.password_hash === null ? 'invited' : 'active';
      return { id: a.id, name: a.name, email: a.email, role: a.role, active: a.active, state };
    });
  }

  /** Active admins of a workspace (TEAM2 keeps at least one). */
  countActiveAdmins(workspaceId: string): number {
    const row = this.db
      .prepare(`SELECT COUNT(*) AS n FROM agents WHERE workspace_id = ? AND role = 'admin' AND active = 1`)
      .get(workspaceId) as { n: number };
    return row.n;
  }

  // ---- invites ----------------------------------------------------------------------------

  /**
   * A one-time invite link for an agent that has no password yet (TEAM3). Any older link of the
   * agent stops working. The token is returned once; only its hash is stored.
   */
  createInvite(agentId: string, createdBy: string): DirectoryResult<Invite> {
    const row = this.db.prepare('SELECT * FROM agents WHERE id = ?').get(agentId) as AgentRow | undefined;
    if (!row) return fail('not-found', 'No such agent');
    if (row.password_hash !== null) return fail('exists', 'This member has already joined');
    if (row.active !== 1) return fail('invalid-input', 'This member is deactivated');
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const expiresAt = now + INVITE_TTL_MS;
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM agent_invites WHERE agent_id = ?').run(agentId);
      this.db
        .prepare('INSERT INTO agent_invites (token_hash, agent_id, created_by, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, NULL)')
        .run(hashToken(token), agentId, createdBy, now, expiresAt);
    })();
    return { ok: true, value: { token, expiresAt, agent: toAgent(row) } };
  }

  /** The agent and workspace an invite token is for, while it is unused and unexpired. */
  findInvite(token: string | null): { agent: Agent; workspace: Workspace; expiresAt: number } | null {
    if (!token || token.length > 200) return null;
    const invite = this.db
      .prepare('SELECT agent_id, expires_at, used_at FROM agent_invites WHERE token_hash = ?')
      .get(hashToken(token)) as { agent_id: string; expires_at: number; used_at: number | null } | undefined;
    if (!invite || invite.used_at !== null || invite.expires_at <= this.now()) return null;
    const row = this.db.prepare('SELECT * FROM agents WHERE id = ?').get(invite.agent_id) as AgentRow | undefined;
    if (!row || row.active !== 1 || row.password_hash !== null) return null;
    const workspace = this.getWorkspace(row.workspace_id);
    if (!workspace) return null;
    return { agent: toAgent(row), workspace, expiresAt: invite.expires_at };
  }

  /** Accepts an invite: sets the password the invitee chose, uses the link up, and signs in. */
  async acceptInvite(token: string, password: string): Promise<DirectoryResult<Session>> {
    const found = this.findInvite(token);
    if (!found) return fail('not-found', 'This invite link is invalid, used or expired. Ask an admin for a new one.');
    const policy = checkPasswordPolicy(password);
    if (!policy.ok) return fail('weak-password', policy.message);
    const hash = await hashPassword(password);
    // Used up atomically: of two tabs accepting at once, one wins.
    const used = this.db
      .prepare('UPDATE agent_invites SET used_at = ? WHERE token_hash = ? AND used_at IS NULL')
      .run(this.now(), hashToken(token));
    if (used.changes !== 1) return fail('not-found', 'This invite link is invalid, used or expired. Ask an admin for a new one.');
    this.db.prepare('UPDATE agents SET password_hash = ? WHERE id = ? AND password_hash IS NULL').run(hash, found.agent.id);
    this.changed(found.agent.workspaceId);
    return { ok: true, value: this.openSession(found.agent, found.workspace) };
  }

  /** Sets a new password and ends every session of the agent. */
  async setPassword(agentId: string, password: string): Promise<DirectoryResult<Agent>> {
    const agent = this.getAgent(agentId);
    if (!agent) return fail('not-found', 'No such agent');
    const policy = checkPasswordPolicy(password);
    if (!policy.ok) return fail('weak-password', policy.message);
    const hash = await hashPassword(password);
    this.db.prepare('UPDATE agents SET password_hash = ? WHERE id = ?').run(hash, agentId);
    this.revokeAgentSessions(agentId);
    return { ok: true, value: agent };
  }

  setRole(agentId: string, role: Role): DirectoryResult<Agent> {
    const agent = this.getAgent(agentId);
    if (!agent) return fail('not-found', 'No such agent');
    if (!isRole(role)) return fail('invalid-input', 'The role is admin, lead or agent');
    this.db.prepare('UPDATE agents SET role = ? WHERE id = ?').run(role, agentId);
    this.changed(agent.workspaceId);
    return { ok: true, value: { ...agent, role } };
  }

  /** Deactivates an agent: it can no longer sign in and its sessions end now. */
  deactivate(agentId: string): DirectoryResult<Agent> {
    const agent = this.getAgent(agentId);
    if (!agent) return fail('not-found', 'No such agent');
    this.db.prepare('UPDATE agents SET active = 0 WHERE id = ?').run(agentId);
    this.db.prepare('DELETE FROM agent_invites WHERE agent_id = ?').run(agentId);
    this.revokeAgentSessions(agentId);
    this.changed(agent.workspaceId);
    return { ok: true, value: { ...agent, active: false } };
  }

  /** Lets a deactivated agent sign in again (with its old password, or a new invite). */
  reactivate(agentId: string): DirectoryResult<Agent> {
    const agent = this.getAgent(agentId);
    if (!agent) return fail('not-found', 'No such agent');
    this.db.prepare('UPDATE agents SET active = 1 WHERE id = ?').run(agentId);
    this.changed(agent.workspaceId);
    return { ok: true, value: { ...agent, active: true } };
  }

  // ---- sessions ---------------------------------------------------------------------------

  /**
   * Signs in with email and password. Unknown email, inactive agent and wrong password give the
   * same error after the same work (one scrypt check). Without `workspaceId` the email is looked
   * up in every workspace; the first (oldest) membership whose password matches wins.
   */
  async signIn(input: { email: string; password: string; workspaceId?: string }): Promise<DirectoryResult<Session>> {
    const email = normalizeEmail(input.email);
    const rows = (
      input.workspaceId
        ? this.db.prepare('SELECT * FROM agents WHERE email = ? AND workspace_id = ? AND active = 1').all(email, input.workspaceId)
        : this.db.prepare('SELECT * FROM agents WHERE email = ? AND active = 1 ORDER BY created_at').all(email)
    ) as AgentRow[];
    let match: AgentRow | undefined;
    if (rows.length === 0) await verifyPassword(input.password, await dummyHash());
    for (const row of rows) {
      if (await verifyPassword(input.password, row.password_hash ?? (await dummyHash()))) {
        if (row.password_hash) match = row;
        break;
      }
    }
    if (!match) return fail('invalid-credentials', 'Email or password is incorrect');
    const workspace = this.getWorkspace(match.workspace_id);
    if (!workspace) return fail('invalid-credentials', 'Email or password is incorrect');
    const session = this.openSession(toAgent(match), workspace);
    // The admin CLI may have changed members while the server ran: refresh the index's copy.
    this.changed(workspace.id);
    return { ok: true, value: session };
  }

  private openSession(agent: Agent, workspace: Workspace): Session {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const sessionId = newId();
    const expiresAt = Math.min(now + this.idleTtlMs, now + this.maxAgeMs);
    this.db
      .prepare(
        'INSERT INTO sessions (id, token_hash, agent_id, created_at, last_used_at, expires_at, revoked) VALUES (?, ?, ?, ?, ?, ?, 0)',
      )
      .run(sessionId, hashToken(token), agent.id, now, now, expiresAt);
    // Old sessions are kept a while for support questions, then dropped.
    this.db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(now - 30 * 24 * 60 * 60 * 1000);
    return { token, sessionId, expiresAt, agent, workspace };
  }

  /** AUTH1: the principal of a live session token, or null (absent, unknown, expired, revoked, inactive). */
  authenticate(token: string | null): Principal | null {
    const found = this.lookup(token);
    if (!found) return null;
    const { session, agent } = found;
    const now = this.now();
    if (now - session.last_used_at >= TOUCH_EVERY_MS) {
      const expiresAt = Math.min(now + this.idleTtlMs, session.created_at + this.maxAgeMs);
      this.db.prepare('UPDATE sessions SET last_used_at = ?, expires_at = ? WHERE id = ?').run(now, expiresAt, session.id);
    }
    return { agentId: agent.id, workspaceId: agent.workspaceId, role: agent.role, name: agent.name, sessionId: session.id };
  }

  /** The session behind a live token (for GET /api/session), or null. */
  session(token: string | null): Omit<Session, 'token'> | null {
    const principal = this.authenticate(token);
    if (!principal) return null;
    const found = this.lookup(token);
    const workspace = this.getWorkspace(principal.workspaceId);
    if (!found || !workspace) return null;
    return { sessionId: found.session.id, expiresAt: found.session.expires_at, agent: found.agent, workspace };
  }

  /** Signs out: the token stops working at once. True when it was a live session. */
  revoke(token: string): boolean {
    const result = this.db.prepare('UPDATE sessions SET revoked = 1 WHERE token_hash = ? AND revoked = 0').run(hashToken(token));
    return result.changes > 0;
  }

  revokeAgentSessions(agentId: string): number {
    return this.db.prepare('UPDATE sessions SET revoked = 1 WHERE agent_id = ? AND revoked = 0').run(agentId).changes;
  }

  private lookup(token: string | null): { session: SessionRow; agent: Agent } | null {
    if (!token || token.length > 200) return null;
    const session = this.db
      .prepare('SELECT id, agent_id, created_at, last_used_at, expires_at, revoked FROM sessions WHERE token_hash = ?')
      .get(hashToken(token)) as SessionRow | undefined;
    if (!session || session.revoked || session.expires_at <= this.now()) return null;
    const agent = this.getAgent(session.agent_id);
    if (!agent || !agent.active) return null;
    return { session, agent };
  }
}
