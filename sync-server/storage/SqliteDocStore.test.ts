import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { docStoreContract } from './docStoreContract.ts';
import { openDatabase } from './openDatabase.ts';
import { appendFileSync, copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { decodeRecords, encodeRecord, SqliteDocStore, UPDATE_LOG_FILE } from './SqliteDocStore.ts';

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
}, { durable: true });

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
      await new SqliteDocStore(first).append('ws/conv/k', new Uint8Array([1, 2]));
      // A restarted process opens the same directory while the first one never closed it.
      const second = openDatabase(dir);
      const store = new SqliteDocStore(second);
      expect(store.recovered).toEqual({ updates: 1, discardedBytes: 0 });
      expect((await store.load('ws/conv/k')).updates.map((u) => [...u])).toEqual([[1, 2]]);
      second.close();
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
  const open = (opts = {}) => {
    const db = openDatabase(dir);
    return { db, store: new SqliteDocStore(db, opts) };
  };
  const logPath = () => join(dir, UPDATE_LOG_FILE);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'docstore-log-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips records and stops at a torn or corrupt one', () => {
    const a = encodeRecord('ws/conv/a', 1, new Uint8Array([1, 2, 3]));
    const b = encodeRecord('ws/conv/b', 7, new Uint8Array([4]));
    const all = Buffer.concat([a, b]);
    expect(decodeRecords(all)).toEqual({
      records: [
        { name: 'ws/conv/a', seq: 1, update: new Uint8Array([1, 2, 3]) },
        { name: 'ws/conv/b', seq: 7, update: new Uint8Array([4]) },
      ],
      validBytes: all.length,
    });
    expect(decodeRecords(all.subarray(0, all.length - 1)).records).toHaveLength(1);
    const corrupt = Buffer.from(all);
    corrupt.writeUInt8(corrupt.readUInt8(a.length + 9) ^ 0xff, a.length + 9);
    expect(decodeRecords(corrupt)).toEqual({ records: [expect.objectContaining({ seq: 1 })], validBytes: a.length });
  });

  it('writes appends to the log and moves them into SQLite at a checkpoint', async () => {
    const { db, store } = open({ checkpointAfterMs: 60_000 });
    await store.append('ws/conv/a', new Uint8Array([1]));
    await store.append('ws/conv/a', new Uint8Array([2]));
    const rows = () => (db.prepare('SELECT count(*) AS n FROM doc_updates').get() as { n: number }).n;
    expect(rows()).toBe(0);
    expect(statSync(logPath()).size).toBeGreaterThan(0);
    expect((await store.load('ws/conv/a')).updates.map((u) => [...u])).toEqual([[1], [2]]);
    store.checkpoint();
    expect(rows()).toBe(2);
    expect(statSync(logPath()).size).toBe(0);
    expect((await store.load('ws/conv/a')).updates.map((u) => [...u])).toEqual([[1], [2]]);
    await store.close();
    db.close();
  });

  it('checkpoints by itself once enough updates are pending', async () => {
    const { db, store } = open({ checkpointAfterMs: 60_000, checkpointAfterUpdates: 3 });
    for (let i = 0; i < 3; i++) await store.append('ws/conv/a', new Uint8Array([i]));
    expect((db.prepare('SELECT count(*) AS n FROM doc_updates').get() as { n: number }).n).toBe(3);
    await store.close();
    db.close();
  });

  it('replays the log at start, keeping whole records and dropping a torn tail', async () => {
    const first = open({ checkpointAfterMs: 60_000 });
    await first.store.append('ws/conv/a', new Uint8Array([1]));
    await first.store.append('ws/conv/a', new Uint8Array([2]));
    first.db.close(); // killed: no checkpoint, no close
    appendFileSync(logPath(), encodeRecord('ws/conv/a', 3, new Uint8Array([3])).subarray(0, 7));
    const second = open();
    expect(second.store.recovered).toEqual({ updates: 2, discardedBytes: 7 });
    expect((await second.store.load('ws/conv/a')).updates.map((u) => [...u])).toEqual([[1], [2]]);
    expect(await second.store.append('ws/conv/a', new Uint8Array([3]))).toBe(3);
    await second.store.close();
    second.db.close();
  });

  it('adds nothing when a log that was already checkpointed is replayed again (crash before truncation)', async () => {
    const first = open({ checkpointAfterMs: 60_000 });
    await first.store.append('ws/conv/a', new Uint8Array([1]));
    copyFileSync(logPath(), `${logPath()}.copy`);
    first.store.checkpoint();
    first.db.close();
    writeFileSync(logPath(), readFileSync(`${logPath()}.copy`));
    const second = open();
    expect((await second.store.load('ws/conv/a')).updates.map((u) => [...u])).toEqual([[1]]);
    await second.store.close();
    second.db.close();
  });

  it('skips replayed updates that a snapshot already holds', async () => {
    const first = open({ checkpointAfterMs: 60_000 });
    const seq = await first.store.append('ws/conv/a', new Uint8Array([1]));
    copyFileSync(logPath(), `${logPath()}.copy`);
    await first.store.compact('ws/conv/a', new Uint8Array([0, 0]), seq);
    first.db.close();
    writeFileSync(logPath(), readFileSync(`${logPath()}.copy`));
    const second = open();
    expect(second.store.recovered.updates).toBe(0);
    expect((await second.store.load('ws/conv/a')).updates).toEqual([]);
    await second.store.close();
    second.db.close();
  });

  it('refuses appends after close, having checkpointed everything', async () => {
    const { db, store } = open({ checkpointAfterMs: 60_000 });
    await store.append('ws/conv/a', new Uint8Array([1]));
    await store.close();
    expect(statSync(logPath()).size).toBe(0);
    await expect(store.append('ws/conv/a', new Uint8Array([2]))).rejects.toThrow('closed');
    expect((db.prepare('SELECT count(*) AS n FROM doc_updates').get() as { n: number }).n).toBe(1);
    db.close();
  });
});
