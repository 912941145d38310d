import type Database from 'better-sqlite3';

/** Owner recorded for the clientIDs the server itself writes with. */
export const SERVER_OWNER = '@server';

/** What validation needs: who owns a clientID on a document (CID1). */
export interface ClientIdLookup {
  /** The agent id (or SERVER_OWNER) bound to `clientId` on `doc`, undefined when unbound. */
  ownerOf(doc: string, clientId: number): string | undefined;
}

/**
 * CID1: a Yjs clientID belongs, per document, to the first agent that writes with it. Bindings
 * are kept in SQLite (`client_ids`) and cached per document while it is loaded (`forget` on unload).
 */
export class ClientIdRegistry implements ClientIdLookup {
  private readonly cache = new Map<string, Map<number, string | null>>();
  private readonly select: Database.Statement<[string, number], { owner: string }>;
  private readonly insert: Database.Statement<[string, number, string, number]>;

  constructor(db: Database.Database, private readonly now: () => number = Date.now) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS client_ids (
        doc TEXT NOT NULL,
        client_id INTEGER NOT NULL,
        owner TEXT NOT NULL,
        bound_at INTEGER NOT NULL,
        PRIMARY KEY (doc, client_id)
      ) WITHOUT ROWID;
    `);
    this.select = db.prepare('SELECT owner FROM client_ids WHERE doc = ? AND client_id = ?');
    this.insert = db.prepare('INSERT OR IGNORE INTO client_ids (doc, client_id, owner, bound_at) VALUES (?, ?, ?, ?)');
  }

  ownerOf(doc: string, clientId: number): string | undefined {
    const byDoc = this.docCache(doc);
    let owner = byDoc.get(clientId);
    if (owner === undefined) {
      owner = this.select.get(doc, clientId)?.owner ?? null;
      byDoc.set(clientId, owner);
    }
    return owner ?? undefined;
  }

  /** Binds `clientId` to `owner` unless it is bound already; returns the owner now on record. */
  bind(doc: string, clientId: number, owner: string): string {
    const current = this.ownerOf(doc, clientId);
    if (current !== undefined) return current;
    // Inserted: it is ours. Not inserted: another process bound it first (read who).
    const inserted = this.insert.run(doc, clientId, owner, this.now()).changes === 1;
    const stored = inserted ? owner : (this.select.get(doc, clientId)?.owner ?? owner);
    this.docCache(doc).set(clientId, stored);
    return stored;
  }

  /** Drops the cache of a document (it was unloaded). */
  forget(doc: string): void {
    this.cache.delete(doc);
  }

  private docCache(doc: string): Map<number, string | null> {
    let byDoc = this.cache.get(doc);
    if (!byDoc) {
      byDoc = new Map();
      this.cache.set(doc, byDoc);
    }
    return byDoc;
  }
}
