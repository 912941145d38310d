/**
 * The presence bench's agents (runPresence.ts), in a worker thread so that the bench process's
 * main thread runs only the server: its CPU per presence change is then the server's alone.
 * Raw multiplexed sync clients over `ws`; each counts the frames and bytes it receives and the
 * time (ms since the epoch, comparable across threads) of the last one.
 *
 * Requests (parentPort) and replies, one reply per request, in order:
 *   {type:'connect', url, n, step1, activity}  → {type:'ok'}   (n clients, each sends step1 + activity)
 *   {type:'activity'}                           → {type:'ok'}   (every client reports input once)
 *   {type:'reset'}                              → {type:'ok'}   (zero the counters)
 *   {type:'await', since, timeoutMs}            → {type:'arrived', latenciesMs}  (once every client
 *                                                  got a frame after `since`; 10 000 ms for one that did not)
 *   {type:'stats'}                              → {type:'stats', frames, bytes}
 *   {type:'close'}                              → {type:'ok'}
 */
import { parentPort } from 'node:worker_threads';
import WebSocket from 'ws';

if (!parentPort) throw new Error('presenceClients.worker must run in a worker thread');
const port = parentPort;
const now = () => performance.timeOrigin + performance.now();

interface Client {
  ws: WebSocket;
  frames: number;
  bytes: number;
  last: number;
}
let clients: Client[] = [];
let waiting: { since: number; deadline: number } | null = null;

function checkArrived(): void {
  if (!waiting) return;
  const { since, deadline } = waiting;
  const done = clients.every((c) => c.last >= since);
  if (!done && now() < deadline) return;
  waiting = null;
  port.postMessage({ type: 'arrived', latenciesMs: clients.map((c) => (c.last >= since ? c.last - since : 10_000)) });
}

async function connect(url: string, n: number, step1: Uint8Array, activity: Uint8Array): Promise<void> {
  for (let i = 0; i < n; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, (_, k) => {
        const ws = new WebSocket(`${url}?token=t${i + k}`);
        const c: Client = { ws, frames: 0, bytes: 0, last: 0 };
        clients.push(c);
        ws.on('message', (data: Buffer) => {
          c.frames++;
          c.bytes += data.byteLength;
          c.last = now();
          if (waiting) checkArrived();
        });
        return new Promise<void>((resolve, reject) => {
          ws.once('open', () => {
            ws.send(step1);
            ws.send(activity);
            resolve();
          });
          ws.once('error', reject);
        });
      }),
    );
  }
}

let activityFrame: Uint8Array | null = null;

port.on('message', async (req: { type: string; [k: string]: unknown }) => {
  switch (req.type) {
    case 'connect':
      activityFrame = req.activity as Uint8Array;
      await connect(req.url as string, req.n as number, req.step1 as Uint8Array, activityFrame);
      port.postMessage({ type: 'ok' });
      return;
    case 'activity':
      for (const c of clients) c.ws.send(activityFrame as Uint8Array);
      port.postMessage({ type: 'ok' });
      return;
    case 'reset':
      for (const c of clients) {
        c.frames = 0;
        c.bytes = 0;
      }
      port.postMessage({ type: 'ok' });
      return;
    case 'await': {
      waiting = { since: req.since as number, deadline: now() + (req.timeoutMs as number) };
      const timer = setInterval(() => {
        checkArrived();
        if (!waiting) clearInterval(timer);
      }, 50);
      checkArrived();
      return;
    }
    case 'stats':
      port.postMessage({ type: 'stats', frames: clients.reduce((a, c) => a + c.frames, 0), bytes: clients.reduce((a, c) => a + c.bytes, 0) });
      return;
    case 'close':
      for (const c of clients) c.ws.close();
      clients = [];
      port.postMessage({ type: 'ok' });
      return;
  }
});
