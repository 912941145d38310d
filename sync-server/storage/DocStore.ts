/**
 * Durable storage of Yjs documents: per document, an optional snapshot plus the log of updates
 * appended since. Implementations: SqliteDocStore (default), MemoryDocStore (tests); later a
 * PostgreSQL store. Every implementation passes `docStoreContract.ts`.
 *
 * Updates are opaque Yjs v1 updates. Sequence numbers increase strictly within a document (they
 * may be shared across documents) and are only meaningful to `compact`.
 */
export interface DocStore {
  /** Everything stored for `name`: snapshot (or null) and the updates appended after it, in order. */
  load(name: string): Promise<StoredDoc>;

  /**
   * Appends one update to the log of `name`. Durable when the promise resolves (survives a
   * killed process), and resolves with the update's sequence number.
   */
  append(name: string, update: Uint8Array): Promise<number>;

  /**
   * Atomically replaces the snapshot and every logged update with seq ≤ `throughSeq` by
   * `snapshot`, which must contain all of them. Updates appended after `throughSeq` stay.
   */
  compact(name: string, snapshot: Uint8Array, throughSeq: number): Promise<void>;

  /** Names of the stored documents starting with `prefix` (all when omitted), sorted. */
  list(prefix?: string): Promise<string[]>;

  /** Removes a document's snapshot and log. Deleting an unknown document is a no-op. */
  delete(name: string): Promise<void>;

  /** Optional: writes out anything buffered and releases files; the store is unusable after. */
  close?(): Promise<void>;
}

export interface StoredDoc {
  snapshot: Uint8Array | null;
  /** Updates appended after the snapshot, oldest first. */
  updates: Uint8Array[];
  /** Sequence number of the last update (or of the last compacted one), 0 when nothing is stored. */
  lastSeq: number;
  /** Total bytes of `updates` (what compaction would save). */
  logBytes: number;
}
