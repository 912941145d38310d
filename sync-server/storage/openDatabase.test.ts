import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDirectory, openDatabase } from './openDatabase.ts';

describe('openDatabase', () => {
  it('compiles each SQL text once: the same statement serves every later call, with its own parameters each time', () => {
    const db = openDatabase(':memory:');
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)');
    const insert = 'INSERT INTO t (k, v) VALUES (?, ?)';
    expect(db.prepare(insert)).toBe(db.prepare(insert));
    db.prepare(insert).run('a', 1);
    db.prepare(insert).run('b', 2);
    const select = 'SELECT v FROM t WHERE k = ?';
    expect((db.prepare(select).get('a') as { v: number }).v).toBe(1);
    expect((db.prepare(select).get('b') as { v: number }).v).toBe(2);
    // Inside a transaction too.
    db.transaction(() => {
      for (let i = 0; i < 3; i++) db.prepare(insert).run(`k${i}`, i);
    })();
    expect((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(5);
    db.close();
  });
});

describe('createDirectory', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });
  const tempRoot = () => {
    const root = mkdtempSync(join(tmpdir(), 'switchboard-dir-'));
    roots.push(root);
    return root;
  };

  it('creates missing parents, and accepts a directory that is already there', () => {
    const dir = join(tempRoot(), 'a', 'b', 'c');
    createDirectory(dir);
    createDirectory(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
  });

  it('refuses, naming the directory, when a file stands on the path', () => {
    const file = join(tempRoot(), 'file');
    writeFileSync(file, 'x');
    expect(() => createDirectory(file)).toThrow(`cannot create the data directory ${file}: a file of that name is in the way`);
    expect(() => createDirectory(join(file, 'data'))).toThrow(/cannot create the data directory .*ENOTDIR/);
  });

  it('refuses at once where mkdir answers ENOENT under an existing parent (/proc), where Node 20 recursive mkdir spins forever', () => {
    expect(() => createDirectory('/proc/switchboard-data')).toThrow('cannot create the data directory /proc/switchboard-data: ENOENT');
  });
});
