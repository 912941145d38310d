import { describe, expect, it } from 'vitest';
import { openDatabase } from './openDatabase.ts';

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
