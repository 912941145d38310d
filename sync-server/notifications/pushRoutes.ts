import { DeviceNameSchema, type PushConfig, type PushDevice, PushSubscribeRequest } from '../../shared/protocol/push.ts';
import { z } from '../../shared/zod.ts';
import type { Principal } from '../auth/Principal.ts';
import type { Router } from '../http/Router.ts';
import { bearerToken, readJson, sendError, sendJson } from '../http/responses.ts';
import type { Logger } from '../ops/log.ts';
import type { PushServiceSimulator } from '../simulators/PushServiceSimulator.ts';
import type { NotificationService } from './NotificationService.ts';
import { pushEndpointProblem } from './pushEndpoint.ts';
import type { PushSubscriptionStore, StoredSubscription } from './PushSubscriptionStore.ts';
import type { VapidKeys } from './VapidKeys.ts';

export interface PushRouteDeps {
  authenticate: (token: string | null) => Principal | null;
  store: PushSubscriptionStore;
  vapid: VapidKeys;
  notifications: NotificationService;
  logger: Logger;
  /** The in-process push-service simulator (demo, tests), or null. */
  simulator: PushServiceSimulator | null;
}

const toDevice = (s: StoredSubscription): PushDevice => {
  let service = '';
  try {
    service = new URL(s.endpoint).host;
  } catch {
    /* stored endpoints are URLs */
  }
  return { id: s.id, deviceName: s.deviceName, createdAt: s.createdAt, lastSuccessAt: s.lastSuccessAt, service };
};

/**
 * The Web Push routes (shared/protocol/push.ts). NTF12: an agent registers, lists, tests and
 * removes only its own devices; an endpoint must be a public https host (or the simulator's, when it
 * runs): pushEndpoint.ts.
 */
export function pushRoutes(router: Router, deps: PushRouteDeps): void {
  const { store, logger } = deps;
  const who = (req: Parameters<Parameters<Router['on']>[2]>[0]['req'], res: Parameters<Parameters<Router['on']>[2]>[0]['res']) => {
    const principal = deps.authenticate(bearerToken(req));
    if (!principal) sendError(res, 401, 'unauthorized', 'Sign in again', { 'www-authenticate': 'Bearer' });
    return principal;
  };
  const mine = (p: Principal, id: string | null) => {
    const sub = id ? store.get(id) : null;
    return sub && sub.workspaceId === p.workspaceId && sub.agentId === p.agentId ? sub : null;
  };

  router.on('GET', '/api/push/config', ({ req, res }) => {
    if (!who(req, res)) return;
    sendJson(res, 200, { publicKey: deps.vapid.publicKey, simulator: deps.simulator !== null } satisfies PushConfig);
  });

  router.on('GET', '/api/push/subscriptions', ({ req, res }) => {
    const p = who(req, res);
    if (!p) return;
    sendJson(res, 200, { devices: store.forAgent(p.workspaceId, p.agentId).map(toDevice) });
  });

  router.on('POST', '/api/push/subscriptions', async ({ req, res }) => {
    const p = who(req, res);
    if (!p) return;
    const body = await readJson(req, 8 * 1024);
    if (!body.ok) return sendError(res, body.status, body.error, body.message);
    const parsed = PushSubscribeRequest.safeParse(body.value);
    if (!parsed.success) return sendError(res, 400, 'invalid-request', 'Send {endpoint, keys: {p256dh, auth}, deviceName}');
    const problem = pushEndpointProblem(parsed.data.endpoint, deps.simulator?.url ?? null);
    if (problem) return sendError(res, 400, 'invalid-request', problem);
    const sub = store.upsert({
      workspaceId: p.workspaceId,
      agentId: p.agentId,
      endpoint: parsed.data.endpoint,
      p256dh: parsed.data.keys.p256dh,
      auth: parsed.data.keys.auth,
      deviceName: parsed.data.deviceName,
    });
    logger.info({ event: 'push_subscribed', agent: p.agentId, device: sub.id });
    sendJson(res, 201, toDevice(sub));
  });

  router.on('DELETE', '/api/push/subscriptions', ({ req, res, url }) => {
    const p = who(req, res);
    if (!p) return;
    const sub = mine(p, url.searchParams.get('id'));
    if (!sub) return sendError(res, 404, 'not-found', 'No such device');
    store.remove(sub.id);
    logger.info({ event: 'push_unsubscribed', agent: p.agentId, device: sub.id });
    res.writeHead(204, { 'cache-control': 'no-store' });
    res.end();
  });

  router.on('POST', '/api/push/subscriptions/test', async ({ req, res, url }) => {
    const p = who(req, res);
    if (!p) return;
    const sub = mine(p, url.searchParams.get('id'));
    if (!sub) return sendError(res, 404, 'not-found', 'No such device');
    const outcome = await deps.notifications.sendTest(sub);
    sendJson(res, 200, { status: outcome.status });
  });

  router.on('POST', '/api/push/simulated-subscriptions', async ({ req, res }) => {
    const p = who(req, res);
    if (!p) return;
    const simulator = deps.simulator;
    if (!simulator) return sendError(res, 404, 'not-found', 'The push-service simulator is not running');
    const body = await readJson(req, 4 * 1024);
    if (!body.ok) return sendError(res, body.status, body.error, body.message);
    const parsed = z.object({ deviceName: DeviceNameSchema }).safeParse(body.value);
    if (!parsed.success) return sendError(res, 400, 'invalid-request', 'Send {deviceName}');
    const subscription = simulator.subscribe();
    const sub = store.upsert({
      workspaceId: p.workspaceId,
      agentId: p.agentId,
      endpoint: subscription.endpoint,
      p256dh: subscription.keys.p256dh,
      auth: subscription.keys.auth,
      deviceName: parsed.data.deviceName,
    });
    logger.info({ event: 'push_subscribed', agent: p.agentId, device: sub.id, simulated: true });
    sendJson(res, 201, { device: toDevice(sub), subscription: { id: subscription.id, endpoint: subscription.endpoint } });
  });
}
