import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { type DocWriter, InlineDocWriter, WorkerDocWriter } from './DocWriter.ts';
import type { DocStore, StoredDoc } from './DocStore.ts';
import { decodePack, encodeRecord } from './logFormat.mjs';
import { BrokenLogError, UpdateLog } from './UpdateLog.ts';

export interface SqliteDocStoreOptions {
  /**
   * Keep appends in the update log and write SQLite from a worker thread (default for a database
   * file). Without it (default for `:memory:`) every append is committed on the caller's
   * connection.
   */
  updateLog?: boolean;
  /** With the update log: write SQLite from a worker thread (default) or, when false, at each checkpoint on the caller's connection. */
  writerThread?: boolean;
  /** Move logged updates into SQLite this long after an append (ms, default 1000)… */
  checkpointAfterMs?: number;
  /** …or as soon as this many wait (default 5000). */
  checkpointAfterUpdates?: number;
  now?: () => number;
}

interface QueuedAppend {
  name: string;
  seq: number;
  update: Uint8Array;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}

/**
 * DocStore on better-sqlite3 (open the database with `openDatabase`: WAL, synchronous=NORMAL).
 *
 *   doc_update_packs  doc | last_seq | data   a checkpoint's updates of one document (logFormat.mjs)
 *   doc_updates    doc | seq | data   one row per update (start-up replay; in-memory databases)
 *   doc_snapshots  doc | data | through_seq   the compacted state of every update ≤ through_seq
 *   doc-updates.<n>.log   appended updates not yet in SQLite (UpdateLog)
 *
 * Appending: the appends made by one callback (e.g. every frame of one socket read) are written
 * in a microtask right after it, with one write() to the update log, and their promises resolve
 * once it returned (durable against a killed process, like a WAL commit with synchronous=NORMAL,
 * for one syscall instead of a dozen). Nothing appended stays in memory: a checkpoint (1 s
 * after an append, or at 5,000 waiting) closes the log file and hands its path to the document
 * writer, a worker thread with its own connection, which reads it and inserts one pack per
 * document (INSERT OR IGNORE on (doc, last_seq)); once it confirms, the file is deleted.
 * Compaction and deletion go through the same writer, in order. Reads use the caller's
 * connection; loading a document that still has updates in the log checkpoints first. At start,
 * what earlier runs left in the log is replayed. Nothing here writes SQLite on the event loop
 * after start-up. One store per data directory at a time. See docs/storage.md.
 */
export class SqliteDocStore implements DocStore {
  private readonly selectUpdates: Database.Statement<[string, number], { seq: number; data: Buffer }>;
  private readonly selectPacks: Database.Statement<[string, number], { data: Buffer }>;
  private readonly selectSnapshot: Database.Statement<[string], { data: Buffer; through_seq: number }>;
  private readonly selectMaxSeq: Database.Statement<[string, string, string], { seq: number | null }>;
  private readonly loadTx: (name: string) => StoredDoc;
  private readonly now: () => number;
  private readonly checkpointAfterMs: number;
  private readonly checkpointAfterUpdates: number;
  private readonly inline: InlineDocWriter;
  private readonly writer: DocWriter;
  private readonly log: UpdateLog | null = null;
  /** Last sequence number handed out per document. */
  private readonly lastSeq = new Map<string, number>();
  private queue: QueuedAppend[] = [];
  private scheduled = false;
  /** Documents with updates in log files SQLite has not confirmed: the newest such file of each. */
  private readonly inLog = new Map<string, number>();
  /** Log files closed and not yet confirmed in SQLite (handed to the writer or waiting to be). */
  private readonly unconfirmed = new Set<number>();
  /** Of those, the ones not handed to the writer yet (or to hand again after a failure). */
  private unsentFiles: number[] = [];
  /** Updates written to the current log file since it was opened. */
  private unsentUpdates = 0;
  private checkpointTimer: NodeJS.Timeout | null = null;
  /** The last checkpoint handed to the writer (resolves when SQLite has it). */
  private lastCheckpoint: Promise<void> = Promise.resolve();
  private broken: Error | null = null;
  private closed = false;
  /** What the start-up replay of the update log found. */
  readonly recovered: { updates: number; discardedBytes: number } = { updates: 0, discardedBytes: 0 };

  constructor(
    private readonly db: Database.Database,
    opts: SqliteDocStoreOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    // Long enough that a checkpoint writes each touched page once for many rows (the writer's
    // cost is mostly pages, not rows); the event loop never waits for it.
    this.checkpointAfterMs = opts.checkpointAfterMs ?? 1000;
    this.checkpointAfterUpdates = opts.checkpointAfterUpdates ?? 5000;
    db.exec(`
      CREATE TABLE IF NOT EXISTS doc_updates (
        doc TEXT NOT NULL,
        seq INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (doc, seq)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS doc_update_packs (
        doc TEXT NOT NULL,
        last_seq INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (doc, last_seq)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS doc_snapshots (
        doc TEXT PRIMARY KEY,
        data BLOB NOT NULL,
        through_seq INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `);
    this.selectUpdates = db.prepare('SELECT seq, data FROM doc_updates WHERE doc = ? AND seq > ? ORDER BY seq');
    this.selectPacks = db.prepare('SELECT data FROM doc_update_packs WHERE doc = ? AND last_seq > ? ORDER BY last_seq');
    this.selectSnapshot = db.prepare('SELECT data, through_seq FROM doc_snapshots WHERE doc = ?');
    this.selectMaxSeq = db.prepare(
      `SELECT max(seq) AS seq FROM (
         SELECT max(seq) AS seq FROM doc_updates WHERE doc = ?
         UNION ALL SELECT max(last_seq) FROM doc_update_packs WHERE doc = ?
         UNION ALL SELECT through_seq FROM doc_snapshots WHERE doc = ?)`,
    );
    this.loadTx = db.transaction((name: string): StoredDoc => {
      const snap = this.selectSnapshot.get(name);
      const through = snap?.through_seq ?? 0;
      // Rows (start-up replay, in-memory databases) and packs (checkpoints); a pack may straddle
      // the snapshot, and a replayed log may repeat what a pack holds: keep each seq once, > through.
      const bySeq = new Map<number, Uint8Array>();
      for (const row of this.selectUpdates.all(name, through)) bySeq.set(row.seq, toBytes(row.data));
      for (const pack of this.selectPacks.all(name, through)) {
        for (const { seq, update } of decodePack(toBytes(pack.data))) if (seq > through) bySeq.set(seq, update);
      }
      const seqs = [...bySeq.keys()].sort((a, b) => a - b);
      let logBytes = 0;
      const updates = seqs.map((seq) => {
        const update = bySeq.get(seq)!;
        logBytes += update.byteLength;
        return update;
      });
      const lastSeq = Math.max(seqs.at(-1) ?? 0, through);
      return { snapshot: snap ? toBytes(snap.data) : null, updates, lastSeq, logBytes };
    });
    this.inline = new InlineDocWriter(db);

    if (opts.updateLog ?? !db.memory) {
      const { log, leftover } = UpdateLog.open(dirname(db.name));
      // Replay what earlier runs logged (skipping what a snapshot already holds), then drop it.
      const rows = leftover.records.filter((r) => r.seq > (this.selectSnapshot.get(r.name)?.through_seq ?? 0));
      this.inline.insertNow(rows);
      log.remove(leftover.files);
      this.recovered.updates = rows.length;
      this.recovered.discardedBytes = leftover.discardedBytes;
      this.log = log;
      this.writer = opts.writerThread === false ? this.inline : new WorkerDocWriter(db.name);
    } else {
      this.writer = this.inline;
    }
  }

  async load(name: string): Promise<StoredDoc> {
    this.flush();
    // Rare: documents are loaded once and kept while in use; one unloaded and loaded again
    // within a checkpoint interval waits for its updates to reach SQLite.
    if (this.inLog.has(name)) await this.checkpoint();
    return this.loadTx(name);
  }

  /** Queues the update for the write that follows the current callback. The buffer must not change until the promise resolves. */
  append(name: string, update: Uint8Array): Promise<number> {
    if (this.closed || this.broken) return Promise.reject(this.broken ?? new Error('the document store is closed'));
    let seq = this.lastSeq.get(name);
    if (seq === undefined) seq = this.maxSeq(name);
    seq++;
    this.lastSeq.set(name, seq);
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ name, seq, update, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => this.flush());
      }
    });
  }

  async compact(name: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    this.flush();
    void this.handOver().catch(() => undefined);
    await this.writer.compact(name, snapshot, throughSeq, this.now());
  }

  async list(prefix = ''): Promise<string[]> {
    await this.checkpoint();
    const rows = prefix
      ? this.db
          .prepare<[string, string, string, string, string, string], { doc: string }>(
            `SELECT doc FROM doc_snapshots WHERE doc >= ? AND doc < ?
             UNION SELECT DISTINCT doc FROM doc_updates WHERE doc >= ? AND doc < ?
             UNION SELECT DISTINCT doc FROM doc_update_packs WHERE doc >= ? AND doc < ? ORDER BY doc`,
          )
          .all(prefix, `${prefix}\u{10FFFF}`, prefix, `${prefix}\u{10FFFF}`, prefix, `${prefix}\u{10FFFF}`)
      : this.db
          .prepare<[], { doc: string }>(
            'SELECT doc FROM doc_snapshots UNION SELECT DISTINCT doc FROM doc_updates UNION SELECT DISTINCT doc FROM doc_update_packs ORDER BY doc',
          )
          .all();
    return rows.map((row) => row.doc);
  }

  async delete(name: string): Promise<void> {
    this.flush();
    void this.handOver().catch(() => undefined);
    await this.writer.delete(name);
    this.lastSeq.delete(name);
  }

  /** Writes every queued append now (also runs by itself in a microtask after the first append). */
  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    if (this.broken) {
      for (const row of batch) row.reject(this.broken);
      return;
    }
    try {
      if (this.log) this.writeLog(batch);
      else this.inline.insertNow(batch);
    } catch (err) {
      if (err instanceof BrokenLogError) this.broken = err;
      for (const row of batch) this.lastSeq.delete(row.name);
      for (const row of batch) row.reject(err);
      return;
    }
    for (const row of batch) row.resolve(row.seq);
    if (this.log) this.scheduleCheckpoint();
  }

  /** Resolves once every update appended so far is in SQLite. */
  async checkpoint(): Promise<void> {
    this.flush();
    await this.handOver();
    await this.writer.sync();
  }

  /** Writes out and checkpoints everything, then stops the writer. Appending afterwards fails. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    if (!this.log) return;
    try {
      await this.handOver();
    } finally {
      await this.writer.close();
      this.log.close();
    }
  }

  // ---- internals -----------------------------------------------------------------------------

  /** SQLite's highest sequence number of a document this process has not appended to yet (the log holds none of it). */
  private maxSeq(name: string): number {
    return this.selectMaxSeq.get(name, name, name)?.seq ?? 0;
  }

  private writeLog(batch: QueuedAppend[]): void {
    const log = this.log!;
    if (batch.length === 1) {
      const row = batch[0]!;
      log.write(encodeRecord(row.name, row.seq, row.update));
    } else {
      log.write(Buffer.concat(batch.map((row) => encodeRecord(row.name, row.seq, row.update))));
    }
    const file = log.current;
    for (const row of batch) this.inLog.set(row.name, file);
    this.unsentUpdates += batch.length;
  }

  private scheduleCheckpoint(): void {
    if (this.unsentUpdates >= this.checkpointAfterUpdates) {
      void this.handOver().catch(() => undefined);
      return;
    }
    if (this.checkpointTimer) return;
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = null;
      void this.handOver().catch(() => undefined);
    }, this.checkpointAfterMs);
    this.checkpointTimer.unref();
  }

  /**
   * Closes the current log file (when it holds anything) and hands every closed, unconfirmed
   * file to the writer, which reads them into SQLite; once it confirms, the files are deleted.
   * A failed hand-over is retried at the next one.
   */
  private handOver(): Promise<void> {
    if (this.checkpointTimer) {
      clearTimeout(this.checkpointTimer);
      this.checkpointTimer = null;
    }
    const log = this.log;
    if (!log) return this.lastCheckpoint;
    if (!log.empty) {
      const closed = log.rotate();
      this.unconfirmed.add(closed);
      this.unsentFiles.push(closed);
      this.unsentUpdates = 0;
    }
    if (this.unsentFiles.length === 0) return this.lastCheckpoint;
    const files = this.unsentFiles;
    this.unsentFiles = [];
    const done = this.writer.insertLog(files.map((id) => log.pathOf(id))).then(
      () => {
        log.remove(files);
        this.confirmed(files);
      },
      (err: unknown) => {
        this.unsentFiles = files.concat(this.unsentFiles);
        this.scheduleCheckpoint();
        throw err;
      },
    );
    this.lastCheckpoint = done;
    return done;
  }

  /** SQLite has `files`: documents whose newest logged update is older than every unconfirmed file are read from SQLite alone again. */
  private confirmed(files: number[]): void {
    for (const id of files) this.unconfirmed.delete(id);
    let oldest = this.log!.current;
    for (const id of this.unconfirmed) if (id < oldest) oldest = id;
    for (const [name, file] of this.inLog) if (file < oldest) this.inLog.delete(name);
  }
}

/** A Uint8Array view of a Buffer from SQLite (no copy; Yjs and lib0 treat both alike). */
function toBytes(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
