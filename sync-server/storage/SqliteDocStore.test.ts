import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { docStoreContract } from './docStoreContract.ts';
import { openDatabase } from './openDatabase.ts';
import { SqliteDocStore } from './SqliteDocStore.ts';

docStoreContract('SqliteDocStore', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'docstore-'));
  let db: Database.Database = openDatabase(dir);
  return {
    store: new SqliteDocStore(db),
    reopen: async () => {
      db.close();
      db = openDatabase(dir);
      return new SqliteDocStore(db);
    },
    teardown: async () => {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('openDatabase', () => {
  it('opens the data directory in WAL mode with synchronous=NORMAL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docstore-'));
    const db = openDatabase(join(dir, 'nested', 'data'));
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
      expect(Number(db.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has an update on disk once append resolved, while the process never closes the database (kill -9)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'docstore-'));
    try {
      const writer = openDatabase(dir);
      await new SqliteDocStore(writer).append('ws/conv/k', new Uint8Array([1, 2]));
      // A second connection sees the committed row while the first is still open, as a
      // restarted process would after the first was killed.
      const reader = openDatabase(dir);
      const rows = reader.prepare('SELECT count(*) AS n FROM doc_updates').get() as { n: number };
      expect(rows.n).toBe(1);
      reader.close();
      writer.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('commits the appends of one event-loop turn together, with per-document sequence numbers', async () => {
    const db = openDatabase(':memory:');
    const store = new SqliteDocStore(db);
    const pending = [store.append('ws/conv/a', new Uint8Array([1])), store.append('ws/conv/b', new Uint8Array([2])), store.append('ws/conv/a', new Uint8Array([3]))];
    // Nothing is written before the turn ends…
    expect((db.prepare('SELECT count(*) AS n FROM doc_updates').get() as { n: number }).n).toBe(0);
    expect(await Promise.all(pending)).toEqual([1, 1, 2]);
    // …and everything once the promises resolved.
    expect((db.prepare('SELECT count(*) AS n FROM doc_updates').get() as { n: number }).n).toBe(3);
    expect((await store.load('ws/conv/a')).updates.map((u) => [...u])).toEqual([[1], [3]]);
    db.close();
  });

  it('fails every append of a batch that could not be committed, and stores none of it', async () => {
    const db = openDatabase(':memory:');
    const store = new SqliteDocStore(db);
    db.exec("CREATE TRIGGER refuse AFTER INSERT ON doc_updates WHEN NEW.doc = 'ws/conv/bad' BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
    const good = store.append('ws/conv/a', new Uint8Array([1]));
    const bad = store.append('ws/conv/bad', new Uint8Array([2]));
    await expect(good).rejects.toThrow('disk full');
    await expect(bad).rejects.toThrow('disk full');
    expect((await store.load('ws/conv/a')).updates).toEqual([]);
    expect(await store.append('ws/conv/a', new Uint8Array([3]))).toBe(1);
    db.close();
  });
});
