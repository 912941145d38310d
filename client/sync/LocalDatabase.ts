import Dexie, { type Table } from 'dexie';

/** One stored Yjs update of one document (many rows per document until compaction). */
export interface UpdateRow {
  id?: number;
  doc: string;
  data: Uint8Array;
}

/** The local search index: one row per conversation whose document is cached on this device. */
export interface SearchRow {
  /** Conversation id. */
  id: string;
  /** Distinct lower-case words of the contact's name and of every message and note. */
  words: string[];
  updatedAt: number;
}

/** What the server is known to have stored of one document (client/sync/knownStored.ts). */
export interface KnownStoredRow {
  doc: string;
  /** Encoded state vector (Y.encodeStateVector). */
  sv: Uint8Array;
}

/** A plain JSON copy of what a document shows first (the conversation list), for a fast cold start. */
export interface SnapshotRow {
  name: string;
  json: string;
  at: number;
}

/**
 * The device's single IndexedDB database, one per signed-in agent (loaded after the first paint:
 * DeviceDatabase.ts):
 *
 *   updates    ++id, doc    Yjs updates, appended in batches and compacted per document
 *   search     id, *words   multi-entry word index of cached conversations (works offline)
 *   snapshots  name         unused since the list snapshot moved to localStorage
 *                           (stores/indexSnapshot.ts deletes its old rows)
 *   stored     doc          per document, what the server is known to have stored (version 2)
 */
export class LocalDatabase extends Dexie {
  updates!: Table<UpdateRow, number>;
  search!: Table<SearchRow, string>;
  snapshots!: Table<SnapshotRow, string>;
  stored!: Table<KnownStoredRow, string>;

  constructor(name: string) {
    super(name);
    this.version(1).stores({ updates: '++id, doc', search: 'id, *words', snapshots: 'name' });
    this.version(2).stores({ stored: 'doc' });
  }
}
