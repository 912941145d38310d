import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
    createDirectory(dataDir);
    db = new Database(join(dataDir, DATABASE_FILE));
    db.pragma('journal_mode = WAL');
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  memoisePrepare(db);
  return db;
}

/**
 * `mkdir -p` that fails where it cannot create the directory. Node 20's `mkdirSync(dir, { recursive:
 * true })` spins forever when mkdir answers ENOENT although the parent exists, as it does under
 * /proc: the server then hung at start without a word. Throws naming the directory and the reason.
 */
export function createDirectory(dir: string): void {
  try {
    makeDirectory(resolve(dir));
  } catch (err) {
    const { code, message } = err as NodeJS.ErrnoException;
    const reason = code === 'EEXIST' ? `a file of that name is in the way (${message})` : message;
    throw new Error(`cannot create the data directory ${dir}: ${reason}`, { cause: err });
  }
}

function makeDirectory(absolute: string): void {
  if (isDirectory(absolute)) return;
  const parent = dirname(absolute);
  if (parent !== absolute) makeDirectory(parent);
  try {
    mkdirSync(absolute);
  } catch (err) {
    // Another process may have created it meanwhile.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !isDirectory(absolute)) throw err;
  }
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
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
