import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { type DocWrites, prepareDocWrites } from './docWrites.mjs';

export interface WriterRow {
  name: string;
  seq: number;
  update: Uint8Array;
}

/**
 * Performs SqliteDocStore's writes to doc_update_packs / doc_updates / doc_snapshots, in the order asked. The
 * worker version keeps every commit, page write and WAL checkpoint (fsync) off the event loop.
 */
export interface DocWriter {
  /**
   * Reads the intact records of closed update-log files and inserts them as one pack per
   * document and file set (INSERT OR IGNORE on (doc, last_seq)), all or none.
   */
  insertLog(paths: string[]): Promise<void>;
  compact(name: string, snapshot: Uint8Array, throughSeq: number, at: number): Promise<void>;
  delete(name: string): Promise<void>;
  /** Resolves once everything asked before is done. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Writes on the caller's connection, synchronously (in-memory databases, and start-up replay). */
export class InlineDocWriter implements DocWriter {
  private readonly writes: DocWrites;

  constructor(db: Database.Database) {
    this.writes = prepareDocWrites(db);
  }

  /** Synchronous insert (throws), for callers that need it done before they return. */
  insertNow(rows: WriterRow[]): void {
    this.writes.insertRows(rows);
  }

  insertLog(paths: string[]): Promise<void> {
    return attempt(() => this.writes.insertLog(paths));
  }
  compact(name: string, snapshot: Uint8Array, throughSeq: number, at: number): Promise<void> {
    return attempt(() => this.writes.compact(name, snapshot, throughSeq, at));
  }
  delete(name: string): Promise<void> {
    return attempt(() => this.writes.delete(name));
  }
  sync(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function attempt(fn: () => void): Promise<void> {
  try {
    fn();
    return Promise.resolve();
  } catch (err) {
    return Promise.reject(err);
  }
}

type Op =
  | { op: 'insert-log'; paths: string[] }
  | { op: 'compact'; name: string; snapshot: Uint8Array; throughSeq: number; at: number }
  | { op: 'delete'; name: string }
  | { op: 'sync' }
  | { op: 'close' };

interface InFlight {
  message: Op & { id: number };
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Writes through `docWriter.worker.mjs`, a worker thread with its own connection to the
 * database file. Requests are answered in order; if the worker dies, a new one is started and
 * everything unanswered is sent again (every operation is idempotent).
 */
export class WorkerDocWriter implements DocWriter {
  private worker!: Worker;
  private nextId = 1;
  private readonly inFlight = new Map<number, InFlight>();
  private closing = false;
  /** Restarts since the last answer; past a few, the writer gives up. */
  private restarts = 0;
  private failed: Error | null = null;

  constructor(private readonly path: string) {
    this.spawn();
  }

  insertLog(paths: string[]): Promise<void> {
    return this.call({ op: 'insert-log', paths });
  }
  compact(name: string, snapshot: Uint8Array, throughSeq: number, at: number): Promise<void> {
    return this.call({ op: 'compact', name, snapshot, throughSeq, at });
  }
  delete(name: string): Promise<void> {
    return this.call({ op: 'delete', name });
  }
  sync(): Promise<void> {
    return this.inFlight.size === 0 ? Promise.resolve() : this.call({ op: 'sync' });
  }
  async close(): Promise<void> {
    if (this.closing) return;
    const done = this.call({ op: 'close' });
    this.closing = true;
    await done;
    await this.worker.terminate();
  }

  private call(op: Op): Promise<void> {
    if (this.closing) return Promise.reject(new Error('the document writer is closed'));
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      const message = { ...op, id: this.nextId++ };
      this.inFlight.set(message.id, { message, resolve, reject });
      this.worker.postMessage(message);
    });
  }

  private spawn(): void {
    const worker = new Worker(new URL('./docWriter.worker.mjs', import.meta.url), { workerData: { path: this.path } });
    worker.unref();
    worker.on('message', (reply: { id: number; ok: boolean; error?: string }) => {
      const call = this.inFlight.get(reply.id);
      if (!call) return;
      this.restarts = 0;
      this.inFlight.delete(reply.id);
      if (reply.ok) call.resolve();
      else call.reject(new Error(reply.error ?? 'document writer failed'));
    });
    worker.on('error', () => {
      // followed by 'exit'
    });
    worker.on('exit', () => {
      if (this.worker !== worker || this.closing || ++this.restarts > 3) {
        if (!this.closing) this.failed = new Error('the document writer keeps stopping');
        for (const call of this.inFlight.values()) call.reject(this.failed ?? new Error('the document writer stopped'));
        this.inFlight.clear();
        return;
      }
      this.spawn();
      for (const call of [...this.inFlight.values()].sort((a, b) => a.message.id - b.message.id)) this.worker.postMessage(call.message);
    });
    this.worker = worker;
  }
}
