import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { type DocKind, type DocRef, parseDocName } from '../../shared/ids.ts';
import type { Principal } from '../auth/Principal.ts';
import type { Fanout } from '../fanout/Fanout.ts';
import type { Logger } from '../ops/log.ts';
import type { Metrics } from '../ops/metrics.ts';
import { type ClientIdRegistry, SERVER_OWNER } from '../rules/ClientIdRegistry.ts';
import { applyDecoded } from '../rules/decodeOnce.ts';
import { type Validation, nothingNew, validateUpdate } from '../rules/validateUpdate.ts';
import type { DocStore } from '../storage/DocStore.ts';
import { encodeStored } from '../../shared/protocol/stored.ts';
import { SharedFrame, SyncMessage, muxPrefix, prefixed, syncFrame } from '../transport/frames.ts';
import type { ClientUpdateEvent, DocHost } from './DocHost.ts';
import type { Origin } from './origins.ts';

export type ClientOrigin = Extract<Origin, { kind: 'client' }>;
type ServerOrigin = Extract<Origin, { kind: 'server' }>;

/** A connection's subscription to a document: receives every update others make, once. */
export interface DocSubscriber {
  /** The connection's id: its own updates are not echoed back to it. */
  readonly connectionId: string;
  /** Multiplexed connections get frames prefixed with the document name. */
  readonly multiplexed: boolean;
  /** Sends one ready-encoded frame (the same object goes to every subscriber of a framing). */
  send(frame: SharedFrame): void;
  /** The document was dropped from memory after a storage failure: the connection must resync. */
  evicted(): void;
}

export interface DocRegistryOptions {
  store: DocStore;
  fanout: Fanout;
  clientIds: ClientIdRegistry;
  logger: Logger;
  metrics: Metrics;
  /** This process's id on the fan-out (default: random). */
  processId?: string;
  /** A document nobody uses stays in memory this long, in ms (default 30 000). */
  idleUnloadMs?: number;
  /**
   * Compact a document's log once it holds this many updates (default 500) and is at least as
   * large as its snapshot (compactLogRatio)…
   */
  compactAfterUpdates?: number;
  /** …or, whatever the count, once it passes this many bytes (default 1 MiB) and that size. */
  compactAfterBytes?: number;
  /** The log's size, as a share of the snapshot's, from which it is worth compacting (default 1). */
  compactLogRatio?: number;
  /** When unloading (or closing), compact a log of at least this many updates (default 50). */
  compactOnUnloadAfter?: number;
}

interface Pending {
  update: Uint8Array;
  origin: ClientOrigin | ServerOrigin;
  durable: boolean;
  seq: number;
  /** Client updates: the plain values added, for the ClientUpdateEvent. */
  added: Map<string, unknown[]> | null;
  /** Client updates: where each of its clientIDs ends, acknowledged to the sender once durable. */
  stored: ReadonlyMap<number, number> | null;
  /** performance.now() when the client update arrived. */
  receivedAt: number;
  waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> | null;
}

/** A document held in memory. Transport reads `doc` (sync step 1/2) and subscribes connections. */
export class LiveDoc {
  readonly subscribers = new Set<DocSubscriber>();
  /** Users: subscribers plus change()/read() calls in progress. */
  refs = 0;
  idleTimer: NodeJS.Timeout | null = null;
  /** Updates applied in memory, waiting (in order) for the store to make them durable. */
  readonly outbox: Pending[] = [];
  /** Updates and bytes in the store's log since the last snapshot. */
  logCount: number;
  logBytes: number;
  /** Size of the stored snapshot (0: none yet). */
  snapshotBytes: number;
  lastSeq: number;
  compacting: Promise<void> | null = null;
  /** Waiting in the registry's compaction queue ('unload': drop it once compacted). */
  queued: 'unload' | 'threshold' | null = null;
  serverClientId = -1;
  gone = false;
  /** `varString(name)`: the prefix of this document's multiplexed frames. */
  readonly muxPrefix: Uint8Array;

  constructor(
    readonly name: string,
    readonly ref: DocRef,
    readonly doc: Y.Doc,
    stored: { logCount: number; logBytes: number; lastSeq: number; snapshotBytes: number },
    readonly unsubscribeFanout: () => void,
  ) {
    this.logCount = stored.logCount;
    this.logBytes = stored.logBytes;
    this.snapshotBytes = stored.snapshotBytes;
    this.lastSeq = stored.lastSeq;
    this.muxPrefix = muxPrefix(name);
  }
}

const STORAGE_ORIGIN: Origin = { kind: 'storage' };

/**
 * The server's documents (implements DocHost). Loads a document lazily from the DocStore (one
 * load in flight per document), keeps it in memory while anything uses it (unloads after
 * `idleUnloadMs` idle), applies validated client updates and server changes in transactions
 * tagged with a typed Origin, and for every change: appends it to the store, and only once that
 * is durable sends it to the other subscribers (one encoded frame for all), publishes it on the
 * fan-out and tells onClientUpdate listeners. Compacts a document's log into a snapshot when it
 * grows past the limits.
 */
export class DocRegistry implements DocHost {
  readonly processId: string;
  private readonly docs = new Map<string, LiveDoc>();
  private readonly loading = new Map<string, Promise<LiveDoc>>();
  private readonly listeners = new Set<(event: ClientUpdateEvent) => void>();
  private readonly acceptListeners = new Set<(event: ClientUpdateEvent) => void>();
  private readonly background = new Set<Promise<unknown>>();
  private readonly applied: Record<DocKind, { inc(by?: number): void }>;
  private readonly idleUnloadMs: number;
  private readonly compactAfterUpdates: number;
  private readonly compactAfterBytes: number;
  private readonly compactLogRatio: number;
  private readonly compactOnUnloadAfter: number;
  /** Compactions run one at a time, yielding to the event loop between two (docs/storage.md). */
  private readonly compactQueue: LiveDoc[] = [];
  private compactRunner: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly opts: DocRegistryOptions) {
    this.processId = opts.processId ?? randomUUID();
    this.idleUnloadMs = opts.idleUnloadMs ?? 30_000;
    this.compactAfterUpdates = opts.compactAfterUpdates ?? 500;
    this.compactAfterBytes = opts.compactAfterBytes ?? 1024 * 1024;
    this.compactLogRatio = opts.compactLogRatio ?? 1;
    this.compactOnUnloadAfter = opts.compactOnUnloadAfter ?? 50;
    const counter = opts.metrics.updatesApplied;
    this.applied = {
      index: counter.labels({ kind: 'index' }),
      settings: counter.labels({ kind: 'settings' }),
      conversation: counter.labels({ kind: 'conversation' }),
      agent: counter.labels({ kind: 'agent' }),
    };
  }

  // ---- DocHost ---------------------------------------------------------------------------------

  async change<T>(name: string, actor: string, fn: (doc: Y.Doc) => T): Promise<T> {
    const live = await this.acquire(name);
    try {
      const { result, entry } = this.serverTransaction(live, actor, fn);
      if (entry) await this.durable(entry);
      return result;
    } finally {
      this.release(live);
    }
  }

  async read<T>(name: string, fn: (doc: Y.Doc) => T): Promise<T> {
    const live = await this.acquire(name);
    try {
      return fn(live.doc);
    } finally {
      this.release(live);
    }
  }

  peek<T>(name: string, fn: (doc: Y.Doc) => T): T | undefined {
    const live = this.docs.get(name);
    return live && !live.gone ? fn(live.doc) : undefined;
  }

  onClientUpdate(listener: (event: ClientUpdateEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onClientUpdateAccepted(listener: (event: ClientUpdateEvent) => void): () => void {
    this.acceptListeners.add(listener);
    return () => this.acceptListeners.delete(listener);
  }

  // ---- connections -----------------------------------------------------------------------------

  /** Loads `name` (if needed) and adds `sub` to its subscribers. Rejects if the name is invalid or loading fails. */
  async subscribe(name: string, sub: DocSubscriber): Promise<LiveDoc> {
    const live = await this.acquire(name);
    live.subscribers.add(sub);
    return live;
  }

  /** Removes `sub`; the document unloads after `idleUnloadMs` when nobody else uses it. */
  unsubscribe(live: LiveDoc, sub: DocSubscriber): void {
    if (!live.subscribers.delete(sub)) return;
    this.release(live);
  }

  /**
   * Validates a client's update and, if accepted, applies it (origin `origin`); it is persisted,
   * then sent to the other subscribers. A refusal changes nothing and is logged and counted.
   * `receivedAt` (performance.now()) feeds the fan-out latency metric.
   */
  applyClientUpdate(live: LiveDoc, update: Uint8Array, origin: ClientOrigin, receivedAt = performance.now()): Validation {
    if (live.gone) return nothingNew();
    const result = validateUpdate(
      { doc: live.doc, name: live.name, ref: live.ref, principal: origin.principal, clientIds: this.opts.clientIds },
      update,
    );
    if (!result.ok) {
      this.opts.metrics.updatesRejected.inc({ reason: result.reason });
      this.opts.logger.warn({
        event: 'update_rejected',
        doc: live.name,
        conn: origin.connectionId,
        agent: origin.principal.agentId,
        reason: result.reason,
        rule: result.rule,
        detail: result.detail,
        bytes: update.byteLength,
      });
      return result;
    }
    if (!result.changes) return result;
    for (const clientId of result.newClientIds) this.opts.clientIds.bind(live.name, clientId, origin.principal.agentId);
    try {
      applyDecoded(live.doc, update, origin, result.decoded);
    } catch (err) {
      // Validation let through something Yjs could not integrate: the in-memory doc may be
      // partly changed, so drop it and let clients resync from the store.
      this.opts.logger.error({ event: 'apply_failed', doc: live.name, conn: origin.connectionId, reason: String(err) });
      this.evict(live);
      return result;
    }
    // Write-ahead records first (outbox staging): they exist whenever the update is durable.
    if (this.acceptListeners.size > 0) this.notify(this.acceptListeners, this.clientEvent(live, update, result.added, origin.principal));
    // Validation guarantees it all applied (no gaps, nothing pending): the bytes received are
    // what is stored and relayed, no re-encoding.
    this.persist(live, update, origin, result.added, receivedAt, result.stored);
    this.applied[live.ref.kind].inc();
    return result;
  }

  /** Resolves once every update applied to `live` so far is durable (before a sync step 2 shows it). */
  whenDurable(live: LiveDoc): Promise<void> | null {
    const last = live.outbox.at(-1);
    return last ? this.durable(last) : null;
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /** Documents in memory. */
  loadedCount(): number {
    return this.docs.size;
  }

  /** Whether `name` is in memory. */
  isLoaded(name: string): boolean {
    return this.docs.has(name);
  }

  /** Waits until every applied update is durable and every compaction has finished. */
  async flush(): Promise<void> {
    for (;;) {
      const pending: Array<Promise<unknown>> = [...this.background];
      for (const live of this.docs.values()) {
        const last = live.outbox.at(-1);
        if (last) pending.push(this.durable(last).catch(() => undefined));
      }
      if (pending.length === 0) return;
      await Promise.allSettled(pending);
    }
  }

  /** Flushes, compacts what is worth it, and drops every document. Later calls fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.loading.values()]);
    await this.flush();
    for (const live of [...this.docs.values()]) this.unload(live, true);
    await this.flush();
  }

  // ---- internals -------------------------------------------------------------------------------

  private async acquire(name: string): Promise<LiveDoc> {
    if (this.closed) throw new Error('the document registry is closed');
    let live = this.docs.get(name);
    if (!live) {
      let loading = this.loading.get(name);
      if (!loading) {
        loading = this.load(name);
        this.loading.set(name, loading);
        const forget = () => this.loading.delete(name);
        loading.then(forget, forget);
      }
      live = await loading;
    }
    live.refs++;
    if (live.idleTimer) {
      clearTimeout(live.idleTimer);
      live.idleTimer = null;
    }
    return live;
  }

  private release(live: LiveDoc): void {
    live.refs--;
    if (live.refs > 0 || live.gone || this.closed) return;
    this.scheduleUnload(live);
  }

  private scheduleUnload(live: LiveDoc): void {
    if (live.idleTimer) clearTimeout(live.idleTimer);
    live.idleTimer = setTimeout(() => {
      live.idleTimer = null;
      this.unload(live, false);
    }, this.idleUnloadMs);
    live.idleTimer.unref();
  }

  private async load(name: string): Promise<LiveDoc> {
    const ref = parseDocName(name);
    if (!ref) throw new Error(`not a document name: ${name}`);
    const started = performance.now();
    const doc = new Y.Doc({ gc: true });
    let live: LiveDoc | null = null;
    const early: Array<[Uint8Array, string]> = [];
    // Subscribe before loading, so nothing published meanwhile is missed.
    const unsubscribe = this.opts.fanout.subscribe(name, (update, from) => {
      if (from === this.processId) return;
      if (live) this.applyFanout(live, update, from);
      else early.push([update, from]);
    });
    try {
      const stored = await this.opts.store.load(name);
      doc.transact(() => {
        if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
        for (const update of stored.updates) Y.applyUpdate(doc, update);
      }, STORAGE_ORIGIN);
      const loaded = new LiveDoc(name, ref, doc, { logCount: stored.updates.length, logBytes: stored.logBytes, lastSeq: stored.lastSeq, snapshotBytes: stored.snapshot?.byteLength ?? 0 }, unsubscribe);
      live = loaded;
      this.docs.set(name, loaded);
      this.opts.metrics.documentsLoaded.inc();
      for (const [update, from] of early) this.applyFanout(loaded, update, from);
      this.opts.logger.debug({ event: 'doc_loaded', doc: name, updates: stored.updates.length, ms: Math.round(performance.now() - started) });
      return loaded;
    } catch (err) {
      unsubscribe();
      doc.destroy();
      this.opts.logger.error({ event: 'doc_load_failed', doc: name, reason: String(err) });
      throw err;
    }
  }

  /** Appends to the store; fan-out waits for durability, in order (drain). */
  private persist(
    live: LiveDoc,
    update: Uint8Array,
    origin: ClientOrigin | ServerOrigin,
    added: Map<string, unknown[]> | null,
    receivedAt: number,
    stored: ReadonlyMap<number, number> | null,
  ): Pending {
    const entry: Pending = { update, origin, durable: false, seq: 0, added, receivedAt, stored, waiters: null };
    live.outbox.push(entry);
    this.opts.store.append(live.name, entry.update).then(
      (seq) => {
        entry.durable = true;
        entry.seq = seq;
        this.drain(live);
      },
      (err: unknown) => this.persistFailed(live, entry, err),
    );
    return entry;
  }

  private drain(live: LiveDoc): void {
    const outbox = live.outbox;
    while (outbox.length > 0 && outbox[0]!.durable) {
      const entry = outbox.shift()!;
      live.logCount++;
      live.logBytes += entry.update.byteLength;
      if (entry.seq > live.lastSeq) live.lastSeq = entry.seq;
      const origin = entry.origin;
      // Fan-out publishes even for a dropped document: the update is durable.
      if (!live.gone) this.broadcast(live, entry.update, origin.kind === 'client' ? origin.connectionId : null, entry.stored);
      this.opts.fanout.publish(live.name, entry.update, this.processId);
      if (origin.kind === 'client') {
        this.opts.metrics.fanoutLatency.observe((performance.now() - entry.receivedAt) / 1000);
        this.emitClientUpdate(live, entry, origin.principal);
      }
      if (entry.waiters) for (const w of entry.waiters) w.resolve();
    }
    this.maybeCompact(live);
  }

  /**
   * Whether the log is worth compacting: measured against the snapshot it follows, so a long
   * conversation is re-encoded each time its log has grown as large as its snapshot (the encoding
   * work per stored byte stays constant, and loading reads at most about twice the document),
   * not every few hundred updates whatever its size.
   */
  private overLimit(live: LiveDoc): boolean {
    const relative = live.snapshotBytes * this.compactLogRatio;
    return (live.logCount >= this.compactAfterUpdates && live.logBytes >= relative) || live.logBytes >= Math.max(this.compactAfterBytes, relative);
  }

  private maybeCompact(live: LiveDoc): void {
    if (!live.compacting && !live.gone && this.overLimit(live)) this.enqueueCompaction(live, 'threshold');
  }

  /**
   * Queues a compaction. Encoding a snapshot takes the event loop for as long as the document is
   * big, so when many documents want one at once (idle unload of everything a burst of clients
   * left behind) they run one after the other with a turn of the event loop between two, and
   * live traffic is served in between. An 'unload' entry keeps the document in memory until its
   * compaction is done, then drops it, unless it is in use again by then.
   */
  private enqueueCompaction(live: LiveDoc, why: 'unload' | 'threshold'): void {
    if (live.queued) {
      if (why === 'unload') live.queued = 'unload';
    } else {
      live.queued = why;
      this.compactQueue.push(live);
    }
    this.startCompactions();
  }

  private startCompactions(): void {
    if (this.compactRunner) return;
    const runner = this.runCompactions().finally(() => {
      this.compactRunner = null;
      this.background.delete(runner);
      // Queued after the loop saw the queue empty, before this ran.
      if (this.compactQueue.length > 0) this.startCompactions();
    });
    this.compactRunner = runner;
    this.background.add(runner);
  }

  private async runCompactions(): Promise<void> {
    for (let live = this.compactQueue.shift(); live; live = this.compactQueue.shift()) {
      const why = live.queued;
      live.queued = null;
      if (live.gone) continue;
      if (why === 'unload') {
        if (live.refs > 0) continue; // in use again: its next release schedules a new unload
        if (live.outbox.length > 0) {
          this.scheduleUnload(live);
          continue;
        }
        await this.compact(live);
        if (!live.gone && live.refs === 0 && live.outbox.length === 0 && !this.closed) {
          this.drop(live);
          this.opts.logger.debug({ event: 'doc_unloaded', doc: live.name });
        }
      } else if (this.overLimit(live)) {
        await this.compact(live);
      }
      // One compaction at a time, waiting for the store too: on a small machine the store's
      // writer thread competes for the same cores, and this keeps it from being flooded.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private emitClientUpdate(live: LiveDoc, entry: Pending, principal: Principal): void {
    if (this.listeners.size === 0) return;
    this.notify(this.listeners, this.clientEvent(live, entry.update, entry.added, principal));
  }

  private clientEvent(live: LiveDoc, update: Uint8Array, added: Map<string, unknown[]> | null, principal: Principal): ClientUpdateEvent {
    return { name: live.name, ref: live.ref, doc: live.doc, principal, update, added: added ?? new Map() };
  }

  private notify<E extends ClientUpdateEvent>(listeners: Set<(event: E) => void>, event: E): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        this.opts.logger.error({ event: 'client_update_listener_failed', doc: event.name, reason: String(err) });
      }
    }
  }

  private persistFailed(live: LiveDoc, entry: Pending, err: unknown): void {
    this.opts.logger.error({ event: 'persist_failed', doc: live.name, reason: String(err) });
    const i = live.outbox.indexOf(entry);
    if (i >= 0) live.outbox.splice(i, 1);
    if (entry.waiters) for (const w of entry.waiters) w.reject(err);
    // The in-memory document now holds something the store does not: drop it, so clients
    // resync against what is stored (and re-send what they still have).
    this.evict(live);
    this.drain(live);
  }

  /**
   * Sends a durable update to every subscriber but its sender (`except`), encoded once per
   * framing; the sender instead gets a `stored` acknowledgement of it on a multiplexed connection
   * (shared/protocol/stored.ts).
   */
  private broadcast(live: LiveDoc, update: Uint8Array, except: string | null, stored: ReadonlyMap<number, number> | null): void {
    if (live.subscribers.size === 0) return;
    const payload = syncFrame(SyncMessage.update, update);
    let frame: SharedFrame | null = null;
    let muxFrame: SharedFrame | null = null;
    for (const sub of live.subscribers) {
      if (sub.connectionId === except) {
        if (sub.multiplexed && stored && stored.size > 0) sub.send(new SharedFrame(prefixed(live.muxPrefix, encodeStored(stored))));
        continue;
      }
      if (sub.multiplexed) sub.send((muxFrame ??= new SharedFrame(prefixed(live.muxPrefix, payload))));
      else sub.send((frame ??= new SharedFrame(payload)));
    }
  }

  private applyFanout(live: LiveDoc, update: Uint8Array, from: string): void {
    if (live.gone) return;
    try {
      Y.applyUpdate(live.doc, update, { kind: 'fanout', from } satisfies Origin);
    } catch (err) {
      this.opts.logger.error({ event: 'fanout_apply_failed', doc: live.name, reason: String(err) });
      return;
    }
    // Persisted by the process that published it; only relayed here.
    this.broadcast(live, update, null, null);
  }

  /** Runs `fn` in a transaction with a server origin and stores what it changed (null: nothing). */
  private serverTransaction<T>(live: LiveDoc, actor: string, fn: (doc: Y.Doc) => T): { result: T; entry: Pending | null } {
    this.reserveServerClientId(live);
    const origin: ServerOrigin = { kind: 'server', actor };
    let result!: T;
    // Yjs encodes a transaction's update only while someone listens: listen just for server
    // changes (client and fan-out updates are persisted and relayed as the bytes received).
    let entry: Pending | null = null;
    const onUpdate = (update: Uint8Array) => {
      entry = this.persist(live, update, origin, null, 0, null);
    };
    live.doc.on('update', onUpdate);
    try {
      live.doc.transact(() => {
        result = fn(live.doc);
      }, origin);
    } finally {
      live.doc.off('update', onUpdate);
    }
    return { result, entry };
  }

  /**
   * The server writes with the document's clientID; reserve it (CID1) so no client can write
   * as the server, and pick another one if a client already owns it.
   */
  private reserveServerClientId(live: LiveDoc): void {
    const doc = live.doc;
    if (live.serverClientId === doc.clientID) return;
    for (;;) {
      const owner = this.opts.clientIds.bind(live.name, doc.clientID, SERVER_OWNER);
      if (owner === SERVER_OWNER) break;
      doc.clientID = Math.floor(Math.random() * 0xffffffff) >>> 0;
    }
    live.serverClientId = doc.clientID;
  }

  private durable(entry: Pending): Promise<void> {
    return new Promise((resolve, reject) => {
      (entry.waiters ??= []).push({ resolve, reject });
    });
  }

  /** Replaces the log by a snapshot of the in-memory document (which holds everything ≤ lastSeq). */
  private compact(live: LiveDoc): Promise<void> {
    if (live.compacting) return live.compacting;
    const started = performance.now();
    const count = live.logCount;
    const bytes = live.logBytes;
    const through = live.lastSeq;
    const snapshot = Y.encodeStateAsUpdate(live.doc);
    let succeeded = false;
    const task = this.opts.store.compact(live.name, snapshot, through).then(
      () => {
        succeeded = true;
        live.logCount -= count;
        live.logBytes -= bytes;
        live.snapshotBytes = snapshot.byteLength;
        this.opts.logger.debug({
          event: 'doc_compacted',
          doc: live.name,
          updates: count,
          bytes: snapshot.byteLength,
          ms: Math.round(performance.now() - started),
        });
      },
      (err: unknown) => {
        this.opts.logger.error({ event: 'compaction_failed', doc: live.name, reason: String(err) });
      },
    );
    const tracked = task.finally(() => {
      live.compacting = null;
      this.background.delete(tracked);
      // Updates drained meanwhile may have passed the limit again.
      if (succeeded && !live.gone) this.maybeCompact(live);
    });
    live.compacting = tracked;
    this.background.add(tracked);
    return tracked;
  }

  private unload(live: LiveDoc, force: boolean): void {
    if (live.gone) return;
    if (!force && live.refs > 0) return;
    if (!force && live.outbox.length > 0) {
      this.scheduleUnload(live);
      return;
    }
    if (live.logCount >= this.compactOnUnloadAfter && live.outbox.length === 0) {
      if (!force) {
        this.enqueueCompaction(live, 'unload');
        return;
      }
      void this.compact(live);
    }
    this.drop(live);
    this.opts.logger.debug({ event: 'doc_unloaded', doc: live.name });
  }

  private evict(live: LiveDoc): void {
    if (live.gone) return;
    const subscribers = [...live.subscribers];
    this.drop(live);
    for (const sub of subscribers) sub.evicted();
  }

  private drop(live: LiveDoc): void {
    live.gone = true;
    if (live.idleTimer) clearTimeout(live.idleTimer);
    live.idleTimer = null;
    if (this.docs.get(live.name) === live) {
      this.docs.delete(live.name);
      this.opts.metrics.documentsLoaded.dec();
    }
    live.unsubscribeFanout();
    live.subscribers.clear();
    this.opts.clientIds.forget(live.name);
    // A running compaction already encoded its snapshot.
    live.doc.destroy();
  }
}
