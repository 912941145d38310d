import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { prepared } from './prepared.ts';

describe('prepared', () => {
  it('compiles each statement text once per database and runs it like prepare()', () => {
    const a = new Database(':memory:');
    const b = new Database(':memory:');
    for (const db of [a, b]) db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)');
    const insert = 'INSERT INTO t (k, v) VALUES (?, ?)';
    expect(prepared(a, insert)).toBe(prepared(a, insert));
    expect(prepared(a, insert)).not.toBe(prepared(b, insert));
    prepared(a, insert).run('x', 1);
    prepared(a, insert).run('y', 2);
    expect(prepared<{ n: number }>(a, 'SELECT count(*) AS n FROM t').get()).toEqual({ n: 2 });
    expect(prepared<{ n: number }>(b, 'SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 });
  });
});
