import type { Database } from 'better-sqlite3';
import { indexDoc } from '../../shared/ids.ts';
import {
  CONTACT_LIMITS,
  type ContactChanges,
  type ContactIdentity,
  ContactMergeRequest,
  type ContactProfile,
  ContactUpdateRequest,
  type IdentityKind,
  normalizeEmail,
  normalizePhone,
} from '../../shared/schema/contact.ts';
import type { Contact } from '../../shared/schema/conversation.ts';
import { canManage } from '../../shared/schema/roles.ts';
import { type ConversationSummary, INDEX_ROOTS } from '../../shared/schema/workspaceIndex.ts';
import type { Principal } from '../auth/Principal.ts';
import type { DocHost } from '../docs/DocHost.ts';
import type { Logger } from '../ops/log.ts';

const ACTOR = 'contacts';
/** A stored profile (JSON) is at most this large (CON2). */
export const MAX_PROFILE_BYTES = 32 * 1024;

const SCHEMA = `
-- The authority on contacts; the index document's \`contacts\` map mirrors the live ones.
CREATE TABLE IF NOT EXISTS contacts (
  workspace_id TEXT NOT NULL,
  id           TEXT NOT NULL,
  profile      TEXT NOT NULL,            -- ContactProfile JSON (shared/schema/contact.ts)
  merged_into  TEXT,                     -- set when merged into another contact (then not listed)
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
-- How a contact is recognised: inbound on any identity finds it (phone, email, former ids).
CREATE TABLE IF NOT EXISTS contact_identities (
  workspace_id TEXT NOT NULL,
  kind         TEXT NOT NULL,
  value        TEXT NOT NULL,
  contact_id   TEXT NOT NULL,
  PRIMARY KEY (workspace_id, kind, value)
);
-- Append-only: who created, edited or merged which contact, when.
CREATE TABLE IF NOT EXISTS contact_history (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id TEXT NOT NULL,
  contact_id   TEXT NOT NULL,
  action       TEXT NOT NULL,             -- created | updated | merged
  agent_id     TEXT,
  at           INTEGER NOT NULL,
  detail       TEXT NOT NULL              -- JSON: changed field names, or the merged contact
);
`;

export type ContactError = 'forbidden' | 'invalid-input' | 'not-found' | 'conflict';
export type ContactResult<T> = { ok: true; value: T } | { ok: false; error: ContactError; rule: string; message: string };
const refuse = <T>(error: ContactError, rule: string, message: string): ContactResult<T> => ({ ok: false, error, rule, message });

/** What the contact book needs from the conversation service (set once both exist). */
export interface ContactConversations {
  /** Points a conversation at a contact (meta.contact, summary) with an optional history line. */
  relinkContact(workspaceId: string, conversationId: string, contact: { id: string; name: string }, history: string | null): Promise<void>;
}

interface Row {
  id: string;
  profile: string;
  merged_into: string | null;
}

/**
 * Contact profiles of every workspace: created with a contact's first conversation (or found
 * again by one of its identities), edited by agents, merged by leads and admins. Every change is
 * validated here (CON1–CON6), stored in SQLite, recorded in `contact_history`, mirrored into the
 * index document (live for everyone) and, where the name changes, into the conversations' summaries.
 */
export class ContactBook {
  private conversations: ContactConversations | null = null;
  private readonly registering = new Map<string, Promise<Contact>>();

  constructor(
    private readonly db: Database,
    private readonly docs: DocHost,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    db.exec(SCHEMA);
  }

  useConversations(conversations: ContactConversations): void {
    this.conversations = conversations;
  }

  // ---- reading ----------------------------------------------------------------------------

  /** The live profile of a contact id, following merges; null when unknown. */
  get(workspaceId: string, id: string): ContactProfile | null {
    const resolved = this.resolve(workspaceId, id);
    if (!resolved) return null;
    return JSON.parse(resolved.profile) as ContactProfile;
  }

  private row(workspaceId: string, id: string): Row | null {
    return (this.db.prepare('SELECT id, profile, merged_into FROM contacts WHERE workspace_id = ? AND id = ?').get(workspaceId, id) as Row | undefined) ?? null;
  }

  /** Follows `merged_into` to the live contact (at most a few hops; a cycle cannot be made). */
  private resolve(workspaceId: string, id: string): Row | null {
    let row = this.row(workspaceId, id);
    for (let hops = 0; row?.merged_into && hops < 20; hops++) row = this.row(workspaceId, row.merged_into);
    return row && !row.merged_into ? row : null;
  }

  private byIdentity(workspaceId: string, kind: IdentityKind, value: string | null): Row | null {
    if (!value) return null;
    const hit = this.db.prepare('SELECT contact_id FROM contact_identities WHERE workspace_id = ? AND kind = ? AND value = ?').get(workspaceId, kind, value) as
      | { contact_id: string }
      | undefined;
    return hit ? this.resolve(workspaceId, hit.contact_id) : null;
  }

  // ---- registering --------------------------------------------------------------------------

  /**
   * The contact a new conversation is with: an existing one found by id or by an identity (its
   * phone, email, or a former id), else a new profile from what the channel knows. Resolves to
   * the conversation's `meta.contact`: the profile's id and name, the channel's own address.
   */
  register(workspaceId: string, seed: Contact): Promise<Contact> {
    const key = `${workspaceId}\u0000${seed.id}`;
    const running = this.registering.get(key);
    if (running) return running;
    const task = this.registerNow(workspaceId, seed).finally(() => this.registering.delete(key));
    this.registering.set(key, task);
    return task;
  }

  private async registerNow(workspaceId: string, seed: Contact): Promise<Contact> {
    const phone = normalizePhone(seed.phone);
    const email = normalizeEmail(seed.email);
    const found =
      this.resolve(workspaceId, seed.id) ??
      this.byIdentity(workspaceId, 'id', seed.id) ??
      this.byIdentity(workspaceId, 'phone', phone) ??
      this.byIdentity(workspaceId, 'email', email);
    const toMeta = (p: ContactProfile): Contact => ({ ...seed, id: p.id, name: p.name });
    if (found) {
      const profile = JSON.parse(found.profile) as ContactProfile;
      const added = this.addIdentities(workspaceId, profile, [
        ...(seed.id !== profile.id ? [{ kind: 'id' as const, value: seed.id }] : []),
        ...(phone ? [{ kind: 'phone' as const, value: phone }] : []),
        ...(email ? [{ kind: 'email' as const, value: email }] : []),
      ]);
      if (added) await this.store(workspaceId, added, null);
      return toMeta(added ?? profile);
    }
    const at = this.now();
    const profile: ContactProfile = {
      id: seed.id,
      name: seed.name.trim().slice(0, CONTACT_LIMITS.name) || 'Unknown contact',
      ...(email ? { email } : {}),
      ...(phone ? { phone } : {}),
      attributes: {},
      identities: [],
      createdAt: at,
      updatedAt: at,
      updatedBy: null,
    };
    const withIds = this.addIdentities(workspaceId, profile, [
      { kind: 'id', value: seed.id },
      ...(phone ? [{ kind: 'phone' as const, value: phone }] : []),
      ...(email ? [{ kind: 'email' as const, value: email }] : []),
    ]) ?? profile;
    this.db
      .prepare('INSERT OR IGNORE INTO contacts (workspace_id, id, profile, merged_into, created_at, updated_at) VALUES (?, ?, ?, NULL, ?, ?)')
      .run(workspaceId, profile.id, JSON.stringify(withIds), at, at);
    this.history(workspaceId, profile.id, 'created', null, {});
    await this.mirror(workspaceId, withIds);
    return toMeta(withIds);
  }

  /** Claims identities nobody else has for the profile; returns the new profile, or null if none was added. */
  private addIdentities(workspaceId: string, profile: ContactProfile, wanted: ContactIdentity[]): ContactProfile | null {
    const added: ContactIdentity[] = [];
    for (const identity of wanted) {
      if (profile.identities.some((i) => i.kind === identity.kind && i.value === identity.value)) continue;
      if (profile.identities.length + added.length >= CONTACT_LIMITS.identities) break;
      const result = this.db
        .prepare('INSERT OR IGNORE INTO contact_identities (workspace_id, kind, value, contact_id) VALUES (?, ?, ?, ?)')
        .run(workspaceId, identity.kind, identity.value, profile.id);
      if (result.changes === 1) added.push(identity);
    }
    return added.length ? { ...profile, identities: [...profile.identities, ...added] } : null;
  }

  /**
   * Contacts of conversations that existed before profiles did (an older data directory): one
   * profile each, from the summary's name, so every conversation has one to show and edit.
   */
  async backfill(workspaceId: string): Promise<number> {
    const missing = await this.docs.read(indexDoc(workspaceId), (doc) => {
      const seen = new Map<string, string>();
      doc.getMap<ConversationSummary>(INDEX_ROOTS.conversations).forEach((s) => {
        if (s && typeof s.contactId === 'string' && !seen.has(s.contactId)) seen.set(s.contactId, s.contactName);
      });
      return [...seen].filter(([id]) => !this.row(workspaceId, id));
    });
    for (const [id, name] of missing) await this.register(workspaceId, { id, name: name || 'Unknown contact' });
    if (missing.length) this.logger.info({ event: 'contacts_backfilled', workspace: workspaceId, count: missing.length });
    return missing.length;
  }

  // ---- editing ------------------------------------------------------------------------------

  /** An agent's edit of a profile (CON2, CON3, CON5). */
  async update(principal: Principal, body: unknown): Promise<ContactResult<ContactProfile>> {
    const parsed = ContactUpdateRequest.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.filter((p) => p !== 'changes').join('.') || 'request';
      return refuse('invalid-input', 'CON2', `${where}: ${issue?.message ?? 'invalid'}`);
    }
    const { contactId, changes } = parsed.data;
    const row = this.row(principal.workspaceId, contactId);
    if (!row || row.merged_into) return refuse('not-found', 'CON3', row ? 'This contact was merged into another one' : 'No such contact in this workspace');
    const current = JSON.parse(row.profile) as ContactProfile;
    const next = applyChanges(current, changes);
    if (Buffer.byteLength(JSON.stringify(next)) > MAX_PROFILE_BYTES) return refuse('invalid-input', 'CON2', 'The profile would be too large');
    if (Object.keys(next.attributes).length > CONTACT_LIMITS.attributes) return refuse('invalid-input', 'CON2', `A contact has at most ${CONTACT_LIMITS.attributes} attributes`);

    // CON5: an address that already identifies someone else is not taken over by an edit.
    const wanted: ContactIdentity[] = [];
    const phone = changes.phone ? normalizePhone(changes.phone) : null;
    const email = changes.email ? normalizeEmail(changes.email) : null;
    if (phone) wanted.push({ kind: 'phone', value: phone });
    if (email) wanted.push({ kind: 'email', value: email });
    for (const identity of wanted) {
      const owner = this.byIdentity(principal.workspaceId, identity.kind, identity.value);
      if (owner && owner.id !== contactId) {
        const other = JSON.parse(owner.profile) as ContactProfile;
        return refuse('conflict', 'CON5', `${identity.value} belongs to ${other.name}: merge the two contacts instead`);
      }
    }
    const changed = (Object.keys(changes) as Array<keyof ContactChanges>).filter((k) => JSON.stringify(current[k] ?? '') !== JSON.stringify(next[k] ?? ''));
    if (changed.length === 0) return { ok: true, value: current };
    const stored = { ...(this.addIdentities(principal.workspaceId, next, wanted) ?? next), updatedAt: this.now(), updatedBy: principal.agentId };
    await this.store(principal.workspaceId, stored, principal.agentId);
    this.history(principal.workspaceId, contactId, 'updated', principal.agentId, { fields: changed });
    if (stored.name !== current.name) await this.relinkConversations(principal.workspaceId, [contactId], stored, null);
    this.logger.info({ event: 'contact_updated', workspace: principal.workspaceId, contact: contactId, agent: principal.agentId, fields: changed });
    return { ok: true, value: stored };
  }

  /**
   * Merges `sourceId` into `targetId` (CON4, CON6): the target's fields win, the source fills what
   * the target lacks, attributes and identities are united; the source's conversations show the
   * target from now on, each with a history line; new inbound on any identity finds the target.
   */
  async merge(principal: Principal, body: unknown): Promise<ContactResult<ContactProfile>> {
    if (!canManage(principal.role)) return refuse('forbidden', 'CON4', 'Only admins and leads can merge contacts');
    const parsed = ContactMergeRequest.safeParse(body);
    if (!parsed.success) return refuse('invalid-input', 'CON6', 'Send {targetId, sourceId}');
    const { targetId, sourceId } = parsed.data;
    const ws = principal.workspaceId;
    if (targetId === sourceId) return refuse('invalid-input', 'CON6', 'A contact cannot be merged into itself');
    const target = this.row(ws, targetId);
    const source = this.row(ws, sourceId);
    if (!target || !source || target.merged_into || source.merged_into) return refuse('not-found', 'CON6', 'Both contacts must exist in this workspace and not be merged already');
    const t = JSON.parse(target.profile) as ContactProfile;
    const s = JSON.parse(source.profile) as ContactProfile;
    const merged: ContactProfile = {
      ...t,
      firstName: t.firstName || s.firstName,
      lastName: t.lastName || s.lastName,
      email: t.email || s.email,
      phone: t.phone || s.phone,
      company: t.company || s.company,
      attributes: { ...s.attributes, ...t.attributes },
      identities: [...t.identities],
      updatedAt: this.now(),
      updatedBy: principal.agentId,
    };
    for (const key of ['firstName', 'lastName', 'email', 'phone', 'company'] as const) if (!merged[key]) delete merged[key];
    const moved = [...s.identities, { kind: 'id' as const, value: s.id }].filter((i) => !merged.identities.some((m) => m.kind === i.kind && m.value === i.value));
    merged.identities.push(...moved);
    merged.identities = merged.identities.slice(0, CONTACT_LIMITS.identities * 2);
    this.db.transaction(() => {
      this.db.prepare('UPDATE contact_identities SET contact_id = ? WHERE workspace_id = ? AND contact_id = ?').run(targetId, ws, sourceId);
      this.db.prepare('INSERT OR REPLACE INTO contact_identities (workspace_id, kind, value, contact_id) VALUES (?, ?, ?, ?)').run(ws, 'id', sourceId, targetId);
      this.db.prepare('UPDATE contacts SET merged_into = ?, updated_at = ? WHERE workspace_id = ? AND id = ?').run(targetId, merged.updatedAt, ws, sourceId);
      this.db.prepare('UPDATE contacts SET profile = ?, updated_at = ? WHERE workspace_id = ? AND id = ?').run(JSON.stringify(merged), merged.updatedAt, ws, targetId);
    })();
    this.history(ws, targetId, 'merged', principal.agentId, { merged: sourceId, name: s.name });
    await this.docs.change(indexDoc(ws), ACTOR, (doc) => {
      const map = doc.getMap<ContactProfile>(INDEX_ROOTS.contacts);
      map.delete(sourceId);
      map.set(targetId, merged);
    });
    const line = `Contact merged by ${principal.name}: ${s.name} and ${t.name} are one contact now`;
    const relinked = await this.relinkConversations(ws, [sourceId, targetId], merged, line);
    this.logger.info({ event: 'contacts_merged', workspace: ws, target: targetId, source: sourceId, agent: principal.agentId, conversations: relinked });
    return { ok: true, value: merged };
  }

  // ---- storing ------------------------------------------------------------------------------

  private async store(workspaceId: string, profile: ContactProfile, _agentId: string | null): Promise<void> {
    this.db.prepare('UPDATE contacts SET profile = ?, updated_at = ? WHERE workspace_id = ? AND id = ?').run(JSON.stringify(profile), profile.updatedAt, workspaceId, profile.id);
    await this.mirror(workspaceId, profile);
  }

  /** IDX1/CON1: the index's copy, written only here (one whole value per contact). */
  private mirror(workspaceId: string, profile: ContactProfile): Promise<void> {
    return this.docs.change(indexDoc(workspaceId), ACTOR, (doc) => {
      doc.getMap<ContactProfile>(INDEX_ROOTS.contacts).set(profile.id, profile);
    });
  }

  private history(workspaceId: string, contactId: string, action: string, agentId: string | null, detail: unknown): void {
    this.db
      .prepare('INSERT INTO contact_history (workspace_id, contact_id, action, agent_id, at, detail) VALUES (?, ?, ?, ?, ?, ?)')
      .run(workspaceId, contactId, action, agentId, this.now(), JSON.stringify(detail));
  }

  /** The history of a contact, oldest first (tests, support). */
  historyOf(workspaceId: string, contactId: string): Array<{ action: string; agentId: string | null; detail: unknown }> {
    return (
      this.db.prepare('SELECT action, agent_id, detail FROM contact_history WHERE workspace_id = ? AND contact_id = ? ORDER BY seq').all(workspaceId, contactId) as Array<{
        action: string;
        agent_id: string | null;
        detail: string;
      }>
    ).map((r) => ({ action: r.action, agentId: r.agent_id, detail: JSON.parse(r.detail) as unknown }));
  }

  /** Points every conversation of `contactIds` at `profile`; resolves to how many there were. */
  private async relinkConversations(workspaceId: string, contactIds: string[], profile: ContactProfile, history: string | null): Promise<number> {
    const ids = new Set(contactIds);
    const conversations = await this.docs.read(indexDoc(workspaceId), (doc) => {
      const found: string[] = [];
      doc.getMap<ConversationSummary>(INDEX_ROOTS.conversations).forEach((s, id) => {
        if (s && ids.has(s.contactId)) found.push(id);
      });
      return found;
    });
    const service = this.conversations;
    if (service) await Promise.all(conversations.map((id) => service.relinkContact(workspaceId, id, { id: profile.id, name: profile.name }, history)));
    return conversations.length;
  }
}

/** The profile after an edit: empty strings clear optional fields, null attributes are removed. */
export function applyChanges(current: ContactProfile, changes: ContactChanges): ContactProfile {
  const next: ContactProfile = { ...current, attributes: { ...current.attributes } };
  if (changes.name !== undefined) next.name = changes.name;
  for (const key of ['firstName', 'lastName', 'email', 'phone', 'company'] as const) {
    const value = changes[key];
    if (value === undefined) continue;
    if (value === '') delete next[key];
    else next[key] = key === 'email' ? value.toLowerCase() : value;
  }
  for (const [key, value] of Object.entries(changes.attributes ?? {})) {
    if (value === null || value === '') delete next.attributes[key];
    else next.attributes[key] = value;
  }
  return next;
}
