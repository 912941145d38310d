import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Directory } from '../auth/Directory.ts';
import type { Logger } from '../ops/log.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { VisitorResult } from '../webchat/WebchatGateway.ts';
import { RateLimiter } from './RateLimiter.ts';
import { Router } from './Router.ts';
import { sendError, sendJson } from './responses.ts';
import { sessionRoutes } from './sessionRoutes.ts';
import { createStaticFiles } from './staticFiles.ts';
import { webchatRoutes } from './webchatRoutes.ts';

export interface UpgradeHandler {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export interface HttpAppDeps {
  directory: Directory;
  metrics: Metrics;
  logger: Logger;
  /** The built PWA (`dist/`). */
  staticDir: string;
  sync: UpgradeHandler;
  webchat: UpgradeHandler & { createVisitor(body: unknown): VisitorResult };
  /** More routes on the same port, e.g. the channels' provider webhooks (`/webhooks/...`). */
  extraRoutes?: ReadonlyArray<(router: Router) => void>;
  now?: () => number;
}

export interface HttpApp {
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** From now on /healthz answers 503 and new requests get 503 shutting-down. */
  setShuttingDown(): void;
}

/**
 * Everything on the one HTTP port: REST routes, /healthz, /metrics, static files with the SPA
 * fallback, and websocket upgrades (`/sync`, `/sync/<doc>` → sync service; `/webchat/socket` →
 * webchat gateway). Every request is counted by route and status and logged.
 */
export function createHttpApp(deps: HttpAppDeps): HttpApp {
  const { logger, metrics } = deps;
  const now = deps.now ?? Date.now;
  const router = new Router();
  const files = createStaticFiles(deps.staticDir);
  let shuttingDown = false;

  sessionRoutes(router, { directory: deps.directory, logger, signInFailures: new RateLimiter(20, 10 * 60_000, now) });
  webchatRoutes(router, { webchat: deps.webchat, visitorLimiter: new RateLimiter(60, 10 * 60_000, now) });
  for (const add of deps.extraRoutes ?? []) add(router);
  router.on('GET', '/healthz', ({ res }) => {
    if (shuttingDown) sendJson(res, 503, { status: 'shutting-down' });
    else sendJson(res, 200, { status: 'ok' });
  });
  router.on('GET', '/metrics', async ({ res }) => {
    const body = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
    res.end(body);
  });

  const handle = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<string> => {
    const method = req.method ?? 'GET';
    const match = router.match(method, url.pathname);
    if (match.kind === 'route') {
      if (shuttingDown && match.route !== 'GET /healthz') {
        sendError(res, 503, 'shutting-down', 'The server is restarting; try again shortly', { 'retry-after': '5' });
        return match.route;
      }
      await match.handler({ req, res, url, route: match.route });
      return match.route;
    }
    if (match.kind === 'method-not-allowed') {
      sendError(res, 405, 'method-not-allowed', `Use ${match.allow.join(', ')}`, { allow: match.allow.join(', ') });
      return match.route;
    }
    if (url.pathname.startsWith('/api/')) {
      sendError(res, 404, 'not-found', 'No such API route');
      return 'api-not-found';
    }
    if (method !== 'GET' && method !== 'HEAD') {
      sendError(res, 405, 'method-not-allowed', 'Use GET', { allow: 'GET, HEAD' });
      return 'static';
    }
    const served = await files.serve(req, res, url.pathname, url.search);
    if (served === 'served') return 'static';
    if (served === 'bad-path') {
      sendError(res, 400, 'invalid-request', 'Bad path');
      return 'static';
    }
    if (url.pathname === '/' && !(await files.available())) {
      sendError(res, 404, 'not-found', 'The app is not built: run `npm run build`, then restart the server');
      return 'static';
    }
    sendError(res, 404, 'not-found', 'Not found');
    return 'static';
  };

  return {
    handleRequest(req, res) {
      const started = performance.now();
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://localhost');
      } catch {
        sendError(res, 400, 'invalid-request', 'Bad URL');
        return;
      }
      void handle(req, res, url)
        .catch((err: unknown) => {
          logger.error({ event: 'http_error', path: url.pathname, reason: err instanceof Error ? err.message : String(err) });
          if (!res.headersSent) sendError(res, 500, 'internal', 'Something went wrong on the server');
          else res.destroy();
          return 'error';
        })
        .then((route) => {
          const done = () => {
            const status = String(res.statusCode);
            metrics.httpRequests.inc({ route, status });
            const line = { event: 'http_request', method: req.method, route, path: url.pathname, status: res.statusCode, ms: Math.round(performance.now() - started) };
            if (route === 'static' && res.statusCode < 400) logger.debug(line);
            else logger.info(line);
          };
          if (res.writableFinished) done();
          else res.once('finish', done).once('close', () => res.writableFinished || done());
        });
    },

    handleUpgrade(req, socket, head) {
      socket.on('error', () => socket.destroy());
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (shuttingDown) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
        return;
      }
      if (path === '/sync' || path.startsWith('/sync/')) deps.sync.handleUpgrade(req, socket, head);
      else if (path === '/webchat/socket') deps.webchat.handleUpgrade(req, socket, head);
      else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    },

    setShuttingDown() {
      shuttingDown = true;
    },
  };
}
