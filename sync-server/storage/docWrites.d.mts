// Types of docWrites.mjs (SqliteDocStore's writes, shared by the inline and the worker writer).
import type Database from 'better-sqlite3';

export interface DocWrites {
  /** One row per update (INSERT OR IGNORE on (doc, seq)), all or none. */
  insertRows(rows: ReadonlyArray<{ name: string; seq: number; update: Uint8Array }>): void;
  /** Closed update-log files as one pack per document (INSERT OR IGNORE on (doc, last_seq)), all or none. */
  insertLog(paths: readonly string[]): void;
  /** Stores the snapshot through `throughSeq` and drops the rows and packs it holds. */
  compact(name: string, snapshot: Uint8Array, throughSeq: number, at: number): void;
  delete(name: string): void;
}

export function prepareDocWrites(db: Database.Database): DocWrites;
