import type Database from 'better-sqlite3';
import type { DocStore, StoredDoc } from './DocStore.ts';

interface QueuedAppend {
  name: string;
  seq: number;
  update: Uint8Array;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}

/**
 * DocStore on better-sqlite3 (open it with `openDatabase`: WAL, synchronous=NORMAL).
 *
 *   doc_updates    doc | seq | data   one row per appended update, clustered by (doc, seq)
 *   doc_snapshots  doc | data | through_seq   the compacted state of every update ≤ through_seq
 *
 * Group commit: appends made during one turn of the event loop are written in one transaction
 * (at setImmediate, i.e. after the I/O callbacks of that turn), and each promise resolves once
 * that transaction has committed to the WAL, which survives a killed process. One commit costs
 * a few write() syscalls whatever it holds, so under load many updates share them. Sequence
 * numbers are per document (max + 1, kept in memory). See docs/storage.md.
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
  private readonly insertTx: (batch: QueuedAppend[]) => void;
  private readonly compactTx: (name: string, snapshot: Uint8Array, throughSeq: number) => void;
  private readonly deleteTx: (name: string) => void;
  /** Last sequence number handed out per document. */
  private readonly lastSeq = new Map<string, number>();
  private queue: QueuedAppend[] = [];
  private scheduled = false;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now,
  ) {
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
    this.insertUpdate = db.prepare('INSERT INTO doc_updates (doc, seq, data) VALUES (?, ?, ?)');
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
    this.insertTx = db.transaction((batch: QueuedAppend[]) => {
      for (const row of batch) this.insertUpdate.run(row.name, row.seq, row.update);
    });
    this.compactTx = db.transaction((name: string, snapshot: Uint8Array, throughSeq: number) => {
      this.upsertSnapshot.run(name, snapshot, throughSeq, this.now());
      this.deleteUpdatesThrough.run(name, throughSeq);
    });
    this.deleteTx = db.transaction((name: string) => {
      this.deleteUpdates.run(name);
      this.deleteSnapshot.run(name);
    });
  }

  async load(name: string): Promise<StoredDoc> {
    this.flush();
    return this.loadTx(name);
  }

  /** Queues the update for this turn's commit. The buffer must not change until the promise resolves. */
  append(name: string, update: Uint8Array): Promise<number> {
    let seq = this.lastSeq.get(name);
    if (seq === undefined) seq = this.selectMaxSeq.get(name, name)?.seq ?? 0;
    seq++;
    this.lastSeq.set(name, seq);
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ name, seq, update, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  async compact(name: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    this.flush();
    this.compactTx(name, snapshot, throughSeq);
  }

  async list(prefix = ''): Promise<string[]> {
    this.flush();
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
    this.deleteTx(name);
    this.lastSeq.delete(name);
  }

  /** Commits every queued append now (also runs by itself once per event-loop turn). */
  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      this.insertTx(batch);
    } catch (err) {
      // Nothing of the batch is stored: forget the sequence numbers it used.
      for (const row of batch) this.lastSeq.delete(row.name);
      for (const row of batch) row.reject(err);
      return;
    }
    for (const row of batch) row.resolve(row.seq);
  }
}

/** A Uint8Array view of a Buffer from SQLite (no copy; Yjs and lib0 treat both alike). */
function toBytes(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
