/**
 * Load-generator worker: a set of stock y-websocket clients (WebsocketProvider over `ws`), each
 * with its own Y.Doc, driven by RPC messages from the bench (see ClientPool.ts).
 *
 * A message appended by a client is one plain JSON entry on the root Y.Array `messages`:
 *   {id, kind:'message', author:{type:'agent', id}, text:'<tag> <send time, hrtime ns>', createdAt}
 * A receiver records the latency when the entry is applied to its own document (end of the
 * remote transaction that integrated it), in the same monotonic clock (process.hrtime, shared by
 * every thread and process of this machine).
 */
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { ClientSpec, WorkerReply, WorkerRequest } from './workerProtocol.ts';

if (!parentPort) throw new Error('clientWorker must run in a worker thread');
const port = parentPort;
const workerIndex = (workerData as { index: number }).index;
// Each provider adds a process 'exit' listener.
process.setMaxListeners(0);

interface Client {
  spec: ClientSpec;
  doc: Y.Doc;
  awareness: Awareness;
  provider: WebsocketProvider;
  arr: Y.Array<unknown>;
}

let clients: Client[] = [];
const latencies = new Map<string, number[]>();
const received = new Map<string, number>();
let sentTotal = 0;

const nowNs = () => Number(process.hrtime.bigint());

/** Records every entry that a remote transaction added to this client's `messages`. */
function onAfterTransaction(doc: Y.Doc, tr: Y.Transaction): void {
  if (tr.local) return;
  const at = nowNs();
  for (const [clientId, after] of tr.afterState) {
    const before = tr.beforeState.get(clientId) ?? 0;
    if (after <= before) continue;
    const structs = doc.store.clients.get(clientId);
    if (!structs) continue;
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const item = structs[i];
      if (!(item instanceof Y.Item) || !(item.content instanceof Y.ContentAny)) continue;
      for (const value of item.content.getContent()) {
        const text = value !== null && typeof value === 'object' ? (value as { text?: unknown }).text : undefined;
        if (typeof text !== 'string') continue;
        const space = text.indexOf(' ');
        if (space < 0) continue;
        const tag = text.slice(0, space);
        const sentAt = Number(text.slice(space + 1));
        received.set(tag, (received.get(tag) ?? 0) + 1);
        let list = latencies.get(tag);
        if (!list) latencies.set(tag, (list = []));
        list.push((at - sentAt) / 1e6);
      }
    }
  }
}

function openClient(spec: ClientSpec, wsBase: string, params: Record<string, string>): Client {
  const doc = new Y.Doc();
  // No awareness state: the bench measures document fan-out only (both servers alike).
  const awareness = new Awareness(doc);
  awareness.setLocalState(null);
  const provider = new WebsocketProvider(wsBase, spec.room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params,
    awareness,
    // Node has a global BroadcastChannel: without this, clients of one process would sync
    // through it and bypass the server.
    disableBc: true,
    maxBackoffTime: 1000,
  });
  const arr = doc.getArray<unknown>('messages');
  doc.on('afterTransaction', (tr: Y.Transaction) => onAfterTransaction(doc, tr));
  return { spec, doc, awareness, provider, arr };
}

function whenSynced(c: Client): Promise<void> {
  if (c.provider.synced) return Promise.resolve();
  return new Promise((resolve) => {
    const onSync = (state: boolean) => {
      if (!state) return;
      c.provider.off('sync', onSync);
      resolve();
    };
    c.provider.on('sync', onSync);
  });
}

async function connect(req: Extract<WorkerRequest, { type: 'connect' }>): Promise<WorkerReply> {
  const started = nowNs();
  const deadline = Date.now() + req.timeoutMs;
  const closes: string[] = [];
  for (let i = 0; i < req.clients.length; i += req.batch) {
    const batch = req.clients.slice(i, i + req.batch).map((spec) => {
      const c = openClient(spec, req.wsBase, req.params);
      c.provider.on('connection-close', (ev: { code: number; reason: string } | null) => {
        if (ev && closes.length < 5) closes.push(`${spec.room}: ${ev.code} ${ev.reason}`);
      });
      return c;
    });
    clients.push(...batch);
    const remaining = deadline - Date.now();
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), Math.max(0, remaining)).unref());
    const result = await Promise.race([Promise.all(batch.map(whenSynced)), timeout]);
    if (result === 'timeout') {
      const synced = clients.filter((c) => c.provider.synced).length;
      return {
        type: 'error',
        message: `worker ${workerIndex}: only ${synced}/${clients.length} clients synced in ${req.timeoutMs} ms${closes.length ? `; closes: ${closes.join('; ')}` : ''}`,
      };
    }
  }
  return { type: 'connected', count: clients.length, ms: (nowNs() - started) / 1e6 };
}

/**
 * Sends this worker's share of a scenario: room r sends `rate` messages per second, message k
 * at start + phase(r) + k / rate, written by the room's client (k mod roomSize); the worker
 * sends the messages of the clients it owns. Phases spread the rooms evenly over one period.
 */
async function run(req: Extract<WorkerRequest, { type: 'run' }>): Promise<WorkerReply> {
  const periodNs = 1e9 / req.rate;
  const perRoom = Math.floor((req.durationMs / 1000) * req.rate);
  const owned = new Map<string, Client>();
  for (const c of clients) owned.set(`${c.spec.roomIndex}/${c.spec.slot}`, c);
  const schedule: { at: number; client: Client; k: number }[] = [];
  const start = Number(BigInt(req.startAtNs));
  for (let r = 0; r < req.rooms; r++) {
    const phase = (r / req.rooms) * periodNs;
    for (let k = 0; k < perRoom; k++) {
      const client = owned.get(`${r}/${k % req.roomSize}`);
      if (client) schedule.push({ at: start + phase + k * periodNs, client, k });
    }
  }
  schedule.sort((a, b) => a.at - b.at);
  let sent = 0;
  let maxLagMs = 0;
  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      const now = nowNs();
      while (next < schedule.length && (schedule[next] as { at: number }).at <= now) {
        const { client, k, at } = schedule[next] as (typeof schedule)[number];
        maxLagMs = Math.max(maxLagMs, (now - at) / 1e6);
        const entry = {
          id: `${req.tag}r${client.spec.roomIndex}k${k}`,
          kind: 'message',
          author: { type: 'agent', id: req.agentId },
          text: `${req.tag} ${nowNs()}`,
          createdAt: Date.now(),
        };
        client.doc.transact(() => client.arr.insert(client.arr.length, [entry]));
        sent++;
        next++;
      }
      if (next >= schedule.length) return resolve();
      const waitMs = ((schedule[next] as { at: number }).at - nowNs()) / 1e6;
      setTimeout(tick, Math.max(0, waitMs));
    };
    setTimeout(tick, Math.max(0, (start - nowNs()) / 1e6));
  });
  sentTotal += sent;
  return { type: 'ran', sent, maxLagMs };
}

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  switch (req.type) {
    case 'connect':
      return connect(req);
    case 'run':
      return run(req);
    case 'progress':
      return { type: 'progress', received: received.get(req.tag) ?? 0, sent: sentTotal };
    case 'collect': {
      const list = latencies.get(req.tag) ?? [];
      const count = received.get(req.tag) ?? 0;
      latencies.delete(req.tag);
      received.delete(req.tag);
      return { type: 'collected', latenciesMs: Float64Array.from(list), received: count };
    }
    case 'close': {
      for (const c of clients) {
        c.provider.destroy();
        c.awareness.destroy();
        c.doc.destroy();
      }
      const n = clients.length;
      clients = [];
      return { type: 'closed', count: n };
    }
  }
}

port.on('message', (msg: { id: number; req: WorkerRequest }) => {
  handle(msg.req).then(
    (reply) => port.postMessage({ id: msg.id, reply }),
    (err: unknown) =>
      port.postMessage({ id: msg.id, reply: { type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) } }),
  );
});
