import { ID_PATTERN } from '../../shared/ids.ts';
import { ROLES, type Role } from '../../shared/schema/roles.ts';
import type { MemberSummary } from '../../shared/schema/workspaceIndex.ts';
import { z } from '../../shared/zod.ts';
import type { Directory } from '../auth/Directory.ts';
import type { Principal } from '../auth/Principal.ts';
import type { Logger } from '../ops/log.ts';

/**
 * Team members (docs/rules.md, TEAM1–TEAM6): invite, change role, deactivate, reactivate.
 * Every check is made here, on the server, before the directory changes anything; a refusal
 * changes nothing.
 */
export type TeamError = 'forbidden' | 'invalid-input' | 'not-found' | 'conflict';
export type TeamResult<T> = { ok: true; value: T } | { ok: false; error: TeamError; rule: string; message: string };

export const InviteBody = z.object({
  email: z.string().check(z.trim(), z.email(), z.maxLength(320)),
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  role: z.enum(ROLES),
});
export const RoleBody = z.object({ agentId: z.string().check(z.regex(ID_PATTERN)), role: z.enum(ROLES) });
export const MemberBody = z.object({ agentId: z.string().check(z.regex(ID_PATTERN)) });

export interface TeamServiceDeps {
  directory: Directory;
  logger: Logger;
  /** Closes the agent's open sync sockets (4401) and ends what it was doing (TEAM4). */
  endSessions(agentId: string): void;
  /** Tells open connections of the agent its new role (rules read it on every update). */
  roleChanged(agentId: string, role: Role): void;
  /** Puts the agent's open conversations back to Unassigned (TEAM4). */
  releaseConversations(workspaceId: string, agentId: string, agentName: string): Promise<number>;
}

const refuse = <T>(error: TeamError, rule: string, message: string): TeamResult<T> => ({ ok: false, error, rule, message });

export interface InviteCreated {
  member: MemberSummary;
  /** Path of the one-time link (`/invite#<token>`), shown once to the admin who invited. */
  invitePath: string;
  expiresAt: number;
}

export class TeamService {
  constructor(private readonly deps: TeamServiceDeps) {}

  /** TEAM1: only admins manage the team. */
  private admin(principal: Principal): TeamResult<null> | null {
    if (principal.role !== 'admin') return refuse('forbidden', 'TEAM1', 'Only admins can manage team members');
    return null;
  }

  /** TEAM6: the member must belong to the admin's workspace. */
  private member(principal: Principal, agentId: string): TeamResult<MemberSummary> {
    const member = this.deps.directory.listMembers(principal.workspaceId).find((m) => m.id === agentId);
    if (!member) return refuse('not-found', 'TEAM6', 'No such member in this workspace');
    return { ok: true, value: member };
  }

  private memberNow(workspaceId: string, agentId: string): MemberSummary {
    const m = this.deps.directory.listMembers(workspaceId).find((x) => x.id === agentId);
    if (!m) throw new Error('member vanished');
    return m;
  }

  async invite(principal: Principal, body: unknown): Promise<TeamResult<InviteCreated>> {
    const denied = this.admin(principal);
    if (denied) return denied as TeamResult<never>;
    const parsed = InviteBody.safeParse(body);
    if (!parsed.success) return refuse('invalid-input', 'TEAM5', 'Send {email, name, role}: a valid email, a name of 1–200 characters, role admin, lead or agent');
    const { directory } = this.deps;
    const created = await directory.createAgent({ workspaceId: principal.workspaceId, ...parsed.data });
    if (!created.ok) {
      if (created.error === 'exists') return refuse('conflict', 'TEAM5', `${parsed.data.email} is already a member of this workspace`);
      return refuse('invalid-input', 'TEAM5', created.message);
    }
    const invite = directory.createInvite(created.value.id, principal.agentId);
    if (!invite.ok) return refuse('conflict', 'TEAM3', invite.message);
    this.deps.logger.info({ event: 'member_invited', workspace: principal.workspaceId, agent: created.value.id, by: principal.agentId, role: parsed.data.role });
    return {
      ok: true,
      value: { member: this.memberNow(principal.workspaceId, created.value.id), invitePath: `/invite#${invite.value.token}`, expiresAt: invite.value.expiresAt },
    };
  }

  /** A fresh invite link for a member who has not joined yet (the old link stops working). */
  reinvite(principal: Principal, body: unknown): TeamResult<InviteCreated> {
    const denied = this.admin(principal);
    if (denied) return denied as TeamResult<never>;
    const parsed = MemberBody.safeParse(body);
    if (!parsed.success) return refuse('invalid-input', 'TEAM5', 'Send {agentId}');
    const found = this.member(principal, parsed.data.agentId);
    if (!found.ok) return found as TeamResult<never>;
    if (found.value.state !== 'invited') return refuse('conflict', 'TEAM3', 'Only members who have not joined yet get an invite link');
    const invite = this.deps.directory.createInvite(found.value.id, principal.agentId);
    if (!invite.ok) return refuse('conflict', 'TEAM3', invite.message);
    this.deps.logger.info({ event: 'member_reinvited', workspace: principal.workspaceId, agent: found.value.id, by: principal.agentId });
    return { ok: true, value: { member: found.value, invitePath: `/invite#${invite.value.token}`, expiresAt: invite.value.expiresAt } };
  }

  setRole(principal: Principal, body: unknown): TeamResult<MemberSummary> {
    const denied = this.admin(principal);
    if (denied) return denied as TeamResult<never>;
    const parsed = RoleBody.safeParse(body);
    if (!parsed.success) return refuse('invalid-input', 'TEAM5', 'Send {agentId, role}: role admin, lead or agent');
    const found = this.member(principal, parsed.data.agentId);
    if (!found.ok) return found;
    const { role } = parsed.data;
    const member = found.value;
    if (member.role === role) return { ok: true, value: member };
    if (member.role === 'admin' && member.active && this.deps.directory.countActiveAdmins(principal.workspaceId) <= 1)
      return refuse('conflict', 'TEAM2', 'The last admin cannot be demoted: make someone else admin first');
    this.deps.directory.setRole(member.id, role);
    this.deps.roleChanged(member.id, role);
    this.deps.logger.info({ event: 'member_role_changed', workspace: principal.workspaceId, agent: member.id, by: principal.agentId, role });
    return { ok: true, value: this.memberNow(principal.workspaceId, member.id) };
  }

  async deactivate(principal: Principal, body: unknown): Promise<TeamResult<MemberSummary & { released: number }>> {
    const denied = this.admin(principal);
    if (denied) return denied as TeamResult<never>;
    const parsed = MemberBody.safeParse(body);
    if (!parsed.success) return refuse('invalid-input', 'TEAM5', 'Send {agentId}');
    const found = this.member(principal, parsed.data.agentId);
    if (!found.ok) return found as TeamResult<never>;
    const member = found.value;
    if (!member.active) return { ok: true, value: { ...member, released: 0 } };
    if (member.role === 'admin' && this.deps.directory.countActiveAdmins(principal.workspaceId) <= 1)
      return refuse('conflict', 'TEAM2', 'The last admin cannot be deactivated: make someone else admin first');
    this.deps.directory.deactivate(member.id);
    this.deps.endSessions(member.id);
    const released = await this.deps.releaseConversations(principal.workspaceId, member.id, member.name);
    this.deps.logger.info({ event: 'member_deactivated', workspace: principal.workspaceId, agent: member.id, by: principal.agentId, released });
    return { ok: true, value: { ...this.memberNow(principal.workspaceId, member.id), released } };
  }

  reactivate(principal: Principal, body: unknown): TeamResult<MemberSummary> {
    const denied = this.admin(principal);
    if (denied) return denied as TeamResult<never>;
    const parsed = MemberBody.safeParse(body);
    if (!parsed.success) return refuse('invalid-input', 'TEAM5', 'Send {agentId}');
    const found = this.member(principal, parsed.data.agentId);
    if (!found.ok) return found;
    this.deps.directory.reactivate(found.value.id);
    this.deps.logger.info({ event: 'member_reactivated', workspace: principal.workspaceId, agent: found.value.id, by: principal.agentId });
    return { ok: true, value: this.memberNow(principal.workspaceId, found.value.id) };
  }
}
