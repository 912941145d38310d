import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type Database from 'better-sqlite3';
import { WebSocket, WebSocketServer } from 'ws';
import { CloseCode } from '../../shared/protocol/closeCodes.ts';
import type { Role } from '../../shared/schema/roles.ts';
import type { Authenticate, Principal } from '../auth/Principal.ts';
import { DocRegistry } from '../docs/DocRegistry.ts';
import type { Fanout } from '../fanout/Fanout.ts';
import type { Logger } from '../ops/log.ts';
import type { Metrics } from '../ops/metrics.ts';
import { ClientIdRegistry } from '../rules/ClientIdRegistry.ts';
import type { DocStore } from '../storage/DocStore.ts';
import { AwarenessRoom, type AwarenessMember, type RoomState } from './AwarenessRoom.ts';
import { type ConnectionEnv, SyncConnection } from './SyncConnection.ts';

/** Tunables of the sync service; every field has a default. */
export interface SyncLimits {
  /** Largest frame a client may send, in bytes (SIZE1, close 4413). Default 4 MiB. */
  maxFrameBytes: number;
  /** Ping every connection this often; one that did not answer the previous ping is dropped. Default 30 s. */
  heartbeatMs: number;
  /** A document with no connection stays in memory this long (ms). Default 30 s. */
  idleUnloadMs: number;
  /** Compact a document's update log after this many updates (default 500)… */
  compactAfterUpdates: number;
  /** …or this many bytes (default 1 MiB). */
  compactAfterBytes: number;
  /** Awareness clientIDs one connection may introduce per document. Default 8. */
  maxAwarenessIdsPerDoc: number;
  /** Documents one multiplexed connection may have open; one more closes it with 4429. Default 1000. */
  maxDocsPerConnection: number;
  /** On close(), sockets that have not closed after this long are terminated (ms). Default 2 s. */
  closeGraceMs: number;
}

export const DEFAULT_SYNC_LIMITS: SyncLimits = {
  maxFrameBytes: 4 * 1024 * 1024,
  heartbeatMs: 30_000,
  idleUnloadMs: 30_000,
  compactAfterUpdates: 500,
  compactAfterBytes: 1024 * 1024,
  maxAwarenessIdsPerDoc: 8,
  maxDocsPerConnection: 1000,
  closeGraceMs: 2_000,
};

export interface SyncServiceOptions {
  /** The server's database (clientID bindings live here: CID1). */
  db: Database.Database;
  store: DocStore;
  fanout: Fanout;
  authenticate: Authenticate;
  logger: Logger;
  metrics: Metrics;
  limits?: Partial<SyncLimits>;
  /** This process's id on the fan-out (default random). */
  processId?: string;
}

/** Ephemeral per-document state beside the documents: awareness, as the rest of the server sees it. */
export interface ServerAwareness {
  /** Publishes (null: removes) the server's own state under a reserved clientID on a document (TYP1). */
  publish(docName: string, clientId: number, state: Record<string, unknown> | null): void;
  /** The clients' current states on a document (stamped with their agent: AWR1). */
  states(docName: string): RoomState[];
  /** Calls `listener` after the client states of a document changed (joined, changed, left). */
  onChange(listener: (docName: string) => void): () => void;
}

/** How often the server's own awareness states are sent again (clients drop states older than 30 s). */
const SERVER_STATE_RENEW_MS = 15_000;


/** Who is connected and active: told about every sync connection of an agent (presence, PRS4/PRS5). */
export interface ConnectionObserver {
  connected(principal: Principal, connectionId: string): void;
  disconnected(principal: Principal, connectionId: string): void;
  /** The client reported input `idleMs` ago (control message `activity`). */
  activity(principal: Principal, idleMs: number): void;
}

export interface SyncService {
  /** Adds an observer of connections and activity reports. */
  observeConnections(observer: ConnectionObserver): () => void;
  /** The documents (DocHost for the rest of the server). */
  docs: DocRegistry;
  awareness: ServerAwareness;
  /**
   * Takes an HTTP upgrade for `/sync` (multiplexed) or `/sync/<docName>` (stock y-websocket).
   * Returns false, touching nothing, for any other path.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Open sync connections. */
  connectionCount(): number;
  /** Closes every connection of the agent with 4401 (its sessions were ended: TEAM4). */
  closeAgent(agentId: string): number;
  /** Gives the agent's open connections its new role (rules read it on each update). */
  setAgentRole(agentId: string, role: Role): void;
  /** Closes every socket with 4503 shutting-down, flushes and closes the documents, then the store (`store.close`). */
  close(): Promise<void>;
}

const SYNC_PATH = '/sync';

/**
 * The sync endpoints over one `ws` WebSocketServer in noServer mode (the HTTP server routes
 * upgrades here). AUTH1: the token comes from `?token=`; without a valid one the socket is
 * accepted and closed with 4401 (a browser sees the close code, not an HTTP status).
 */
export function createSyncService(opts: SyncServiceOptions): SyncService {
  const limits: SyncLimits = { ...DEFAULT_SYNC_LIMITS, ...opts.limits };
  const { logger, metrics } = opts;
  const clientIds = new ClientIdRegistry(opts.db);
  const docs = new DocRegistry({
    store: opts.store,
    fanout: opts.fanout,
    clientIds,
    logger,
    metrics,
    processId: opts.processId,
    idleUnloadMs: limits.idleUnloadMs,
    compactAfterUpdates: limits.compactAfterUpdates,
    compactAfterBytes: limits.compactAfterBytes,
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes, perMessageDeflate: false, clientTracking: false, WebSocket: SyncWebSocket });
  const connections = new Set<SyncConnection>();
  const rooms = new Map<string, AwarenessRoom>();
  const awarenessListeners = new Set<(docName: string) => void>();
  const roomChanged = (room: AwarenessRoom) => {
    for (const listener of awarenessListeners) {
      try {
        listener(room.docName);
      } catch (err) {
        logger.error({ event: 'awareness_listener_failed', doc: room.docName, reason: String(err) });
      }
    }
  };
  const roomOf = (docName: string): AwarenessRoom => {
    let room = rooms.get(docName);
    if (!room) {
      room = new AwarenessRoom(docName, limits.maxAwarenessIdsPerDoc, roomChanged);
      rooms.set(docName, room);
    }
    return room;
  };
  const dropIfEmpty = (room: AwarenessRoom) => {
    if (room.size === 0 && !room.hasServerStates && rooms.get(room.docName) === room) rooms.delete(room.docName);
  };
  const awareness: ServerAwareness = {
    publish(docName, clientId, state) {
      if (state === null && !rooms.has(docName)) return;
      const room = roomOf(docName);
      room.setServerState(clientId, state);
      dropIfEmpty(room);
    },
    states: (docName) => rooms.get(docName)?.clientStates() ?? [],
    onChange(listener) {
      awarenessListeners.add(listener);
      return () => awarenessListeners.delete(listener);
    },
  };
  const renewal = setInterval(() => {
    for (const room of rooms.values()) if (room.hasServerStates && room.size > 0) room.renewServerStates();
  }, SERVER_STATE_RENEW_MS);
  renewal.unref();

  const observers = new Set<ConnectionObserver>();
  const notify = (fn: (o: ConnectionObserver) => void) => {
    for (const o of observers) {
      try {
        fn(o);
      } catch (err) {
        logger.error({ event: 'connection_observer_failed', reason: String(err) });
      }
    }
  };
  let closing: Promise<void> | null = null;

  const env: ConnectionEnv = {
    docs,
    logger,
    metrics,
    maxFrameBytes: limits.maxFrameBytes,
    maxDocsPerConnection: limits.maxDocsPerConnection,
    activity: (principal, idleMs) => notify((o) => o.activity(principal, idleMs)),
    joinRoom(docName: string, member: AwarenessMember): AwarenessRoom {
      const room = roomOf(docName);
      room.join(member);
      return room;
    },
    leaveRoom(room: AwarenessRoom, member: AwarenessMember): void {
      room.leave(member);
      dropIfEmpty(room);
    },
  };

  const heartbeat = setInterval(() => {
    for (const conn of connections) {
      if (!conn.alive) {
        logger.info({ event: 'conn_dead', conn: conn.id });
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      try {
        conn.ws.ping();
      } catch {
        conn.ws.terminate();
      }
    }
  }, limits.heartbeatMs);
  heartbeat.unref();

  function onConnection(ws: WebSocket, socket: Duplex, principal: Principal | null, docName: string | null): void {
    ws.on('error', (err: Error & { code?: string }) => {
      logger.warn({ event: 'socket_error', reason: err.code ?? err.message });
    });
    if (closing) {
      ws.close(CloseCode.shuttingDown.code, CloseCode.shuttingDown.reason);
      return;
    }
    if (!principal) {
      logger.info({ event: 'conn_unauthorized', doc: docName ?? undefined });
      ws.close(CloseCode.unauthorized.code, CloseCode.unauthorized.reason);
      return;
    }
    const conn = new SyncConnection(ws, principal, docName === null, env, socket);
    connections.add(conn);
    metrics.connections.inc();
    notify((o) => o.connected(principal, conn.id));
    ws.on('message', (data: Buffer, isBinary: boolean) => conn.onMessage(data, isBinary));
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.once('close', (code: number) => {
      connections.delete(conn);
      metrics.connections.dec();
      conn.dispose();
      notify((o) => o.disconnected(principal, conn.id));
      logger.debug({ event: 'conn_closed', conn: conn.id, code, docs: conn.docCount });
    });
    logger.debug({ event: 'conn_opened', conn: conn.id, agent: principal.agentId, doc: docName ?? undefined });
    try {
      conn.start(docName);
    } catch (err) {
      logger.error({ event: 'conn_start_failed', conn: conn.id, reason: String(err) });
      conn.close(1011, 'internal-error');
    }
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return false;
    }
    const path = url.pathname;
    let docName: string | null;
    if (path === SYNC_PATH || path === `${SYNC_PATH}/`) docName = null;
    else if (path.startsWith(`${SYNC_PATH}/`)) {
      try {
        docName = decodeURIComponent(path.slice(SYNC_PATH.length + 1));
      } catch {
        docName = '\u0000'; // not a document name: refused as DOC1 once upgraded
      }
    } else return false;

    let principal: Principal | null = null;
    try {
      principal = opts.authenticate(url.searchParams.get('token'));
    } catch (err) {
      logger.error({ event: 'authenticate_failed', reason: String(err) });
    }
    socket.on('error', () => {});
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, socket, principal, docName));
    return true;
  }

  async function close(): Promise<void> {
    if (closing) return closing;
    closing = (async () => {
      clearInterval(heartbeat);
      clearInterval(renewal);
      const closed = [...connections].map(
        (conn) =>
          new Promise<void>((resolve) => {
            if (conn.ws.readyState === conn.ws.CLOSED) return resolve();
            conn.ws.once('close', () => resolve());
            conn.close(CloseCode.shuttingDown.code, CloseCode.shuttingDown.reason);
          }),
      );
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, limits.closeGraceMs);
        timer.unref();
      });
      await Promise.race([Promise.all(closed), grace]);
      clearTimeout(timer);
      for (const conn of connections) conn.ws.terminate();
      await docs.close();
      await opts.store.close?.();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    })();
    return closing;
  }

  return {
    docs,
    awareness,
    observeConnections(observer) {
      observers.add(observer);
      return () => observers.delete(observer);
    },
    handleUpgrade,
    connectionCount: () => connections.size,
    closeAgent(agentId) {
      let closed = 0;
      for (const conn of connections) {
        if (conn.principal.agentId !== agentId) continue;
        conn.close(CloseCode.unauthorized.code, CloseCode.unauthorized.reason);
        closed++;
      }
      if (closed) logger.info({ event: 'agent_connections_closed', agent: agentId, count: closed });
      return closed;
    },
    setAgentRole(agentId, role) {
      for (const conn of connections) if (conn.principal.agentId === agentId) conn.principal.role = role;
    },
    close,
  };
}

/**
 * SIZE1: ws closes on an oversized frame with 1009 before buffering it; we answer with our own
 * close code and reason. A subclass (ws's `WebSocket` option) rather than a `close` function
 * assigned to each socket, so every socket keeps ws's own shape and methods.
 */
class SyncWebSocket extends WebSocket {
  override close(code?: number, reason?: string | Buffer): void {
    if (code === 1009) super.close(CloseCode.tooLarge.code, CloseCode.tooLarge.reason);
    else super.close(code, reason);
  }
}
