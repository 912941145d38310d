import type Database from 'better-sqlite3';

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * The statement for `source` on `db`, compiled once. better-sqlite3's `prepare()` compiles the SQL
 * every time it is called (10-30 µs for the outbox's statements, several per delivered message);
 * services that build their SQL inline call this instead. Statements are never given modes
 * (`pluck`, `raw`), so one compiled statement serves every caller of the same text.
 */
export function prepared<Row = unknown>(db: Database.Database, source: string): Database.Statement<unknown[], Row> {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let statement = cache.get(source);
  if (!statement) cache.set(source, (statement = db.prepare(source)));
  return statement as Database.Statement<unknown[], Row>;
}
