import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { docStoreContract } from './docStoreContract.ts';
import { openDatabase } from './openDatabase.ts';
import { appendFileSync, copyFileSync, readdirSync } from 'node:fs';
import { waitFor } from '../../tests/helpers/waitFor.ts';
import { SqliteDocStore, type SqliteDocStoreOptions } from './SqliteDocStore.ts';
import { decodePack, encodeRecord } from './logFormat.mjs';

docStoreContract('SqliteDocStore', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'docstore-'));
  let db: Database.Database = openDatabase(dir);
  let store = new SqliteDocStore(db);
  return {
    store,
    reopen: async () => {
      await store.close();
      db.close();
      db = openDatabase(dir);
      store = new SqliteDocStore(db);
      return store;
    },
    teardown: async () => {
      await store.close();
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}, { durable: true });

docStoreContract('SqliteDocStore (in-memory database, no update log)', async () => {
  const db = openDatabase(':memory:');
  return {
    store: new SqliteDocStore(db),
    teardown: async () => {
      db.close();
    },
  };
}, { durable: false });

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

  it('has an update on disk once append resolved, though the process never closes anything (kill -9)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'docstore-'));
    try {
      const first = openDatabase(dir);
      const killed = new SqliteDocStore(first, { checkpointAfterMs: 60_000 });
      await killed.append('ws/conv/k', new Uint8Array([1, 2]));
      // A restarted process opens the same directory while the first one never closed it.
      const second = openDatabase(dir);
      const store = new SqliteDocStore(second);
      expect(store.recovered).toEqual({ updates: 1, discardedBytes: 0 });
      expect((await store.load('ws/conv/k')).updates.map((u) => [...u])).toEqual([[1, 2]]);
      await store.close();
      second.close();
      await killed.close();
      first.close();
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

describe('SqliteDocStore update log', () => {
  let dir: string;
  const open = (opts: SqliteDocStoreOptions = {}) => {
    const db = openDatabase(dir);
    return { db, store: new SqliteDocStore(db, opts) };
  };
  const logFiles = () => readdirSync(dir).filter((f) => f.startsWith('doc-updates.')).sort();
  /** Updates SQLite holds: rows (start-up replay) plus the updates inside checkpoint packs. */
  const rows = (db: Database.Database) =>
    (db.prepare('SELECT count(*) AS n FROM doc_updates').get() as { n: number }).n +
    (db.prepare('SELECT data FROM doc_update_packs').all() as { data: Buffer }[]).reduce((n, p) => n + decodePack(p.data).length, 0);
  const packRows = (db: Database.Database) => (db.prepare('SELECT count(*) AS n FROM doc_update_packs').get() as { n: number }).n;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'docstore-log-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs appends first, moves them into SQLite at a checkpoint (one row per document), then deletes the log file', async () => {
    const { db, store } = open({ checkpointAfterMs: 60_000 });
    await store.append('ws/conv/a', new Uint8Array([1]));
    await store.append('ws/conv/b', new Uint8Array([9]));
    await store.append('ws/conv/a', new Uint8Array([2]));
    expect(rows(db)).toBe(0);
    expect(logFiles()).toEqual(['doc-updates.1.log']);
    await store.checkpoint();
    expect(rows(db)).toBe(3);
    expect(packRows(db)).toBe(2);
    expect(logFiles()).toEqual(['doc-updates.2.log']);
    expect((await store.load('ws/conv/a')).updates.map((u) => [...u])).toEqual([[1], [2]]);
    await store.close();
    expect(logFiles()).toEqual([]);
    db.close();
  });

  it('loads a document whose updates are still only in the log by checkpointing first', async () => {
    const { db, store } = open({ checkpointAfterMs: 60_000 });
    await store.append('ws/conv/a', new Uint8Array([1]));
    await store.append('ws/conv/b', new Uint8Array([9]));
    await store.checkpoint();
    await store.append('ws/conv/a', new Uint8Array([2]));
    // b has nothing in the log: read from SQLite at once, the log file stays open.
    expect((await store.load('ws/conv/b')).updates.map((u) => [...u])).toEqual([[9]]);
    expect(rows(db)).toBe(2);
    // a has: its update reaches SQLite before the load reads it.
    const loaded = await store.load('ws/conv/a');
    expect(loaded.updates.map((u) => [...u])).toEqual([[1], [2]]);
    expect(loaded.lastSeq).toBe(2);
    expect(rows(db)).toBe(3);
    expect(await store.append('ws/conv/a', new Uint8Array([3]))).toBe(3);
    await store.close();
    db.close();
  });

  it('checkpoints by itself after a while, or once enough updates wait', async () => {
    const timed = open({ checkpointAfterMs: 10 });
    await timed.store.append('ws/conv/a', new Uint8Array([1]));
    await waitFor(() => rows(timed.db) === 1, 'timed checkpoint');
    await timed.store.close();
    timed.db.close();
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), 'docstore-log-'));
    const counted = open({ checkpointAfterMs: 60_000, checkpointAfterUpdates: 3 });
    for (let i = 0; i < 3; i++) await counted.store.append('ws/conv/a', new Uint8Array([i]));
    await waitFor(() => rows(counted.db) === 3, 'counted checkpoint');
    await counted.store.close();
    counted.db.close();
  });

  it('returns each update once while SQLite already has it but the writer has not confirmed yet', async () => {
    const { db, store } = open({ checkpointAfterMs: 60_000 });
    await store.append('ws/conv/a', new Uint8Array([1]));
    const checkpointing = store.checkpoint();
    await waitFor(() => rows(db) === 1, 'the writer committed');
    expect((await store.load('ws/conv/a')).updates.map((u) => [...u])).toEqual([[1]]);
    await checkpointing;
    await store.close();
    db.close();
  });

  it('keeps a log file whose hand-over failed and moves it at the next checkpoint', async () => {
    const { db, store } = open({ checkpointAfterMs: 60_000 });
    await store.append('ws/conv/a', new Uint8Array([1]));
    db.exec("CREATE TRIGGER refuse BEFORE INSERT ON doc_update_packs BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
    await expect(store.checkpoint()).rejects.toThrow('disk full');
    expect(logFiles()).toEqual(['doc-updates.1.log', 'doc-updates.2.log']);
    db.exec('DROP TRIGGER refuse');
    await store.append('ws/conv/a', new Uint8Array([2]));
    await store.checkpoint();
    expect(rows(db)).toBe(2);
    expect(logFiles()).toEqual(['doc-updates.3.log']);
    expect((await store.load('ws/conv/a')).updates.map((u) => [...u])).toEqual([[1], [2]]);
    await store.close();
    db.close();
  });

  it('replays what a killed process logged, keeping whole records and dropping a torn tail', async () => {
    const first = open({ checkpointAfterMs: 60_000 });
    await first.store.append('ws/conv/a', new Uint8Array([1]));
    await first.store.append('ws/conv/a', new Uint8Array([2]));
    appendFileSync(join(dir, logFiles()[0]!), encodeRecord('ws/conv/a', 3, new Uint8Array([3])).subarray(0, 7));
    const second = open();
    expect(second.store.recovered).toEqual({ updates: 2, discardedBytes: 7 });
    expect((await second.store.load('ws/conv/a')).updates.map((u) => [...u])).toEqual([[1], [2]]);
    expect(await second.store.append('ws/conv/a', new Uint8Array([3]))).toBe(3);
    await second.store.close();
    second.db.close();
    await first.store.close();
    first.db.close();
  });

  it('adds nothing when a log that SQLite already has is replayed again (killed before deleting it)', async () => {
    const first = open({ checkpointAfterMs: 60_000 });
    await first.store.append('ws/conv/a', new Uint8Array([1]));
    const [file] = logFiles();
    copyFileSync(join(dir, file!), join(dir, 'saved'));
    await first.store.checkpoint();
    await first.store.close();
    first.db.close();
    copyFileSync(join(dir, 'saved'), join(dir, file!));
    const second = open();
    expect((await second.store.load('ws/conv/a')).updates.map((u) => [...u])).toEqual([[1]]);
    await second.store.close();
    second.db.close();
  });

  it('after compacting through the middle of a checkpoint row, loads only the later updates, also after a reopen', async () => {
    const first = open({ checkpointAfterMs: 60_000 });
    for (const b of [1, 2, 3]) await first.store.append('ws/conv/a', new Uint8Array([b]));
    await first.store.checkpoint();
    await first.store.compact('ws/conv/a', new Uint8Array([0, 0]), 2);
    expect((await first.store.load('ws/conv/a')).updates.map((u) => [...u])).toEqual([[3]]);
    await first.store.close();
    first.db.close();
    const second = open();
    const stored = await second.store.load('ws/conv/a');
    expect(stored.updates.map((u) => [...u])).toEqual([[3]]);
    expect(stored.lastSeq).toBe(3);
    expect(await second.store.append('ws/conv/a', new Uint8Array([4]))).toBe(4);
    await second.store.close();
    second.db.close();
  });

  it('does not replay updates a snapshot already holds', async () => {
    const first = open({ checkpointAfterMs: 60_000 });
    const seq = await first.store.append('ws/conv/a', new Uint8Array([1]));
    const [file] = logFiles();
    copyFileSync(join(dir, file!), join(dir, 'saved'));
    await first.store.compact('ws/conv/a', new Uint8Array([0, 0]), seq);
    await first.store.close();
    first.db.close();
    copyFileSync(join(dir, 'saved'), join(dir, file!));
    const second = open();
    expect(second.store.recovered.updates).toBe(0);
    expect((await second.store.load('ws/conv/a')).updates).toEqual([]);
    await second.store.close();
    second.db.close();
  });

  it('starts a new writer thread when the old one dies, losing nothing', async () => {
    const { db, store } = open({ checkpointAfterMs: 60_000 });
    await store.append('ws/conv/a', new Uint8Array([1]));
    const writer = (store as unknown as { writer: { worker: { terminate(): Promise<number> } } }).writer;
    await writer.worker.terminate();
    await store.append('ws/conv/a', new Uint8Array([2]));
    await store.checkpoint();
    expect(rows(db)).toBe(2);
    await store.close();
    db.close();
  });

  it('refuses appends once closed', async () => {
    const { db, store } = open();
    await store.close();
    await expect(store.append('ws/conv/a', new Uint8Array([2]))).rejects.toThrow('closed');
    db.close();
  });
});
