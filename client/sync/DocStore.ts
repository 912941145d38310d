/**
 * Local persistence of Yjs documents, as the sync client sees it. Writes are queued and
 * batched; `flush` starts writing everything queued at once (called at pagehide).
 */
export interface DocStore {
  /** Every stored update of a document, oldest first, including ones still queued. */
  load(name: string): Promise<Uint8Array[]>;
  /** Same as `load` for many documents in one read. */
  loadMany(names: readonly string[]): Promise<Map<string, Uint8Array[]>>;
  /** Queues one update for writing. */
  append(name: string, update: Uint8Array): void;
  /**
   * Atomically replaces everything stored for a document with one state (compaction, or the
   * reload after a refused update). Drops the document's queued appends: `state` includes them.
   */
  replace(name: string, state: Uint8Array): Promise<void>;
  /** Forgets a document. */
  remove(name: string): Promise<void>;
  /**
   * What the server is known to have stored of each document (client/sync/knownStored.ts), as
   * encoded state vectors; a document with nothing known is absent.
   */
  loadKnownStored(names: readonly string[]): Promise<Map<string, Uint8Array>>;
  /** Replaces what the server is known to have stored of a document (written in the background). */
  saveKnownStored(name: string, stateVector: Uint8Array): void;
  /** Starts writing every queued update now; resolves when written. */
  flush(): Promise<void>;
  /** The page may be going away: keep every uncommitted update somewhere that survives it, now. */
  flushBeforeUnload(): void;
  /** How many rows the document has (stored + queued): the caller compacts past a threshold. */
  rowCount(name: string): number;
  close(): void;
}
