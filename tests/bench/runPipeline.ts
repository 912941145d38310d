/**
 * The server's own CPU per client update, without sockets: the same stream of updates (the
 * fan-out bench's messages, 50 rooms × 4 clients, pre-built and in sync) is handed to each
 * server's update path in this process, one update per turn of the event loop, and the
 * process's CPU is read around it. Ours runs the whole product (createServer: validation,
 * update log, SQLite writer thread, conversation listeners, metrics) and relays to 3 fake
 * subscribers per room (the frame is built, not written); the reference
 * (`@y/websocket-server`'s utils) gets fake connections whose send does nothing.
 *
 * Socket reads and writes (most of a real delivery's cost, the same for both servers) are left
 * out, so this figure moves with our JS and GC costs and is steady from run to run (a few %),
 * unlike the fan-out windows. It is a tool for comparing our own changes, not a verdict:
 * `BENCH_ONLY=pipeline npm run bench`, or `node --import tsx tests/bench/runPipeline.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import type { Principal } from '../../sync-server/auth/Principal.ts';
import { createServer } from '../../sync-server/createServer.ts';
import type { DocRegistry, DocSubscriber } from '../../sync-server/docs/DocRegistry.ts';
import { silentLogger } from '../../sync-server/ops/log.ts';
import { type SharedFrame, SyncMessage, syncFrame } from '../../sync-server/transport/frames.ts';
import { ownCpuSeconds } from './procStats.ts';

export interface PipelineResult {
  updates: number;
  /** Process CPU (user + system, all threads) per update, µs: rooms the conversation service ignores (the sync layer alone). */
  oursUs: number;
  /** The same with the rooms created as webchat conversations: the product's whole path (delivery, receipts, summaries, notifications). */
  productUs: number;
  referenceUs: number;
}

interface Plan {
  rooms: number;
  clientsPerRoom: number;
  /** Updates per room. */
  perRoom: number;
}

/** One message insert per update, rooms interleaved, every client in sync before it writes (as in the fan-out bench). */
function buildUpdates(plan: Plan, agentId: string): Array<{ room: number; client: number; update: Uint8Array }> {
  const out: Array<{ room: number; client: number; update: Uint8Array }> = [];
  const rooms = Array.from({ length: plan.rooms }, () => Array.from({ length: plan.clientsPerRoom }, () => new Y.Doc()));
  for (let k = 0; k < plan.perRoom; k++) {
    for (let r = 0; r < plan.rooms; r++) {
      const clients = rooms[r]!;
      const c = k % plan.clientsPerRoom;
      const doc = clients[c]!;
      let update: Uint8Array | null = null;
      const take = (u: Uint8Array) => {
        update = u;
      };
      doc.on('update', take);
      const arr = doc.getArray<unknown>('messages');
      doc.transact(() =>
        arr.insert(arr.length, [{ id: `p${r}k${k}`, kind: 'message', author: { type: 'agent', id: agentId }, text: `pipeline ${r} ${k}`, createdAt: Date.now() }]),
      );
      doc.off('update', take);
      for (const other of clients) if (other !== doc) Y.applyUpdate(other, update!);
      out.push({ room: r, client: c, update: update! });
    }
  }
  return out;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** This process's CPU (all threads) in µs. */
const cpuUs = () => ownCpuSeconds() * 1e6;

/**
 * `asConversations`: the rooms are webchat conversations with a visitor, created as the server
 * creates them, so every message takes the product's whole path; otherwise they are documents
 * the conversation service ignores (not created), which isolates the sync layer.
 */
async function runOurs(plan: Plan, asConversations: boolean): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-pipeline-'));
  const server = await createServer({ dataDir, port: 0, host: '127.0.0.1', logger: silentLogger(), sweepMs: 0 });
  try {
    const ws = server.directory.createWorkspace('bench', 'Bench');
    if (!ws.ok) throw new Error('could not create the bench workspace');
    const agent = await server.directory.createAgent({ workspaceId: 'bench', email: 'pipeline@example.com', name: 'Pipeline', password: 'pipeline-password', role: 'agent' });
    if (!agent.ok) throw new Error('could not create the bench agent');
    const principal: Principal = { agentId: agent.value.id, workspaceId: 'bench', role: 'agent', name: 'Pipeline', sessionId: 'pipeline' };
    const registry = server.docs as DocRegistry;
    const updates = buildUpdates(plan, principal.agentId);
    let frames = 0;
    const rooms = await Promise.all(
      Array.from({ length: plan.rooms }, async (_, r) => {
        const subs: DocSubscriber[] = Array.from({ length: plan.clientsPerRoom }, (_, c) => ({
          connectionId: `r${r}c${c}`,
          multiplexed: false,
          send(frame: SharedFrame) {
            frame.wsFrame(); // built, as a socket write would need it
            frames++;
          },
          evicted() {},
        }));
        if (asConversations) {
          const id = `pipeline${r}`;
          const visitorId = server.webchat.createOfflineVisitor('bench', `Visitor ${r}`, id);
          await server.conversations.createConversation({ workspaceId: 'bench', channel: 'webchat', contact: { id: visitorId, name: `Visitor ${r}` }, id });
        }
        const live = await registry.subscribe(`bench/conv/pipeline${r}`, subs[0]!);
        for (const sub of subs.slice(1)) await registry.subscribe(`bench/conv/pipeline${r}`, sub);
        return { live, origins: subs.map((s) => ({ kind: 'client' as const, connectionId: s.connectionId, principal })) };
      }),
    );
    const warm = Math.floor(updates.length / 5);
    let start = 0;
    for (let i = 0; i < updates.length; i++) {
      if (i === warm) start = cpuUs();
      const { room, client, update } = updates[i]!;
      const target = rooms[room]!;
      const result = registry.applyClientUpdate(target.live, update, target.origins[client]!);
      if (!result.ok) throw new Error(`update refused: ${result.reason} ${result.detail}`);
      await turn();
    }
    await server.conversations.idle();
    await registry.flush();
    const used = cpuUs() - start;
    if (frames < (updates.length * (plan.clientsPerRoom - 1)) / 2) throw new Error(`only ${frames} frames relayed`);
    return used / (updates.length - warm);
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface ReferenceConn {
  binaryType: string;
  readyState: number;
  listeners: Map<string, (data: unknown) => void>;
  on(event: string, fn: (data: unknown) => void): void;
  send(m: Uint8Array, opts: unknown, cb: (err: unknown) => void): void;
  ping(): void;
  close(): void;
}

async function runReference(plan: Plan): Promise<number> {
  const utils = (await import('@y/websocket-server/utils')) as {
    setupWSConnection: (conn: unknown, req: unknown, opts: { docName: string; gc?: boolean }) => void;
  };
  const updates = buildUpdates(plan, 'reference');
  const rooms = Array.from({ length: plan.rooms }, (_, r) =>
    Array.from({ length: plan.clientsPerRoom }, () => {
      const conn: ReferenceConn = {
        binaryType: 'arraybuffer',
        readyState: 1,
        listeners: new Map(),
        on(event, fn) {
          this.listeners.set(event, fn);
        },
        send() {},
        ping() {},
        close() {},
      };
      utils.setupWSConnection(conn, { url: `/pipeline${r}` }, { docName: `pipeline${r}` });
      return conn;
    }),
  );
  const frames = updates.map((u) => syncFrame(SyncMessage.update, u.update));
  const warm = Math.floor(updates.length / 5);
  let start = 0;
  for (let i = 0; i < updates.length; i++) {
    if (i === warm) start = cpuUs();
    const { room, client } = updates[i]!;
    const f = frames[i]!;
    rooms[room]![client]!.listeners.get('message')!(f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength));
    await turn();
  }
  const used = cpuUs() - start;
  for (const conns of rooms) for (const conn of conns) conn.listeners.get('close')?.(undefined);
  return used / (updates.length - warm);
}

/** Runs both, `rounds` times each, alternating; returns the lowest figure of each. */
export async function runPipeline(rounds = 3, plan: Plan = { rooms: 50, clientsPerRoom: 4, perRoom: 200 }): Promise<PipelineResult> {
  let ours = Number.POSITIVE_INFINITY;
  let product = Number.POSITIVE_INFINITY;
  let reference = Number.POSITIVE_INFINITY;
  // BENCH_PIPELINE_ONLY=reference|sync|product runs one of the three (e.g. under --cpu-prof).
  const only = process.env.BENCH_PIPELINE_ONLY;
  for (let round = 0; round < rounds; round++) {
    if (!only || only === 'reference') reference = Math.min(reference, await runReference(plan));
    if (!only || only === 'sync') ours = Math.min(ours, await runOurs(plan, false));
    if (!only || only === 'product') product = Math.min(product, await runOurs(plan, true));
  }
  return { updates: plan.rooms * plan.perRoom, oursUs: ours, productUs: product, referenceUs: reference };
}

/** Runs the pipeline in its own process (its own heap, nothing else in it), as `npm run bench` does. */
export async function runPipelineProcess(root: string): Promise<PipelineResult | { skipped: string }> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'tests/bench/runPipeline.ts', '--json'], { cwd: root, encoding: 'utf8', timeout: 120_000 }, (err, stdout) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (err || !last.startsWith('{')) resolve({ skipped: `failed: ${err ? err.message.split('\n')[0] : 'no result'}` });
      else resolve(JSON.parse(last) as PipelineResult);
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runPipeline(Number(process.env.BENCH_PIPELINE_ROUNDS ?? 3));
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  else {
    console.log(
      `pipeline, ${result.updates} updates, no sockets: sync layer ${result.oursUs.toFixed(1)} µs/update (${(result.oursUs / result.referenceUs).toFixed(2)}×), product path ${result.productUs.toFixed(1)} µs/update (${(result.productUs / result.referenceUs).toFixed(2)}×), reference ${result.referenceUs.toFixed(1)} µs/update`,
    );
  }
  process.exit(0);
}
