import type { ClientPool } from './ClientPool.ts';
import type { ServerUnderTest } from './ServerUnderTest.ts';
import type { GcSummary } from './gcEvents.ts';
import { percentile } from './percentile.ts';
import { ownCpuSeconds, readCpuSeconds, readMachineCpu, readMainThreadCpuSeconds } from './procStats.ts';
import type { ClientSpec } from './workerProtocol.ts';

export interface FanoutScenario {
  /** Short key used in message tags and ids ([A-Za-z0-9]). */
  key: string;
  title: string;
  rooms: number;
  clientsPerRoom: number;
  /** Messages per second per room. */
  rate: number;
  /** Index of the first room (rooms are `room<firstRoom + i>`), so scenarios never share a room. */
  firstRoom: number;
  warmupMs: number;
  durationMs: number;
  /**
   * Only our server runs it, on documents that pass DOC2 (the server wrote their `meta.id`) but
   * have no conversation behind them (no channel, no contact): authentication, validation,
   * persistence and fan-out, none of the product's per-message work. Compared with the
   * reference's run of `sameLoadAs`.
   */
  syncLayerOnly?: { sameLoadAs: string };
}

export interface FanoutResult {
  scenario: string;
  server: string;
  clients: number;
  connectMs: number;
  sent: number;
  expected: number;
  delivered: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Wall time of the measured window: first send to last delivery (or drain timeout). */
  windowS: number;
  serverCpuS: number;
  /** Part of serverCpuS spent on the server's main (JavaScript) thread. */
  serverMainThreadCpuS: number;
  /**
   * Server CPU after the window, until the run's clients have gone and the server has done what
   * they leave behind (closing their sockets; ours also unloads the run's documents and compacts
   * their logs: SETTLE_MS). Counted in serverCpuPerDeliveryUs, so no run's housekeeping falls
   * into a later run's window.
   */
  afterWindowCpuS: number;
  /** (serverCpuS + afterWindowCpuS) per delivered update. */
  serverCpuPerDeliveryUs: number;
  /** The server's garbage collections in the window (null: not recorded). */
  gc: GcSummary | null;
  /** Load generator CPU (all threads of the bench process) over the same window. */
  clientCpuS: number;
  clientCpuPerDeliveryUs: number;
  /** CPU used by every other process of the machine over the window (noise indicator). */
  otherCpuS: number;
  /** CPU seconds the hypervisor took from the machine's cores during the window (MachineCpu.stealS). */
  stealS: number;
  /** Longest event-loop stall of the server during the window (its own metrics; null if none). */
  eventLoopDelayMaxMs: number | null;
  /** Largest delay of a scheduled send behind its due time (load-generator saturation). */
  maxSendLagMs: number;
  round: number;
}

const nowNs = () => process.hrtime.bigint();

/** Polls the workers until every sent entry of `tag` has reached every other client of its room. */
async function drain(pool: ClientPool, tag: string, expected: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const progress = await pool.all('progress', () => ({ type: 'progress', tag }));
    const got = progress.reduce((n, p) => n + p.received, 0);
    if (got >= expected || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function runPhase(pool: ClientPool, server: ServerUnderTest, sc: FanoutScenario, tag: string, durationMs: number) {
  const startAtNs = (nowNs() + 50_000_000n).toString();
  const ran = await pool.all('ran', () => ({
    type: 'run',
    tag,
    startAtNs,
    durationMs,
    rate: sc.rate,
    rooms: sc.rooms,
    roomSize: sc.clientsPerRoom,
    agentId: server.agentId,
  }));
  const sent = ran.reduce((n, r) => n + r.sent, 0);
  const expected = sent * (sc.clientsPerRoom - 1);
  const delivered = await drain(pool, tag, expected, 5000);
  return { sent, expected, delivered, maxSendLagMs: Math.max(...ran.map((r) => r.maxLagMs)) };
}

/**
 * How long after its clients have gone a run's server CPU is still counted (afterWindowCpuS), the
 * same for every server: ours is started with `--doc-idle-ms 1000` (run.ts), so the run's
 * documents are unloaded and compacted within it. With the default (30 s) that work fell into
 * whichever of our runs came 30 s later, (b)'s window more often than not.
 */
export const SETTLE_MS = 3000;

/** Called around the measured window (e.g. to profile the server during exactly that window). */
export interface WindowHooks {
  before(): Promise<void>;
  /** `delivered`: updates delivered in the window. */
  after(window: { delivered: number }): Promise<void>;
}

/**
 * The rooms (`server.room('room', i)` indexes) of a scenario's round: fresh documents every round,
 * round 0 being the warm-up run (run.ts, WARMUP_ROUND).
 */
export function fanoutRooms(sc: Pick<FanoutScenario, 'firstRoom' | 'rooms'>, round: number): number[] {
  return Array.from({ length: sc.rooms }, (_, r) => sc.firstRoom + round * 1000 + r);
}

/**
 * One fan-out scenario against one server: connect every client (synced), run a warm-up, then
 * the measured window. Server CPU is read from /proc/<pid>/stat around the window, which runs
 * from just before the first send to the last delivery, and again SETTLE_MS after the clients
 * have closed.
 */
export async function runFanout(
  pool: ClientPool,
  server: ServerUnderTest,
  sc: FanoutScenario,
  round = 1,
  hooks?: WindowHooks,
  roomsOf = round,
): Promise<FanoutResult> {
  // Fresh documents every run (`roomsOf`: a round run again takes rooms of its own); message ids
  // stay unique per document.
  const rooms = fanoutRooms(sc, roomsOf);
  const specs: ClientSpec[] = [];
  for (const [r, room] of rooms.entries()) {
    for (let slot = 0; slot < sc.clientsPerRoom; slot++) {
      specs.push({ room: server.room('room', room), roomIndex: r, slot });
    }
  }
  const docsBefore = (await server.documentsLoaded?.()) ?? null;
  const connectMs = await pool.connect(server.wsBase, server.params, specs);
  let window: Omit<FanoutResult, 'afterWindowCpuS' | 'serverCpuPerDeliveryUs' | 'gc'>;
  let cpuAtWindowEnd: number;
  let wallWindow: [number, number];
  try {
    // Tags (also in message ids) are unique per scenario, rooms, server and phase.
    const prefix = `${sc.key}${roomsOf}${server.kind.charAt(0)}`;
    // The window starts and ends with a /metrics request (below). Its first HTTP request in a
    // while deoptimizes the stream code a websocket-only load optimized for one socket shape; a
    // running server sees HTTP and websockets all the time, so that happens here, in the warm-up.
    await server.eventLoopDelayMaxMs?.();
    await runPhase(pool, server, sc, `${prefix}w`, sc.warmupMs);
    await pool.all('collected', () => ({ type: 'collect', tag: `${prefix}w` }));

    const tag = `${prefix}m`;
    await hooks?.before();
    await server.eventLoopDelayMaxMs?.(); // resets the server's histogram
    const cpu0 = readCpuSeconds(server.pid);
    const main0 = readMainThreadCpuSeconds(server.pid);
    const own0 = ownCpuSeconds();
    const machine0 = readMachineCpu();
    const t0 = performance.now();
    const wall0 = Date.now();
    const phase = await runPhase(pool, server, sc, tag, sc.durationMs);
    const windowS = (performance.now() - t0) / 1000;
    wallWindow = [wall0, Date.now()];
    cpuAtWindowEnd = readCpuSeconds(server.pid);
    const serverCpuS = cpuAtWindowEnd - cpu0;
    const serverMainThreadCpuS = readMainThreadCpuSeconds(server.pid) - main0;
    const clientCpuS = ownCpuSeconds() - own0;
    const machine1 = readMachineCpu();
    const otherCpuS = Math.max(0, machine1.busyS - machine0.busyS - serverCpuS - clientCpuS);
    const stealS = machine1.stealS - machine0.stealS;
    const eventLoopDelayMaxMs = (await server.eventLoopDelayMaxMs?.()) ?? null;
    await hooks?.after({ delivered: phase.delivered });

    const collected = await pool.all('collected', () => ({ type: 'collect', tag }));
    const all = new Float64Array(collected.reduce((n, c) => n + c.latenciesMs.length, 0));
    let at = 0;
    for (const c of collected) {
      all.set(c.latenciesMs, at);
      at += c.latenciesMs.length;
    }
    all.sort();
    window = {
      scenario: sc.title,
      server: server.label,
      clients: specs.length,
      connectMs,
      sent: phase.sent,
      expected: phase.expected,
      delivered: phase.delivered,
      p50Ms: percentile(all, 0.5),
      p99Ms: percentile(all, 0.99),
      maxMs: all.length ? (all[all.length - 1] as number) : Number.NaN,
      windowS,
      serverCpuS,
      serverMainThreadCpuS,
      clientCpuS,
      clientCpuPerDeliveryUs: (clientCpuS / Math.max(phase.delivered, 1)) * 1e6,
      otherCpuS,
      stealS,
      eventLoopDelayMaxMs,
      maxSendLagMs: phase.maxSendLagMs,
      round,
    };
  } finally {
    await pool.close();
  }
  // A fixed span of CPU accounting, the same for every server (not a wait for a condition).
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const afterWindowCpuS = readCpuSeconds(server.pid) - cpuAtWindowEnd;
  const result: FanoutResult = {
    ...window,
    afterWindowCpuS,
    serverCpuPerDeliveryUs: ((window.serverCpuS + afterWindowCpuS) / Math.max(window.delivered, 1)) * 1e6,
    // Read after SETTLE_MS: the server's observer has written the window's collections by now.
    gc: server.gcSummary(...wallWindow),
  };
  if (docsBefore !== null) {
    const docsAfter = await server.documentsLoaded?.();
    if (docsAfter != null && docsAfter > docsBefore) {
      process.stderr.write(`[bench] ${server.label}: ${docsAfter - docsBefore} document(s) of the run still loaded ${SETTLE_MS} ms after it\n`);
    }
  }
  return result;
}
