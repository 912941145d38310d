import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type { Database } from 'better-sqlite3';

/** File name of the database inside the data directory. */
export const DATABASE_FILE = 'switchboard.db';

/**
 * Opens (creating if needed) the server's SQLite database in `dataDir`, or an in-memory one.
 *
 * WAL with synchronous=NORMAL: a committed transaction is in the WAL file (the OS page cache)
 * when `run()` returns, so it survives a killed process (`kill -9`); only a power loss can drop
 * the last transactions. Components create their own tables on the returned handle.
 */
export function openDatabase(dataDir: string | ':memory:'): Database.Database {
  let db: Database.Database;
  if (dataDir === ':memory:') {
    db = new Database(':memory:');
  } else {
    mkdirSync(dataDir, { recursive: true });
    db = new Database(join(dataDir, DATABASE_FILE));
    db.pragma('journal_mode = WAL');
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}
