import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { SessionInfo } from '../../shared/protocol/rest.ts';
import { type CreateServerOptions, type SwitchboardServer, createServer } from '../../sync-server/createServer.ts';
import { silentLogger } from '../../sync-server/ops/log.ts';
import { createMetrics } from '../../sync-server/ops/metrics.ts';
import { waitUntil } from './waitUntil.ts';

/** The real server on port 0 with a fresh data directory (or the one given), for app tests. */
export interface TestApp {
  server: SwitchboardServer;
  baseUrl: string;
  dataDir: string;
  signIn(email: string, password: string): Promise<SessionInfo>;
  /** A stock y-websocket provider on `/sync/<docName>`, resolved once synced. */
  openDoc(docName: string, token: string): Promise<{ doc: Y.Doc; provider: WebsocketProvider }>;
  newVisitor(workspaceId: string): Promise<{ visitorId: string; token: string }>;
  /** Stops the server (providers are destroyed first); keeps the data directory. */
  stop(): Promise<void>;
  /** Stops and removes the data directory. */
  dispose(): Promise<void>;
}

export async function startApp(opts: Partial<CreateServerOptions> & { dataDir?: string } = {}): Promise<TestApp> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'switchboard-app-'));
  const server = await createServer({
    port: 0,
    host: '127.0.0.1',
    logger: silentLogger(),
    metrics: createMetrics({ defaultMetrics: false }),
    ...opts,
    dataDir,
  });
  const baseUrl = server.url;
  const providers: WebsocketProvider[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const p of providers) p.destroy();
    await server.close();
  };
  return {
    server,
    baseUrl,
    dataDir,
    async signIn(email, password) {
      const res = await fetch(`${baseUrl}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      if (!res.ok) throw new Error(`sign-in: HTTP ${res.status}`);
      return (await res.json()) as SessionInfo;
    },
    async openDoc(docName, token) {
      const doc = new Y.Doc();
      const provider = new WebsocketProvider(`${baseUrl.replace(/^http/, 'ws')}/sync`, docName, doc, {
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        params: { token },
        disableBc: true,
      });
      providers.push(provider);
      await waitUntil(() => provider.synced, `${docName} to sync`);
      return { doc, provider };
    },
    async newVisitor(workspaceId) {
      const res = await fetch(`${baseUrl}/webchat/visitors`, { method: 'POST', body: JSON.stringify({ workspaceId }) });
      if (res.status !== 201) throw new Error(`visitor: HTTP ${res.status}`);
      return (await res.json()) as { visitorId: string; token: string };
    },
    stop,
    async dispose() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
