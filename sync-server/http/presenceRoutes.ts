import { AssignRequest, SetAvailabilityRequest } from '../../shared/protocol/rest.ts';
import type { Principal } from '../auth/Principal.ts';
import type { PresenceService } from '../presence/PresenceService.ts';
import type { RoutingService } from '../routing/RoutingService.ts';
import { bearerToken, readJson, sendError, sendJson } from './responses.ts';
import type { HttpContext, Router } from './Router.ts';

/**
 * PUT /api/availability (PRS2, PRS3) and POST /api/assignment (RTE3): the only ways a client
 * changes availability or assignment; the server writes both documents (PRS1, CONV5).
 */
export function presenceRoutes(
  router: Router,
  deps: { authenticate: (token: string | null) => Principal | null; presence: PresenceService; routing: RoutingService },
): void {
  const principalOf = ({ req, res }: HttpContext): Principal | null => {
    const principal = deps.authenticate(bearerToken(req));
    if (!principal) sendError(res, 401, 'unauthorized', 'Sign in again', { 'www-authenticate': 'Bearer' });
    return principal;
  };

  router.on('PUT', '/api/availability', async (ctx) => {
    const principal = principalOf(ctx);
    if (!principal) return;
    const body = await readJson(ctx.req);
    if (!body.ok) return sendError(ctx.res, body.status, body.error, body.message);
    const parsed = SetAvailabilityRequest.safeParse(body.value);
    if (!parsed.success) return sendError(ctx.res, 400, 'invalid-request', 'Send {status: "online" | "away" | "offline", agentId?}');
    const result = await deps.presence.setChosen(principal, parsed.data.agentId ?? principal.agentId, parsed.data.status);
    if (!result.ok) return sendJson(ctx.res, result.status, { error: result.status === 403 ? 'forbidden' : 'not-found', message: result.message, rule: result.rule });
    sendJson(ctx.res, 200, result.value);
  });

  router.on('POST', '/api/assignment', async (ctx) => {
    const principal = principalOf(ctx);
    if (!principal) return;
    const body = await readJson(ctx.req);
    if (!body.ok) return sendError(ctx.res, body.status, body.error, body.message);
    const parsed = AssignRequest.safeParse(body.value);
    if (!parsed.success) return sendError(ctx.res, 400, 'invalid-request', 'Send {conversationId, assigneeId: string | null}');
    const result = await deps.routing.assign(principal, parsed.data.conversationId, parsed.data.assigneeId);
    if (!result.ok) {
      const error = result.status === 403 ? 'forbidden' : result.status === 404 ? 'not-found' : 'conflict';
      return sendJson(ctx.res, result.status, { error, message: result.message, rule: result.rule });
    }
    sendJson(ctx.res, 200, result.value);
  });
}
