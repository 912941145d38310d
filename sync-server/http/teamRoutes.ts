import type { SessionInfo } from '../../shared/protocol/rest.ts';
import { z } from '../../shared/zod.ts';
import type { Directory } from '../auth/Directory.ts';
import type { Principal } from '../auth/Principal.ts';
import type { Logger } from '../ops/log.ts';
import type { TeamResult, TeamService } from '../team/TeamService.ts';
import type { RateLimiter } from './RateLimiter.ts';
import { type ApiErrorCode, bearerToken, readJson, sendError, sendJson } from './responses.ts';
import type { HttpContext, Router } from './Router.ts';

const STATUS: Record<string, { status: number; code: ApiErrorCode }> = {
  forbidden: { status: 403, code: 'forbidden' },
  'invalid-input': { status: 400, code: 'invalid-request' },
  'not-found': { status: 404, code: 'not-found' },
  conflict: { status: 409, code: 'conflict' },
};

/** Answers a service result: 200 with the value, or the refusal with its rule ID. */
export function sendResult<T>(res: HttpContext['res'], result: { ok: true; value: T } | { ok: false; error: string; rule: string; message: string }): void {
  if (result.ok) return sendJson(res, 200, result.value);
  const s = STATUS[result.error] ?? { status: 400, code: 'invalid-request' as const };
  sendJson(res, s.status, { error: s.code, message: result.message, rule: result.rule });
}

/** The principal of a request's bearer token (AUTH1), or answers 401 and returns null. */
export function requirePrincipal(ctx: HttpContext, directory: Directory): Principal | null {
  const principal = directory.authenticate(bearerToken(ctx.req));
  if (!principal) sendError(ctx.res, 401, 'unauthorized', 'Sign in again', { 'www-authenticate': 'Bearer' });
  return principal;
}

const InviteToken = z.object({ token: z.string().check(z.minLength(1), z.maxLength(200)) });
const AcceptBody = z.extend(InviteToken, { password: z.string().check(z.minLength(1), z.maxLength(500)) });

/**
 * Team members (admins; TEAM1–TEAM6) and invite links:
 *   POST /api/members/invite       {email, name, role} → {member, invitePath, expiresAt}
 *   POST /api/members/reinvite     {agentId} → a new link (the old one stops working)
 *   POST /api/members/role         {agentId, role} → member
 *   POST /api/members/deactivate   {agentId} → member (sessions end now)
 *   POST /api/members/reactivate   {agentId} → member
 *   POST /api/invites/lookup       {token} → {email, name, workspace}   (no session needed)
 *   POST /api/invites/accept       {token, password} → SessionInfo      (no session needed)
 * The member list itself is the index document's `members` map, live for everyone.
 */
export function teamRoutes(router: Router, deps: { directory: Directory; team: TeamService; logger: Logger; inviteFailures: RateLimiter }): void {
  const { directory, team, inviteFailures } = deps;
  const route = (path: string, run: (principal: Principal, body: unknown) => TeamResult<unknown> | Promise<TeamResult<unknown>>) =>
    router.on('POST', path, async (ctx) => {
      const principal = requirePrincipal(ctx, directory);
      if (!principal) return;
      const body = await readJson(ctx.req, 4096);
      if (!body.ok) return sendError(ctx.res, body.status, body.error, body.message);
      const result = await run(principal, body.value);
      if (!result.ok) deps.logger.info({ event: 'team_refused', rule: result.rule, agent: principal.agentId });
      sendResult(ctx.res, result);
    });
  route('/api/members/invite', (p, b) => team.invite(p, b));
  route('/api/members/reinvite', (p, b) => team.reinvite(p, b));
  route('/api/members/role', (p, b) => team.setRole(p, b));
  route('/api/members/deactivate', (p, b) => team.deactivate(p, b));
  route('/api/members/reactivate', (p, b) => team.reactivate(p, b));

  const inviteRoute = (path: string, run: (ctx: HttpContext, body: unknown) => Promise<void> | void) =>
    router.on('POST', path, async (ctx) => {
      const address = ctx.req.socket.remoteAddress ?? 'unknown';
      if (inviteFailures.blocked(address))
        return sendError(ctx.res, 429, 'rate-limited', 'Too many failed attempts; try again in a few minutes', { 'retry-after': '300' });
      const body = await readJson(ctx.req, 4096);
      if (!body.ok) return sendError(ctx.res, body.status, body.error, body.message);
      await run(ctx, body.value);
      if (ctx.res.statusCode === 404) inviteFailures.hit(address);
    });
  inviteRoute('/api/invites/lookup', ({ res }, body) => {
    const parsed = InviteToken.safeParse(body);
    const found = parsed.success ? directory.findInvite(parsed.data.token) : null;
    if (!found) return sendJson(res, 404, { error: 'not-found', message: 'This invite link is invalid, used or expired. Ask an admin for a new one.', rule: 'TEAM3' });
    sendJson(res, 200, { email: found.agent.email, name: found.agent.name, role: found.agent.role, workspace: { id: found.workspace.id, name: found.workspace.name }, expiresAt: found.expiresAt });
  });
  inviteRoute('/api/invites/accept', async ({ res }, body) => {
    const parsed = AcceptBody.safeParse(body);
    if (!parsed.success) return sendError(res, 400, 'invalid-request', 'Send {token, password}');
    const result = await directory.acceptInvite(parsed.data.token, parsed.data.password);
    if (!result.ok) {
      if (result.error === 'weak-password') return sendJson(res, 400, { error: 'invalid-request', message: result.message, rule: 'TEAM3' });
      return sendJson(res, 404, { error: 'not-found', message: result.message, rule: 'TEAM3' });
    }
    const s = result.value;
    deps.logger.info({ event: 'invite_accepted', agent: s.agent.id, workspace: s.workspace.id });
    const info: SessionInfo = {
      token: s.token,
      expiresAt: s.expiresAt,
      agent: { id: s.agent.id, name: s.agent.name, email: s.agent.email, role: s.agent.role },
      workspace: { id: s.workspace.id, name: s.workspace.name },
    };
    sendJson(res, 200, info);
  });
}
