import * as Y from 'yjs';
import type { Principal } from '../../sync-server/auth/Principal.ts';
import { type ClientOrigin, type DocSubscriber, DocRegistry, type LiveDoc } from '../../sync-server/docs/DocRegistry.ts';
import { LocalFanout } from '../../sync-server/fanout/LocalFanout.ts';
import { silentLogger } from '../../sync-server/ops/log.ts';
import { createMetrics, type Metrics } from '../../sync-server/ops/metrics.ts';
import { ClientIdRegistry } from '../../sync-server/rules/ClientIdRegistry.ts';
import type { SharedFrame } from '../../sync-server/transport/frames.ts';
import type { DocStore } from '../../sync-server/storage/DocStore.ts';
import { openDatabase } from '../../sync-server/storage/openDatabase.ts';
import { SqliteDocStore } from '../../sync-server/storage/SqliteDocStore.ts';

/** A principal for tests (workspace `ws`). */
export function principal(over: Partial<Principal> = {}): Principal {
  return { agentId: 'agent1', workspaceId: 'ws', role: 'agent', name: 'Dana Reyes', sessionId: 's-agent1', ...over };
}

/** A subscriber that records the frames it gets. */
export class RecordingSubscriber implements DocSubscriber {
  /** Payloads received (the same object when shared with other subscribers). */
  readonly frames: Uint8Array[] = [];
  evictions = 0;
  constructor(
    readonly connectionId: string,
    readonly multiplexed = false,
  ) {}
  send(frame: SharedFrame): void {
    this.frames.push(frame.payload);
  }
  evicted(): void {
    this.evictions++;
  }
}

/**
 * A DocRegistry on an in-memory SQLite database (store, clientID registry), for rule and
 * registry tests without sockets.
 */
export function createDocHarness(opts: { store?: DocStore; compactAfterUpdates?: number; idleUnloadMs?: number } = {}) {
  const db = openDatabase(':memory:');
  const store = opts.store ?? new SqliteDocStore(db);
  const clientIds = new ClientIdRegistry(db);
  const fanout = new LocalFanout();
  const metrics: Metrics = createMetrics({ defaultMetrics: false });
  const registry = new DocRegistry({
    store,
    fanout,
    clientIds,
    logger: silentLogger(),
    metrics,
    idleUnloadMs: opts.idleUnloadMs ?? 60_000,
    compactAfterUpdates: opts.compactAfterUpdates,
  });
  return {
    db,
    store,
    clientIds,
    fanout,
    metrics,
    registry,
    /** Subscribes a recording subscriber and returns the live doc. */
    async open(name: string, sub: DocSubscriber = new RecordingSubscriber(`sub-${name}`)): Promise<LiveDoc> {
      return registry.subscribe(name, sub);
    },
    origin(p: Principal = principal(), connectionId = `conn-${p.agentId}`): ClientOrigin {
      return { kind: 'client', connectionId, principal: p };
    },
    async close() {
      await registry.close();
      db.close();
    },
  };
}

/** A client's copy of a server document: edit it and take the update it produced. */
export class ClientCopy {
  readonly doc: Y.Doc;
  private updates: Uint8Array[] = [];

  constructor(server: Y.Doc, clientID?: number) {
    this.doc = new Y.Doc();
    Y.applyUpdate(this.doc, Y.encodeStateAsUpdate(server), 'server');
    // Set after loading: Yjs picks a new clientID when a remote update carries its own.
    if (clientID !== undefined) this.doc.clientID = clientID;
    this.doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'server') this.updates.push(u);
    });
  }

  /** Runs `fn` in one transaction and returns the update it produced (as a provider sends it). */
  edit(fn: (doc: Y.Doc) => void): Uint8Array {
    this.updates = [];
    this.doc.transact(() => fn(this.doc));
    return this.updates.length === 1 ? this.updates[0]! : Y.mergeUpdates(this.updates);
  }

  /** Takes what the server sent (server-side changes made after this copy was made). */
  pull(server: Y.Doc): void {
    Y.applyUpdate(this.doc, Y.encodeStateAsUpdate(server, Y.encodeStateVector(this.doc)), 'server');
  }
}

/** Everything observable about a stored and loaded document, to compare before/after a refusal. */
export async function snapshotOf(store: DocStore, live: LiveDoc) {
  const stored = await store.load(live.name);
  return {
    stateVector: [...Y.encodeStateVector(live.doc)],
    state: [...Y.encodeStateAsUpdate(live.doc)],
    log: stored.updates.map((u) => [...u]),
    snapshot: stored.snapshot ? [...stored.snapshot] : null,
  };
}
