/** Messages between the bench (ClientPool) and its load-generator workers (clientWorker). */

/** One simulated client: the room it joins and its slot (0-based) among the room's clients. */
export interface ClientSpec {
  room: string;
  roomIndex: number;
  slot: number;
}

export type WorkerRequest =
  /** Open the clients in batches and resolve when all have synced (or fail after timeoutMs). */
  | { type: 'connect'; wsBase: string; params: Record<string, string>; clients: ClientSpec[]; batch: number; timeoutMs: number }
  /** Send this worker's share of `rooms` rooms × `rate` msg/s for durationMs, from startAtNs (hrtime). */
  | { type: 'run'; tag: string; startAtNs: string; durationMs: number; rate: number; rooms: number; roomSize: number; agentId: string }
  /** How many entries tagged `tag` this worker's clients have received so far. */
  | { type: 'progress'; tag: string }
  /** The latencies (ms) and count recorded for `tag`, then forgets them. */
  | { type: 'collect'; tag: string }
  /** Destroy every client. */
  | { type: 'close' };

export type WorkerReply =
  | { type: 'connected'; count: number; ms: number }
  | { type: 'ran'; sent: number; maxLagMs: number }
  | { type: 'progress'; received: number; sent: number }
  | { type: 'collected'; latenciesMs: Float64Array; received: number }
  | { type: 'closed'; count: number }
  | { type: 'error'; message: string };
