import { fromBase64, toBase64 } from 'lib0/buffer';
import { type DeviceDatabase, loadedDeviceDatabase } from './DeviceDatabase.ts';
import type { DocStore } from './DocStore.ts';
import type { LocalDatabase, UpdateRow } from './LocalDatabase.ts';

const STORE = 'updates';

export interface DexieDocStoreOptions {
  /** How long appends wait to be written together. */
  batchMs?: number;
  /** Where the unload journal goes (localStorage); null to disable. */
  journal?: Storage | null;
}

type Batch = Array<[string, Uint8Array[]]>;

/** One document in the unload journal: updates not yet committed, and what the server is known to have stored. */
interface JournalEntry {
  doc: string;
  updates: string[];
  stored?: string;
}

/**
 * DocStore on the device's Dexie database (table `updates`, indexed by document name).
 *
 * Writes go through the raw IDBDatabase so that each one opens its transaction synchronously and
 * transactions run in the order they were opened: a compaction never deletes rows appended after
 * it.
 *
 * Unload: Chromium does not finish an IndexedDB transaction opened in `pagehide` when the page
 * is reloaded right away (measured: a draft typed just before a reload was lost). So at pagehide
 * everything not yet committed is also written synchronously to a localStorage journal (one key
 * per tab); the next start reads every journal of this database, queues its updates (Yjs updates
 * are idempotent: one that did reach IndexedDB too is harmless), writes them, then clears it.
 */
export class DexieDocStore implements DocStore {
  private readonly pending = new Map<string, Uint8Array[]>();
  /** What the server is known to have stored, per document, until its row is written (journaled at unload too). */
  private readonly pendingKnown = new Map<string, Uint8Array>();
  private readonly rows = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private idb: IDBDatabase | null = null;
  /** The Dexie database, once its module has loaded (DeviceDatabase). */
  private dexie: LocalDatabase | null = null;
  private readonly batchMs: number;
  /** Batches handed to IndexedDB whose transaction has not completed yet. */
  private readonly inflight = new Set<Batch>();
  private readonly journal: Storage | null;
  private readonly journalPrefix: string;
  private readonly journalKey: string;
  /** Resolves when the database is open (false: IndexedDB is unavailable, nothing is kept). */
  readonly ready: Promise<boolean>;

  /**
   * Starts opening the database (once Dexie has loaded); every operation waits for it, and
   * nothing blocks the first render. The unload journals are read at once: they are keyed by
   * the database's name.
   */
  constructor(db: DeviceDatabase, options: DexieDocStoreOptions = {}) {
    this.batchMs = options.batchMs ?? 40;
    this.journal = options.journal === undefined ? (typeof localStorage === 'undefined' ? null : localStorage) : options.journal;
    this.journalPrefix = `switchboard.journal:${db.name}:`;
    this.journalKey = `${this.journalPrefix}${Math.random().toString(36).slice(2, 10)}`;
    this.ready = db.dexie
      .then(async (dexie) => {
        if (!dexie.isOpen()) await dexie.open();
        this.dexie = dexie;
        this.idb = dexie.backendDB();
        return true;
      })
      .catch(() => false);
    this.recoverJournals();
  }

  /** Opens the database (creating it if needed) and resolves once it is usable. */
  static async open(db: LocalDatabase, options: DexieDocStoreOptions = {}): Promise<DexieDocStore> {
    const store = new DexieDocStore(loadedDeviceDatabase(db), options);
    if (!(await store.ready)) throw new Error('IndexedDB unavailable');
    return store;
  }

  async load(name: string): Promise<Uint8Array[]> {
    return (await this.loadMany([name])).get(name) ?? [];
  }

  async loadMany(names: readonly string[]): Promise<Map<string, Uint8Array[]>> {
    const result = new Map<string, Uint8Array[]>();
    if (names.length === 0) return result;
    const idb = this.idb ?? ((await this.ready) ? this.idb : null);
    if (!idb) {
      for (const name of names) result.set(name, [...(this.pending.get(name) ?? [])]);
      return result;
    }
    return new Promise((resolve, reject) => {
      const tx = idb.transaction(STORE, 'readonly');
      const index = tx.objectStore(STORE).index('doc');
      for (const name of names) {
        const request = index.getAll(IDBKeyRange.only(name));
        request.onsuccess = () => {
          const stored = (request.result as UpdateRow[]).map((row) => row.data);
          this.rows.set(name, stored.length + (this.pending.get(name)?.length ?? 0));
          result.set(name, stored);
        };
      }
      tx.oncomplete = () => {
        // Queued updates are newer than anything stored.
        for (const name of names) {
          const queued = this.pending.get(name);
          if (queued) result.set(name, [...(result.get(name) ?? []), ...queued]);
        }
        resolve(result);
      };
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  append(name: string, update: Uint8Array): void {
    if (this.closed) return;
    const queue = this.pending.get(name);
    if (queue) queue.push(update);
    else this.pending.set(name, [update]);
    this.rows.set(name, (this.rows.get(name) ?? 0) + 1);
    this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.batchMs);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.size === 0 || this.closed) return Promise.resolve();
    const batch: Batch = [...this.pending];
    this.pending.clear();
    this.inflight.add(batch);
    const done = () => {
      this.inflight.delete(batch);
      this.dropJournalIfDone();
    };
    return this.write((store) => {
      for (const [doc, updates] of batch) for (const data of updates) store.add({ doc, data });
    }).then(done, (error: unknown) => {
      this.inflight.delete(batch);
      throw error;
    });
  }

  /**
   * The page may be about to go away: journal every update not yet committed to localStorage
   * (synchronous, survives an immediate reload), then start writing them to IndexedDB.
   */
  flushBeforeUnload(): void {
    if (this.closed) return;
    const byDoc = new Map<string, Uint8Array[]>();
    const add = (doc: string, updates: Uint8Array[]) => {
      const list = byDoc.get(doc);
      if (list) list.push(...updates);
      else byDoc.set(doc, [...updates]);
    };
    for (const batch of this.inflight) for (const [doc, updates] of batch) add(doc, updates);
    for (const [doc, updates] of this.pending) add(doc, updates);
    for (const doc of this.pendingKnown.keys()) if (!byDoc.has(doc)) byDoc.set(doc, []);
    if (this.journal) {
      try {
        if (byDoc.size === 0) this.journal.removeItem(this.journalKey);
        else {
          const entries: JournalEntry[] = [...byDoc].map(([doc, updates]) => {
            const known = this.pendingKnown.get(doc);
            return { doc, updates: updates.map((u) => toBase64(u)), ...(known ? { stored: toBase64(known) } : {}) };
          });
          this.journal.setItem(this.journalKey, JSON.stringify(entries));
        }
      } catch {
        // quota: IndexedDB may still make it
      }
    }
    void this.flush().catch(() => undefined);
  }

  /** Everything journaled is in IndexedDB now: this page's journal is not needed any more. */
  private dropJournalIfDone(): void {
    if (this.inflight.size === 0 && this.pending.size === 0 && this.pendingKnown.size === 0) this.journal?.removeItem(this.journalKey);
  }

  /** Drops every unload journal of this database (sign-out forgets the device's copy). */
  forgetJournals(): void {
    const journal = this.journal;
    if (!journal) return;
    const keys: string[] = [];
    for (let i = 0; i < journal.length; i++) {
      const key = journal.key(i);
      if (key?.startsWith(this.journalPrefix)) keys.push(key);
    }
    for (const key of keys) journal.removeItem(key);
  }

  /** Queues the updates of every journal left by an earlier page of this database. */
  private recoverJournals(): void {
    const journal = this.journal;
    if (!journal) return;
    const keys: string[] = [];
    for (let i = 0; i < journal.length; i++) {
      const key = journal.key(i);
      if (key?.startsWith(this.journalPrefix)) keys.push(key);
    }
    if (keys.length === 0) return;
    for (const key of keys) {
      try {
        const entries = JSON.parse(journal.getItem(key) ?? '[]') as JournalEntry[];
        for (const { doc, updates, stored } of entries) {
          if (stored) this.saveKnownStored(doc, fromBase64(stored));
          const decoded = updates.map((u) => fromBase64(u));
          const queue = this.pending.get(doc);
          if (queue) queue.push(...decoded);
          else this.pending.set(doc, decoded);
          this.rows.set(doc, (this.rows.get(doc) ?? 0) + decoded.length);
        }
      } catch {
        // a damaged journal is dropped
      }
    }
    void this.ready.then(async (ok) => {
      if (!ok) return;
      await this.flush().catch(() => undefined);
      for (const key of keys) journal.removeItem(key);
    });
  }

  replace(name: string, state: Uint8Array): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.pending.delete(name);
    this.rows.set(name, 1);
    return this.write((store) => {
      // Collect the keys first, then add: a cursor could otherwise visit (and delete) the new row.
      const keys = store.index('doc').getAllKeys(IDBKeyRange.only(name));
      keys.onsuccess = () => {
        for (const key of keys.result) store.delete(key);
        store.add({ doc: name, data: state });
      };
    });
  }

  remove(name: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.pending.delete(name);
    this.rows.delete(name);
    return this.write((store) => {
      const keys = store.index('doc').getAllKeys(IDBKeyRange.only(name));
      keys.onsuccess = () => {
        for (const key of keys.result) store.delete(key);
      };
    });
  }

  rowCount(name: string): number {
    return this.rows.get(name) ?? 0;
  }

  async loadKnownStored(names: readonly string[]): Promise<Map<string, Uint8Array>> {
    const result = new Map<string, Uint8Array>();
    if (names.length === 0 || !(await this.ready)) return result;
    const rows = await (this.dexie as LocalDatabase).stored.bulkGet([...names]);
    for (const row of rows) if (row) result.set(row.doc, row.sv);
    // One not written yet is newer (it only grows).
    for (const name of names) {
      const pending = this.pendingKnown.get(name);
      if (pending) result.set(name, pending);
    }
    return result;
  }

  saveKnownStored(name: string, stateVector: Uint8Array): void {
    if (this.closed) return;
    this.pendingKnown.set(name, stateVector);
    // Losing one is harmless (the server's sync step 1 tells it again at the next connection),
    // but until then stored replies would show as queued offline: kept pending, and journaled.
    void this.ready
      .then((ok) => (ok && !this.closed ? this.dexie?.stored.put({ doc: name, sv: stateVector }) : undefined))
      .then(
        () => {
          if (this.pendingKnown.get(name) === stateVector) this.pendingKnown.delete(name);
          this.dropJournalIfDone();
        },
        () => undefined,
      );
  }

  close(): void {
    if (this.closed) return;
    void this.flush();
    this.closed = true;
  }

  /**
   * Opens one readwrite transaction synchronously (once the database is open; before that,
   * writes wait for it in call order) and resolves when it commits.
   */
  private write(fill: (store: IDBObjectStore) => void): Promise<void> {
    const idb = this.idb;
    if (!idb) return this.ready.then((ok) => (ok ? this.write(fill) : undefined));
    return new Promise((resolve, reject) => {
      const tx = idb.transaction(STORE, 'readwrite');
      fill(tx.objectStore(STORE));
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }
}
