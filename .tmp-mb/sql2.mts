import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '/work/main/sync-server/storage/openDatabase.ts';
const buf = new Uint8Array(120);
const variants: Record<string, string> = {
  autoinc_index: 'CREATE TABLE t (seq INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL, data BLOB NOT NULL); CREATE INDEX ti ON t(doc, seq);',
  rowid_index: 'CREATE TABLE t (seq INTEGER PRIMARY KEY, doc TEXT NOT NULL, data BLOB NOT NULL); CREATE INDEX ti ON t(doc, seq);',
  without_rowid: 'CREATE TABLE t (doc TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (doc, seq)) WITHOUT ROWID;',
};
for (const [name, ddl] of Object.entries(variants)) {
  for (const ckpt of [1000, 10000]) {
    const db = openDatabase(mkdtempSync(join(tmpdir(), 'mb-')));
    db.pragma(`wal_autocheckpoint = ${ckpt}`);
    db.exec(ddl);
    const ins = name === 'without_rowid' ? db.prepare('INSERT INTO t (doc, seq, data) VALUES (?, ?, ?)') : db.prepare('INSERT INTO t (doc, data) VALUES (?, ?)');
    const seqs = new Map<string, number>();
    const run = (i: number) => {
      const doc = `bench/conv/r${i % 50}`;
      if (name === 'without_rowid') { const s = (seqs.get(doc) ?? 0) + 1; seqs.set(doc, s); ins.run(doc, s, buf); } else ins.run(doc, buf);
    };
    for (let i = 0; i < 2000; i++) run(i);
    const t = performance.now();
    for (let i = 2000; i < 12000; i++) run(i);
    console.log(name, 'ckpt', ckpt, ((performance.now() - t) / 10000 * 1000).toFixed(1), 'µs');
    db.close();
  }
}
