import type { VisitorResult } from '../webchat/WebchatGateway.ts';
import type { RateLimiter } from './RateLimiter.ts';
import { readJson, sendError, sendJson } from './responses.ts';
import type { Router } from './Router.ts';

/**
 * Any website may embed the widget, so the visitor route answers every origin. No credentials
 * (cookies) are involved: the widget keeps its visitor token itself.
 */
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '86400',
};

/** POST /webchat/visitors (and its CORS preflight). */
export function webchatRoutes(
  router: Router,
  deps: { webchat: { createVisitor(body: unknown): VisitorResult }; visitorLimiter: RateLimiter },
): void {
  router.on('OPTIONS', '/webchat/visitors', ({ res }) => {
    res.writeHead(204, CORS);
    res.end();
  });

  router.on('POST', '/webchat/visitors', async ({ req, res }) => {
    if (!deps.visitorLimiter.hit(req.socket.remoteAddress ?? 'unknown'))
      return sendError(res, 429, 'rate-limited', 'Too many new visitors from this address', { ...CORS, 'retry-after': '600' });
    const body = await readJson(req, 4096);
    if (!body.ok) return sendError(res, body.status, body.error, body.message, CORS);
    const result = deps.webchat.createVisitor(body.value);
    if (!result.ok) return sendError(res, result.error === 'not-found' ? 404 : 400, result.error, result.message, CORS);
    sendJson(res, 201, result.value, CORS);
  });
}
