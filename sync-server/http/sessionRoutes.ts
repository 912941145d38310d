import { SignInRequest, type SessionInfo } from '../../shared/protocol/rest.ts';
import { ID_PATTERN } from '../../shared/ids.ts';
import { z } from '../../shared/zod.ts';
import type { Directory, Session } from '../auth/Directory.ts';
import type { Logger } from '../ops/log.ts';
import type { RateLimiter } from './RateLimiter.ts';
import { bearerToken, readJson, sendError, sendJson } from './responses.ts';
import type { Router } from './Router.ts';

/** Sign-in body: the shared SignInRequest, plus an optional workspace for emails in several. */
const SignInBody = z.object({ ...SignInRequest.shape, workspaceId: z.optional(z.string().check(z.regex(ID_PATTERN))) });

const toInfo = (token: string, s: Omit<Session, 'token'>): SessionInfo => ({
  token,
  expiresAt: s.expiresAt,
  agent: { id: s.agent.id, name: s.agent.name, email: s.agent.email, role: s.agent.role },
  workspace: { id: s.workspace.id, name: s.workspace.name },
});

/**
 * POST /api/session (sign in), GET /api/session (who am I), DELETE /api/session (sign out).
 * Failed sign-ins are counted per client address: past the limit the answer is 429 for a while.
 */
export function sessionRoutes(router: Router, deps: { directory: Directory; logger: Logger; signInFailures: RateLimiter }): void {
  const { directory, logger, signInFailures } = deps;

  router.on('POST', '/api/session', async ({ req, res }) => {
    const address = req.socket.remoteAddress ?? 'unknown';
    if (signInFailures.blocked(address)) {
      sendError(res, 429, 'rate-limited', 'Too many failed sign-ins; try again in a few minutes', { 'retry-after': '300' });
      return;
    }
    const body = await readJson(req);
    if (!body.ok) return sendError(res, body.status, body.error, body.message);
    const parsed = SignInBody.safeParse(body.value);
    if (!parsed.success) return sendError(res, 400, 'invalid-request', 'Send {email, password}');
    const result = await directory.signIn(parsed.data);
    if (!result.ok) {
      signInFailures.hit(address);
      logger.info({ event: 'sign_in_failed', reason: result.error });
      return sendError(res, 401, 'invalid-credentials', result.message);
    }
    logger.info({ event: 'signed_in', agent: result.value.agent.id, workspace: result.value.workspace.id });
    sendJson(res, 200, toInfo(result.value.token, result.value));
  });

  router.on('GET', '/api/session', ({ req, res }) => {
    const token = bearerToken(req);
    const session = directory.session(token);
    if (!token || !session) return sendError(res, 401, 'unauthorized', 'Sign in again', { 'www-authenticate': 'Bearer' });
    sendJson(res, 200, toInfo(token, session));
  });

  router.on('DELETE', '/api/session', ({ req, res }) => {
    const token = bearerToken(req);
    if (!token || !directory.authenticate(token)) return sendError(res, 401, 'unauthorized', 'Sign in again', { 'www-authenticate': 'Bearer' });
    directory.revoke(token);
    logger.info({ event: 'signed_out' });
    res.writeHead(204, { 'cache-control': 'no-store' });
    res.end();
  });
}
