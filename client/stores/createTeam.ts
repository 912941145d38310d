import { type Accessor, createMemo, createSignal } from 'solid-js';
import type { Role } from '../../shared/schema/roles.ts';
import type { MemberSummary } from '../../shared/schema/workspaceIndex.ts';
import { type ApiResult, postJson } from '../api/postJson.ts';

export interface InviteLink {
  member: MemberSummary;
  /** Full URL of the one-time link, shown once. */
  url: string;
  expiresAt: number;
}

export interface TeamStore {
  /** Members sorted: active, then invited, then deactivated; by name within each. */
  members: Accessor<MemberSummary[]>;
  isAdmin: Accessor<boolean>;
  /** Only admins; the last active admin can be neither demoted nor deactivated (TEAM2). */
  isLastAdmin(member: MemberSummary): boolean;
  busy: Accessor<boolean>;
  /** The latest outcome, announced (role=status / alert). */
  message: Accessor<{ kind: 'ok' | 'error'; text: string } | null>;
  /** The link of the invite just created, until dismissed. */
  invite: Accessor<InviteLink | null>;
  dismissInvite(): void;
  inviteMember(input: { email: string; name: string; role: Role }): Promise<boolean>;
  reinvite(member: MemberSummary): Promise<void>;
  setRole(member: MemberSummary, role: Role): Promise<void>;
  deactivate(member: MemberSummary): Promise<void>;
  reactivate(member: MemberSummary): Promise<void>;
}

const ORDER = { active: 0, invited: 1, deactivated: 2 } as const;

/** Settings > Team members: the index's live member list plus the admin actions (REST, server-checked). */
export function createTeam(options: { members: Record<string, MemberSummary>; token: string; role: Accessor<Role>; origin?: string }): TeamStore {
  const [busy, setBusy] = createSignal(false);
  const [message, setMessage] = createSignal<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [invite, setInvite] = createSignal<InviteLink | null>(null);
  const origin = options.origin ?? location.origin;

  const members = createMemo(() =>
    Object.values(options.members)
      .filter((m): m is MemberSummary => typeof m === 'object' && m !== null && typeof m.id === 'string')
      .sort((a, b) => ORDER[a.state ?? (a.active ? 'active' : 'deactivated')] - ORDER[b.state ?? (b.active ? 'active' : 'deactivated')] || a.name.localeCompare(b.name)),
  );
  const activeAdmins = () => members().filter((m) => m.role === 'admin' && m.active).length;

  const run = async <T>(request: Promise<ApiResult<T>>, ok: (value: T) => string): Promise<T | null> => {
    setBusy(true);
    setMessage(null);
    const result = await request;
    setBusy(false);
    if (!result.ok) {
      setMessage({ kind: 'error', text: result.message });
      return null;
    }
    setMessage({ kind: 'ok', text: ok(result.value) });
    return result.value;
  };
  const post = <T>(path: string, body: unknown) => postJson<T>(path, body, options.token);
  const showLink = (value: { member: MemberSummary; invitePath: string; expiresAt: number }) =>
    setInvite({ member: value.member, url: `${origin}${value.invitePath}`, expiresAt: value.expiresAt });

  return {
    members,
    isAdmin: () => options.role() === 'admin',
    isLastAdmin: (m) => m.role === 'admin' && m.active && activeAdmins() <= 1,
    busy,
    message,
    invite,
    dismissInvite: () => setInvite(null),
    async inviteMember(input) {
      const value = await run(post<{ member: MemberSummary; invitePath: string; expiresAt: number }>('/api/members/invite', input), (v) => `Invited ${v.member.name}. Copy the invite link below and send it to them.`);
      if (value) showLink(value);
      return value !== null;
    },
    async reinvite(member) {
      const value = await run(post<{ member: MemberSummary; invitePath: string; expiresAt: number }>('/api/members/reinvite', { agentId: member.id }), () => `New invite link for ${member.name}; the previous one no longer works.`);
      if (value) showLink(value);
    },
    async setRole(member, role) {
      await run(post<MemberSummary>('/api/members/role', { agentId: member.id, role }), () => `${member.name} is now ${role === 'admin' ? 'an admin' : `a ${role}`}.`);
    },
    async deactivate(member) {
      await run(post<MemberSummary & { released: number }>('/api/members/deactivate', { agentId: member.id }), (v) =>
        `${member.name} is deactivated and signed out everywhere.${v.released ? ` ${v.released} open ${v.released === 1 ? 'conversation is' : 'conversations are'} unassigned again.` : ''}`,
      );
    },
    async reactivate(member) {
      await run(post<MemberSummary>('/api/members/reactivate', { agentId: member.id }), () => `${member.name} can sign in again.`);
    },
  };
}
