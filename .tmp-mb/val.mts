import * as Y from 'yjs';
import { validateUpdate } from '/work/main/sync-server/rules/validateUpdate.ts';
import { AgentEntrySchema } from '/work/main/shared/schema/message.ts';
import { parseDocName } from '/work/main/shared/ids.ts';
const p = { agentId: 'a1', workspaceId: 'bench', role: 'agent' as const, name: 'A', sessionId: 's' };
const d = new Y.Doc(); const arr = d.getArray('messages'); const us: Uint8Array[] = [];
d.on('update', (u: Uint8Array) => us.push(u));
for (let i = 0; i < 20000; i++) arr.insert(arr.length, [{ id: `m${i}`, kind: 'message', author: { type: 'agent', id: 'a1' }, text: `a${i} 123456789012345`, createdAt: 1 }]);
const clientIds = { ownerOf: () => undefined };
const doc = new Y.Doc(); const ref = parseDocName('bench/conv/x')!;
for (const [label, fn] of [
  ['decode', (u: Uint8Array) => Y.decodeUpdate(u)],
  ['zod', () => AgentEntrySchema.safeParse({ id: `m1`, kind: 'message', author: { type: 'agent', id: 'a1' }, text: `a 123456789012345`, createdAt: 1 })],
] as const) {
  const t = performance.now();
  for (const u of us) fn(u);
  console.log(label, ((performance.now() - t) / us.length * 1000).toFixed(2));
}
let t = performance.now();
for (const u of us) { validateUpdate({ doc, name: 'bench/conv/x', ref, principal: p, clientIds }, u); Y.applyUpdate(doc, u); }
console.log('validate+apply', ((performance.now() - t) / us.length * 1000).toFixed(2));
const doc2 = new Y.Doc();
t = performance.now();
for (const u of us) { validateUpdate({ doc: doc2, name: 'bench/conv/x', ref, principal: p, clientIds }, u); Y.applyUpdate(doc2, u); }
console.log('validate+apply (second run, warm)', ((performance.now() - t) / us.length * 1000).toFixed(2));
{
const doc3 = new Y.Doc();
let tv = 0, ta = 0;
for (const u of us) { let a = performance.now(); validateUpdate({ doc: doc3, name: 'bench/conv/x', ref, principal: p, clientIds }, u); let b = performance.now(); Y.applyUpdate(doc3, u); let c = performance.now(); tv += b - a; ta += c - b; }
console.log('validate only', (tv / us.length * 1000).toFixed(2), 'apply only', (ta / us.length * 1000).toFixed(2));
}
