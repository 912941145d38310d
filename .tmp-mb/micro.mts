import * as Y from 'yjs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '/work/main/sync-server/storage/openDatabase.ts';
import { SqliteDocStore } from '/work/main/sync-server/storage/SqliteDocStore.ts';
import { ClientIdRegistry } from '/work/main/sync-server/rules/ClientIdRegistry.ts';
import { DocRegistry } from '/work/main/sync-server/docs/DocRegistry.ts';
import { LocalFanout } from '/work/main/sync-server/fanout/LocalFanout.ts';
import { silentLogger } from '/work/main/sync-server/ops/log.ts';
import { createMetrics } from '/work/main/sync-server/ops/metrics.ts';
import { validateUpdate } from '/work/main/sync-server/rules/validateUpdate.ts';
import { parseDocName } from '/work/main/shared/ids.ts';

const dir = mkdtempSync(join(tmpdir(), 'mb-'));
const db = openDatabase(dir);
const store = new SqliteDocStore(db);
const clientIds = new ClientIdRegistry(db);
const reg = new DocRegistry({ store, fanout: new LocalFanout(), clientIds, logger: silentLogger(), metrics: createMetrics({ defaultMetrics: false }) });
const p = { agentId: 'a1', workspaceId: 'bench', role: 'agent' as const, name: 'A', sessionId: 's' };
const N = 5000;
const rooms = 50;
const lives = [];
const subs = [];
for (let r = 0; r < rooms; r++) {
  const s = [0,1,2].map((i) => ({ connectionId: `c${r}-${i}`, multiplexed: false, send(_f: Uint8Array) {}, evicted() {} }));
  let live;
  for (const x of s) live = await reg.subscribe(`bench/conv/r${r}`, x);
  lives.push(live!);
}
// precompute updates
const updates: Uint8Array[][] = [];
for (let r = 0; r < rooms; r++) {
  const d = new Y.Doc(); const arr = d.getArray('messages'); const us: Uint8Array[] = [];
  d.on('update', (u: Uint8Array) => us.push(u));
  for (let i = 0; i < N / rooms; i++) arr.insert(arr.length, [{ id: `m${r}x${i}`, kind: 'message', author: { type: 'agent', id: 'a1' }, text: `a${i} 123456789012345`, createdAt: 1 }]);
  updates.push(us);
}
const origin = { kind: 'client' as const, connectionId: 'sender', principal: p };
// validation only cost
{
  const doc = new Y.Doc(); const ref = parseDocName('bench/conv/x')!;
  let t = performance.now();
  for (const u of updates[0]!) { validateUpdate({ doc, name: 'bench/conv/x', ref, principal: p, clientIds }, u); Y.applyUpdate(doc, u); }
  const both = performance.now() - t;
  const doc2 = new Y.Doc();
  t = performance.now();
  for (const u of updates[0]!) Y.applyUpdate(doc2, u);
  const apply = performance.now() - t;
  console.log('validate+apply per update µs', (both / updates[0]!.length * 1000).toFixed(1), 'apply only', (apply / updates[0]!.length * 1000).toFixed(1));
}
{
  let t = performance.now();
  for (let i = 0; i < 2000; i++) await store.append('bench/x', updates[0]![i % 100]!);
  console.log('sqlite append µs', ((performance.now() - t) / 2000 * 1000).toFixed(1));
}
const t0 = performance.now();
const c0 = process.cpuUsage();
for (let i = 0; i < N / rooms; i++) {
  for (let r = 0; r < rooms; r++) reg.applyClientUpdate(lives[r]!, updates[r]![i]!, origin);
  await new Promise((res) => setImmediate(res));
}
await reg.flush();
const c1 = process.cpuUsage(c0);
console.log('full path per update µs (wall)', ((performance.now() - t0) / N * 1000).toFixed(1), 'cpu', ((c1.user + c1.system) / N).toFixed(1));
