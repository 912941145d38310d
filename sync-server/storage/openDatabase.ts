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
 *
 * `prepare` is memoised by SQL text on the returned handle: better-sqlite3 compiles a statement
 * on every call (tens of µs), and components prepare where they run a query, some of them once
 * per message. Nothing here uses statement modes (`pluck`, `raw`, `expand`) or `iterate`, which
 * would make a shared statement unsafe.
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
  memoisePrepare(db);
  return db;
}

/** Distinct statements kept per database (the code has a few hundred SQL texts at most). */
const MAX_STATEMENTS = 1000;

function memoisePrepare(db: Database.Database): void {
  const compile = db.prepare.bind(db);
  const statements = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= MAX_STATEMENTS) statements.clear();
      statement = compile(sql);
      statements.set(sql, statement);
    }
    return statement;
  }) as Database.Database['prepare'];
}
