import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '/work/main/sync-server/storage/openDatabase.ts';
const dir = mkdtempSync(join(tmpdir(), 'mb-'));
const db = openDatabase(dir);
db.exec('CREATE TABLE t (seq INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL, data BLOB NOT NULL); CREATE INDEX ti ON t(doc, seq);');
const ins = db.prepare('INSERT INTO t (doc, data) VALUES (?, ?)');
const buf = new Uint8Array(120);
for (const mode of ['NORMAL', 'OFF']) {
  db.pragma(`synchronous = ${mode}`);
  let t = performance.now();
  for (let i = 0; i < 5000; i++) ins.run(`bench/conv/r${i % 50}`, buf);
  console.log(mode, 'insert µs', ((performance.now() - t) / 5000 * 1000).toFixed(1));
}
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 10000');
let t = performance.now();
for (let i = 0; i < 5000; i++) ins.run(`bench/conv/r${i % 50}`, buf);
console.log('autocheckpoint 10000 insert µs', ((performance.now() - t) / 5000 * 1000).toFixed(1));
const tx = db.transaction((n: number) => { for (let i = 0; i < n; i++) ins.run(`bench/conv/r${i % 50}`, buf); });
t = performance.now();
for (let i = 0; i < 500; i++) tx(10);
console.log('batched 10 per tx µs/row', ((performance.now() - t) / 5000 * 1000).toFixed(1));
console.log(db.pragma('journal_mode', { simple: true }));
