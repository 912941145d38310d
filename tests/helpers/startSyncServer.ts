import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { Writable } from 'node:stream';
import type Database from 'better-sqlite3';
import type { Principal } from '../../sync-server/auth/Principal.ts';
import { LocalFanout } from '../../sync-server/fanout/LocalFanout.ts';
import { createLogger } from '../../sync-server/ops/log.ts';
import { createMetrics, type Metrics } from '../../sync-server/ops/metrics.ts';
import { openDatabase } from '../../sync-server/storage/openDatabase.ts';
import { SqliteDocStore } from '../../sync-server/storage/SqliteDocStore.ts';
import { type SyncLimits, type SyncService, createSyncService } from '../../sync-server/transport/createSyncService.ts';
import { createTestConversations } from './createTestConversations.ts';

export interface TestSyncServer {
  port: number;
  /** `ws://127.0.0.1:<port>/sync`: a WebsocketProvider's serverUrl, or the multiplexed endpoint. */
  url: string;
  dataDir: string;
  db: Database.Database;
  store: SqliteDocStore;
  service: SyncService;
  metrics: Metrics;
  /** Every JSON log line the server wrote. */
  logs: Array<Record<string, unknown>>;
  /** Graceful stop: sockets closed with 4503, documents flushed, database closed. */
  stop(): Promise<void>;
  /** Like a killed process: sockets cut, database closed without flushing anything. */
  crash(): Promise<void>;
  /** Removes the data directory (after stop/crash). */
  cleanup(): void;
}

export interface StartOptions {
  /** Token → principal; every other token is refused (AUTH1). */
  tokens: Record<string, Principal>;
  /** Reuse a data directory (restart); a fresh temp dir otherwise. */
  dataDir?: string;
  /**
   * Conversation documents (`ws/conv/c1`) to create before serving, as the server does: clients
   * may open only conversations that exist (DOC2).
   */
  conversations?: string[];
  limits?: Partial<SyncLimits>;
}

/** A sync service behind a real HTTP server on 127.0.0.1, port 0, with a stub authenticate. */
export async function startSyncServer(opts: StartOptions): Promise<TestSyncServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'sync-test-'));
  const db = openDatabase(dataDir);
  const store = new SqliteDocStore(db);
  const metrics = createMetrics({ defaultMetrics: false });
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const service = createSyncService({
    db,
    store,
    fanout: new LocalFanout(),
    authenticate: (token) => (token ? (opts.tokens[token] ?? null) : null),
    logger: createLogger({ level: 'debug', destination }),
    metrics,
    limits: { idleUnloadMs: 50, closeGraceMs: 500, ...opts.limits },
  });
  const sockets = new Set<Duplex>();
  const server: Server = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  server.on('upgrade', (req, socket, head) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    if (!service.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  await createTestConversations(service.docs, opts.conversations ?? []);

  let stopped = false;
  const closeHttp = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    port,
    url: `ws://127.0.0.1:${port}/sync`,
    dataDir,
    db,
    store,
    service,
    metrics,
    logs,
    async stop() {
      if (stopped) return;
      stopped = true;
      await service.close();
      await closeHttp();
      db.close();
    },
    async crash() {
      if (stopped) return;
      stopped = true;
      for (const socket of sockets) socket.destroy();
      db.close();
      // Like the end of a killed process: what was written to the update log stays, nothing more.
      await store.close();
      await closeHttp();
      // What a killed process never does: let nothing of this instance run on.
      void service.close().catch(() => undefined);
    },
    cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
