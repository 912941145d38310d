import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import type Database from 'better-sqlite3';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { DocStore, StoredDoc } from './DocStore.ts';

/** File of not-yet-checkpointed updates, beside the database file. */
export const UPDATE_LOG_FILE = 'doc-updates.log';

export interface SqliteDocStoreOptions {
  /**
   * Path of the update log, or false to commit every append to SQLite directly. Default: beside
   * the database file, or false for an in-memory database.
   */
  updateLog?: string | false;
  /** Move logged updates into SQLite after this long (ms, default 200)… */
  checkpointAfterMs?: number;
  /** …or as soon as this many are pending (default 1000). */
  checkpointAfterUpdates?: number;
  now?: () => number;
}

interface QueuedAppend {
  name: string;
  seq: number;
  update: Uint8Array;
  /** The encoded log record (null without an update log). */
  record: Buffer | null;
  /** Offset of the update inside `record`. */
  at: number;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}

/**
 * DocStore on better-sqlite3 (open the database with `openDatabase`: WAL, synchronous=NORMAL).
 *
 *   doc_updates    doc | seq | data   one row per update, clustered by (doc, seq)
 *   doc_snapshots  doc | data | through_seq   the compacted state of every update ≤ through_seq
 *   doc-updates.log   updates appended since the last checkpoint (see below)
 *
 * Appending: the appends of one event-loop turn are written together, at setImmediate, as
 * checksummed records with one write() to an append-only log file, and their promises resolve
 * once that write returned: the bytes are in the OS page cache, which survives a killed
 * process, the same guarantee a WAL commit with synchronous=NORMAL gives, for a tenth of the
 * CPU (one syscall, where a SQLite commit makes about a dozen). A checkpoint moves the logged
 * updates into `doc_updates` in one transaction (every 200 ms, or after 1,000 updates, and
 * before load/compact/list/delete see the tables) and truncates the log. At start, the log is
 * replayed (INSERT OR IGNORE on (doc, seq), so a replay after a crash between the two steps adds
 * nothing) up to the first torn or corrupt record. One store per data directory at a time.
 * Details: docs/storage.md.
 */
export class SqliteDocStore implements DocStore {
  private readonly insertUpdate: Database.Statement<[string, number, Uint8Array]>;
  private readonly selectUpdates: Database.Statement<[string], { seq: number; data: Buffer }>;
  private readonly selectSnapshot: Database.Statement<[string], { data: Buffer; through_seq: number }>;
  private readonly selectMaxSeq: Database.Statement<[string, string], { seq: number | null }>;
  private readonly upsertSnapshot: Database.Statement<[string, Uint8Array, number, number]>;
  private readonly deleteUpdatesThrough: Database.Statement<[string, number]>;
  private readonly deleteUpdates: Database.Statement<[string]>;
  private readonly deleteSnapshot: Database.Statement<[string]>;
  private readonly loadTx: (name: string) => StoredDoc;
  private readonly insertTx: (rows: Array<{ name: string; seq: number; update: Uint8Array }>) => void;
  private readonly compactTx: (name: string, snapshot: Uint8Array, throughSeq: number) => void;
  private readonly deleteTx: (name: string) => void;
  private readonly now: () => number;
  private readonly checkpointAfterMs: number;
  private readonly checkpointAfterUpdates: number;
  /** Last sequence number handed out per document. */
  private readonly lastSeq = new Map<string, number>();
  private queue: QueuedAppend[] = [];
  private scheduled = false;
  /** Logged (durable) updates not yet in `doc_updates`, per document, in seq order. */
  private pending = new Map<string, Array<{ seq: number; update: Uint8Array }>>();
  private pendingCount = 0;
  private logFd: number | null = null;
  private logSize = 0;
  private checkpointTimer: NodeJS.Timeout | null = null;
  /** Set when the log could not be written nor repaired: every later append fails. */
  private broken: Error | null = null;
  private closed = false;
  /** What the start-up replay of the update log found. */
  readonly recovered: { updates: number; discardedBytes: number } = { updates: 0, discardedBytes: 0 };

  constructor(
    private readonly db: Database.Database,
    opts: SqliteDocStoreOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.checkpointAfterMs = opts.checkpointAfterMs ?? 200;
    this.checkpointAfterUpdates = opts.checkpointAfterUpdates ?? 1000;
    db.exec(`
      CREATE TABLE IF NOT EXISTS doc_updates (
        doc TEXT NOT NULL,
        seq INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (doc, seq)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS doc_snapshots (
        doc TEXT PRIMARY KEY,
        data BLOB NOT NULL,
        through_seq INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `);
    this.insertUpdate = db.prepare('INSERT OR IGNORE INTO doc_updates (doc, seq, data) VALUES (?, ?, ?)');
    this.selectUpdates = db.prepare('SELECT seq, data FROM doc_updates WHERE doc = ? ORDER BY seq');
    this.selectSnapshot = db.prepare('SELECT data, through_seq FROM doc_snapshots WHERE doc = ?');
    this.selectMaxSeq = db.prepare(
      `SELECT max(seq) AS seq FROM (
         SELECT max(seq) AS seq FROM doc_updates WHERE doc = ?
         UNION ALL SELECT through_seq FROM doc_snapshots WHERE doc = ?)`,
    );
    this.upsertSnapshot = db.prepare(
      `INSERT INTO doc_snapshots (doc, data, through_seq, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (doc) DO UPDATE SET data = excluded.data,
         through_seq = max(through_seq, excluded.through_seq), updated_at = excluded.updated_at`,
    );
    this.deleteUpdatesThrough = db.prepare('DELETE FROM doc_updates WHERE doc = ? AND seq <= ?');
    this.deleteUpdates = db.prepare('DELETE FROM doc_updates WHERE doc = ?');
    this.deleteSnapshot = db.prepare('DELETE FROM doc_snapshots WHERE doc = ?');

    this.loadTx = db.transaction((name: string): StoredDoc => {
      const snap = this.selectSnapshot.get(name);
      const rows = this.selectUpdates.all(name);
      let logBytes = 0;
      const updates = rows.map((row) => {
        logBytes += row.data.byteLength;
        return toBytes(row.data);
      });
      const lastSeq = Math.max(rows.at(-1)?.seq ?? 0, snap?.through_seq ?? 0);
      return { snapshot: snap ? toBytes(snap.data) : null, updates, lastSeq, logBytes };
    });
    this.insertTx = db.transaction((rows: Array<{ name: string; seq: number; update: Uint8Array }>) => {
      for (const row of rows) this.insertUpdate.run(row.name, row.seq, row.update);
    });
    this.compactTx = db.transaction((name: string, snapshot: Uint8Array, throughSeq: number) => {
      this.upsertSnapshot.run(name, snapshot, throughSeq, this.now());
      this.deleteUpdatesThrough.run(name, throughSeq);
    });
    this.deleteTx = db.transaction((name: string) => {
      this.deleteUpdates.run(name);
      this.deleteSnapshot.run(name);
    });

    const logPath = opts.updateLog ?? (db.memory ? false : join(dirname(db.name), UPDATE_LOG_FILE));
    if (logPath) this.openLog(logPath);
  }

  async load(name: string): Promise<StoredDoc> {
    this.flush();
    const stored = this.loadTx(name);
    const logged = this.pending.get(name);
    if (logged) {
      for (const row of logged) {
        stored.updates.push(row.update);
        stored.logBytes += row.update.byteLength;
        if (row.seq > stored.lastSeq) stored.lastSeq = row.seq;
      }
    }
    return stored;
  }

  /** Queues the update for this turn's write. The buffer must not change until the promise resolves. */
  append(name: string, update: Uint8Array): Promise<number> {
    if (this.closed || this.broken) return Promise.reject(this.broken ?? new Error('the document store is closed'));
    let seq = this.lastSeq.get(name);
    if (seq === undefined) seq = this.maxStoredSeq(name);
    seq++;
    this.lastSeq.set(name, seq);
    const record = this.logFd === null ? null : encodeRecord(name, seq, update);
    const at = record ? record.length - update.byteLength : 0;
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ name, seq, update, record, at, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  async compact(name: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    this.flush();
    this.checkpoint();
    this.compactTx(name, snapshot, throughSeq);
  }

  async list(prefix = ''): Promise<string[]> {
    this.flush();
    this.checkpoint();
    const rows = prefix
      ? this.db
          .prepare<[string, string, string, string], { doc: string }>(
            `SELECT doc FROM doc_snapshots WHERE doc >= ? AND doc < ?
             UNION SELECT DISTINCT doc FROM doc_updates WHERE doc >= ? AND doc < ? ORDER BY doc`,
          )
          .all(prefix, `${prefix}\u{10FFFF}`, prefix, `${prefix}\u{10FFFF}`)
      : this.db
          .prepare<[], { doc: string }>('SELECT doc FROM doc_snapshots UNION SELECT DISTINCT doc FROM doc_updates ORDER BY doc')
          .all();
    return rows.map((row) => row.doc);
  }

  async delete(name: string): Promise<void> {
    this.flush();
    this.checkpoint();
    this.deleteTx(name);
    this.lastSeq.delete(name);
  }

  /** Writes every queued append now (also runs by itself once per event-loop turn). */
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
      if (this.logFd === null) this.insertTx(batch);
      else this.writeLog(batch);
    } catch (err) {
      for (const row of batch) this.lastSeq.delete(row.name);
      for (const row of batch) row.reject(err);
      return;
    }
    for (const row of batch) row.resolve(row.seq);
    if (this.logFd !== null) {
      if (this.pendingCount >= this.checkpointAfterUpdates) this.tryCheckpoint();
      else if (!this.checkpointTimer) {
        this.checkpointTimer = setTimeout(() => {
          this.checkpointTimer = null;
          this.tryCheckpoint();
        }, this.checkpointAfterMs);
        this.checkpointTimer.unref();
      }
    }
  }

  /** Moves every logged update into `doc_updates` (one transaction) and empties the log. */
  checkpoint(): void {
    if (this.checkpointTimer) {
      clearTimeout(this.checkpointTimer);
      this.checkpointTimer = null;
    }
    if (this.logFd === null || this.pendingCount === 0) return;
    const rows: Array<{ name: string; seq: number; update: Uint8Array }> = [];
    for (const [name, list] of this.pending) for (const row of list) rows.push({ name, seq: row.seq, update: row.update });
    this.insertTx(rows);
    this.pending = new Map();
    this.pendingCount = 0;
    // If truncating fails the records stay and are replayed (and ignored) at the next start.
    try {
      ftruncateSync(this.logFd, 0);
      this.logSize = 0;
    } catch {
      // keep going: appends continue after the old records
    }
  }

  /** Writes and checkpoints everything, then closes the log. Appending afterwards fails. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.logFd !== null) {
      try {
        if (this.db.open) this.checkpoint();
      } finally {
        if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
        closeSync(this.logFd);
        this.logFd = null;
      }
    }
  }

  // ---- internals -----------------------------------------------------------------------------

  private maxStoredSeq(name: string): number {
    let seq = this.selectMaxSeq.get(name, name)?.seq ?? 0;
    const logged = this.pending.get(name);
    if (logged?.length) seq = Math.max(seq, logged[logged.length - 1]!.seq);
    return seq;
  }

  private tryCheckpoint(): void {
    try {
      if (this.db.open) this.checkpoint();
    } catch {
      // The records are safe in the log; the next checkpoint (or start) moves them.
    }
  }

  private writeLog(batch: QueuedAppend[]): void {
    const fd = this.logFd!;
    const buf = batch.length === 1 ? batch[0]!.record! : Buffer.concat(batch.map((row) => row.record!));
    try {
      let written = 0;
      while (written < buf.length) written += writeSync(fd, buf, written, buf.length - written);
    } catch (err) {
      // Cut off what was half written, so the log stays a sequence of whole records.
      try {
        ftruncateSync(fd, this.logSize);
      } catch {
        this.broken = new Error(`the update log could not be written or repaired: ${String(err)}`);
      }
      throw err;
    }
    this.logSize += buf.length;
    for (const row of batch) {
      let list = this.pending.get(row.name);
      if (!list) this.pending.set(row.name, (list = []));
      // Keep the record's own copy: the caller may reuse its buffer once the append resolved.
      list.push({ seq: row.seq, update: row.record!.subarray(row.at) });
      this.pendingCount++;
    }
  }

  /** Replays what a previous run logged but did not checkpoint, then opens the log for appending. */
  private openLog(path: string): void {
    if (existsSync(path)) {
      const data = readFileSync(path);
      const { records, validBytes } = decodeRecords(data);
      const rows = records.filter((r) => r.seq > (this.selectSnapshot.get(r.name)?.through_seq ?? 0));
      this.insertTx(rows);
      this.recovered.updates = rows.length;
      this.recovered.discardedBytes = data.length - validBytes;
    }
    this.logFd = openSync(path, 'a');
    ftruncateSync(this.logFd, 0);
    this.logSize = 0;
  }
}

/**
 * One log record (little-endian):
 *
 *   u32 bodyLength | u32 crc32(body) | body = varString docName | varUint seq | update bytes
 */
export function encodeRecord(name: string, seq: number, update: Uint8Array): Buffer {
  const enc = encoding.createEncoder();
  encoding.writeVarString(enc, name);
  encoding.writeVarUint(enc, seq);
  const head = encoding.toUint8Array(enc);
  const bodyLength = head.length + update.byteLength;
  const out = Buffer.allocUnsafe(8 + bodyLength);
  out.set(head, 8);
  out.set(update, 8 + head.length);
  out.writeUInt32LE(bodyLength, 0);
  out.writeUInt32LE(crc32(out.subarray(8)), 4);
  return out;
}

/** Reads whole, intact records from the start of `data`; stops at the first torn or corrupt one. */
export function decodeRecords(data: Uint8Array): { records: Array<{ name: string; seq: number; update: Uint8Array }>; validBytes: number } {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const records: Array<{ name: string; seq: number; update: Uint8Array }> = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const bodyLength = buf.readUInt32LE(at);
    if (at + 8 + bodyLength > buf.length) break;
    const body = buf.subarray(at + 8, at + 8 + bodyLength);
    if (crc32(body) !== buf.readUInt32LE(at + 4)) break;
    try {
      const decoder = decoding.createDecoder(body);
      const name = decoding.readVarString(decoder);
      const seq = decoding.readVarUint(decoder);
      records.push({ name, seq, update: new Uint8Array(body.subarray(decoder.pos)) });
    } catch {
      break;
    }
    at += 8 + bodyLength;
  }
  return { records, validBytes: at };
}

/** A Uint8Array view of a Buffer from SQLite (no copy; Yjs and lib0 treat both alike). */
function toBytes(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
