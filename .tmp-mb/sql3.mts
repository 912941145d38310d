import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '/work/main/sync-server/storage/openDatabase.ts';
const buf = new Uint8Array(150);
for (const ckpt of [0, 1000]) {
  const db = openDatabase(mkdtempSync(join(tmpdir(), 'mb-')));
  db.pragma(`wal_autocheckpoint = ${ckpt}`);
  db.exec('CREATE TABLE t (doc TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (doc, seq)) WITHOUT ROWID;');
  const ins = db.prepare('INSERT INTO t (doc, seq, data) VALUES (?, ?, ?)');
  const lat: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < 20000; i++) { const a = performance.now(); ins.run(`bench/conv/r${i % 50}`, i, buf); lat.push(performance.now() - a); }
  const c = process.cpuUsage(c0);
  lat.sort((a, b) => a - b);
  console.log('ckpt', ckpt, 'p50', (lat[10000]! * 1000).toFixed(1), 'p99', (lat[19800]! * 1000).toFixed(1), 'max ms', lat[19999]!.toFixed(2), 'cpu user/sys µs per insert', (c.user / 20000).toFixed(1), (c.system / 20000).toFixed(1));
}
