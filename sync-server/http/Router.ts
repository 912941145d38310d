import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a route handler gets: the request, the response and the parsed URL. */
export interface HttpContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The route's label for logs and metrics, e.g. "POST /api/session". */
  route: string;
}

export type Handler = (ctx: HttpContext) => Promise<void> | void;

export type RouteMatch =
  | { kind: 'route'; handler: Handler; route: string }
  | { kind: 'method-not-allowed'; allow: string[]; route: string }
  | { kind: 'none' };

/** Exact-path routes by method. Small on purpose: the server has a handful of endpoints. */
export class Router {
  private readonly routes = new Map<string, Map<string, Handler>>();

  on(method: string, path: string, handler: Handler): this {
    let byMethod = this.routes.get(path);
    if (!byMethod) {
      byMethod = new Map();
      this.routes.set(path, byMethod);
    }
    byMethod.set(method.toUpperCase(), handler);
    return this;
  }

  match(method: string, path: string): RouteMatch {
    const byMethod = this.routes.get(path);
    if (!byMethod) return { kind: 'none' };
    const m = method.toUpperCase();
    const handler = byMethod.get(m) ?? (m === 'HEAD' ? byMethod.get('GET') : undefined);
    if (handler) return { kind: 'route', handler, route: `${m === 'HEAD' ? 'GET' : m} ${path}` };
    return { kind: 'method-not-allowed', allow: [...byMethod.keys()], route: path };
  }
}
