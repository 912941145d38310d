import { Worker } from 'node:worker_threads';
import type { ClientSpec, WorkerReply, WorkerRequest } from './workerProtocol.ts';

type ReplyOf<T extends WorkerReply['type']> = Extract<WorkerReply, { type: T }>;

/** A set of load-generator worker threads (clientWorker.ts), each owning some of the clients. */
export class ClientPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, (reply: WorkerReply) => void>();
  private nextId = 1;

  constructor(readonly size: number) {
    const boot = new URL('./workerBoot.mjs', import.meta.url);
    const entry = new URL('./clientWorker.ts', import.meta.url).href;
    for (let index = 0; index < size; index++) {
      const w = new Worker(boot, { workerData: { entry, index } });
      w.on('message', (msg: { id: number; reply: WorkerReply }) => {
        const done = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        done?.(msg.reply);
      });
      w.on('error', (err) => {
        for (const done of this.pending.values()) done({ type: 'error', message: String(err) });
        this.pending.clear();
      });
      this.workers.push(w);
    }
  }

  private call(worker: Worker, req: WorkerRequest): Promise<WorkerReply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      worker.postMessage({ id, req });
    });
  }

  /** Sends one request per worker (built by `reqFor`) and returns the replies, failing on any error. */
  async all<T extends WorkerReply['type']>(expected: T, reqFor: (index: number) => WorkerRequest): Promise<ReplyOf<T>[]> {
    const replies = await Promise.all(this.workers.map((w, i) => this.call(w, reqFor(i))));
    for (const r of replies) {
      if (r.type === 'error') throw new Error(r.message);
      if (r.type !== expected) throw new Error(`worker replied ${r.type}, expected ${expected}`);
    }
    return replies as ReplyOf<T>[];
  }

  /** Opens the clients, spread round-robin over the workers, and waits until all are synced. */
  async connect(wsBase: string, params: Record<string, string>, clients: ClientSpec[], timeoutMs = 60_000): Promise<number> {
    const started = performance.now();
    const share = this.workers.map(() => [] as ClientSpec[]);
    clients.forEach((c, i) => share[i % this.size]?.push(c));
    await this.all('connected', (i) => ({ type: 'connect', wsBase, params, clients: share[i] ?? [], batch: 50, timeoutMs }));
    return performance.now() - started;
  }

  async close(): Promise<void> {
    await this.all('closed', () => ({ type: 'close' }));
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
