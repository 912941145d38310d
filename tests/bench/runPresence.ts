import { performance } from 'node:perf_hooks';
import * as encoding from 'lib0/encoding';
import { Worker } from 'node:worker_threads';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { indexDoc } from '../../shared/ids.ts';
import { MessageType } from '../../shared/protocol/messageTypes.ts';
import { encodeMuxFrame } from '../../shared/protocol/multiplex.ts';
import type { Principal } from '../../sync-server/auth/Principal.ts';
import { silentLogger } from '../../sync-server/ops/log.ts';
import { PresenceService } from '../../sync-server/presence/PresenceService.ts';
import { startSyncServer } from '../helpers/startSyncServer.ts';
import { percentile } from './percentile.ts';
import { readMainThreadCpuSeconds } from './procStats.ts';
import type { Row } from './report.ts';

/**
 * Presence at scale (docs/presence-routing.md): N agents connected to one workspace, each
 * subscribed to the index (where presence lives) and reporting input every second (30× more
 * often than the real client). Measures what every client receives while nothing changes
 * (heartbeats and activity must not travel), then per presence change: bytes and messages per
 * client, server CPU per change and propagation p99 to all N clients.
 */
export interface PresenceBenchResult {
  agents: number;
  idle: { msgsPerClientPerS: number; bytesPerClientPerS: number };
  changes: {
    count: number;
    msgsPerClientPerS: number;
    bytesPerClientPerS: number;
    msgsPerClientPerChange: number;
    bytesPerClientPerChange: number;
    cpuMsPerChange: number;
    p50Ms: number;
    p99Ms: number;
  };
}

const WS = 'bench';

export async function runPresenceBench(opts: { agents?: number; idleS?: number; changes?: number; log?: (m: string) => void } = {}): Promise<PresenceBenchResult> {
  const n = opts.agents ?? 1000;
  const log = opts.log ?? (() => {});
  const tokens: Record<string, Principal> = {};
  for (let i = 0; i < n; i++) tokens[`t${i}`] = { agentId: `a${i}`, workspaceId: WS, role: i === 0 ? 'admin' : 'agent', name: `Agent ${i}`, sessionId: `s${i}` };
  const server = await startSyncServer({ tokens, limits: { maxFrameBytes: 4 * 1024 * 1024 } });
  const presence = new PresenceService({
    docs: server.service.docs,
    logger: silentLogger(),
    workspaces: () => [WS],
    members: () => Object.values(tokens).map((p) => ({ id: p.agentId, name: p.name, active: true })),
    sweepMs: 0,
  });
  await presence.start();
  const unobserve = server.service.observeConnections(presence);
  const name = indexDoc(WS);
  const step1 = (() => {
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MessageType.sync);
    syncProtocol.writeSyncStep1(enc, new Y.Doc());
    return encodeMuxFrame(name, encoding.toUint8Array(enc));
  })();
  const activity = (() => {
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MessageType.control);
    encoding.writeVarString(enc, JSON.stringify({ type: 'activity', idleMs: 0 }));
    return encodeMuxFrame('', encoding.toUint8Array(enc));
  })();
  // The agents live in a worker thread: this thread's CPU is then the server's alone.
  const agents = new AgentsWorker();
  try {
    log(`presence: connecting ${n} agents`);
    await agents.call({ type: 'connect', url: server.url, n, step1, activity });
    await presence.idle();
    const settle = async () => {
      for (let i = 0; i < 50; i++) {
        await presence.idle();
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await settle();

    // 1. Nothing changes: every agent reports input every second.
    const idleS = opts.idleS ?? 5;
    await agents.call({ type: 'reset' });
    const idleStart = performance.now();
    for (let s = 0; s < idleS; s++) {
      await agents.call({ type: 'activity' });
      await new Promise((r) => setTimeout(r, 1000));
    }
    const idleWindow = (performance.now() - idleStart) / 1000;
    const idleStats = await agents.call<{ frames: number; bytes: number }>({ type: 'stats' });
    const idleFrames = idleStats.frames / n / idleWindow;
    const idleBytes = idleStats.bytes / n / idleWindow;
    log(`presence: idle ${idleFrames.toFixed(3)} msgs and ${idleBytes.toFixed(1)} bytes per client per second`);

    // 2. Presence changes, one at a time: an agent sets Away, then Online.
    const count = opts.changes ?? 40;
    const latencies: number[] = [];
    await agents.call({ type: 'reset' });
    const cpu0 = readMainThreadCpuSeconds(process.pid);
    const changeStart = performance.now();
    for (let i = 0; i < count; i++) {
      const who = tokens[`t${1 + (i % (n - 1))}`]!;
      const since = performance.timeOrigin + performance.now();
      const arrived = agents.call<{ latenciesMs: number[] }>({ type: 'await', since, timeoutMs: 10_000 });
      await presence.setChosen(who, who.agentId, i % 2 === 0 ? 'away' : 'online');
      latencies.push(...(await arrived).latenciesMs);
    }
    const cpuS = readMainThreadCpuSeconds(process.pid) - cpu0;
    const changeWindow = (performance.now() - changeStart) / 1000;
    const stats = await agents.call<{ frames: number; bytes: number }>({ type: 'stats' });
    latencies.sort((a, b) => a - b);
    const result: PresenceBenchResult = {
      agents: n,
      idle: { msgsPerClientPerS: idleFrames, bytesPerClientPerS: idleBytes },
      changes: {
        count,
        msgsPerClientPerS: stats.frames / n / changeWindow,
        bytesPerClientPerS: stats.bytes / n / changeWindow,
        msgsPerClientPerChange: stats.frames / n / count,
        bytesPerClientPerChange: stats.bytes / n / count,
        // The server's thread only (the agents run in a worker thread).
        cpuMsPerChange: (cpuS * 1000) / count,
        p50Ms: percentile(latencies, 0.5),
        p99Ms: percentile(latencies, 0.99),
      },
    };
    await agents.call({ type: 'close' });
    return result;
  } finally {
    await agents.terminate();
    unobserve();
    await presence.close();
    await server.stop();
    server.cleanup();
  }
}

/** The agents' worker thread (presenceClients.worker.ts): one request at a time, one reply each. */
class AgentsWorker {
  private readonly worker = new Worker(new URL('./workerBoot.mjs', import.meta.url), {
    workerData: { entry: new URL('./presenceClients.worker.ts', import.meta.url).href },
  });
  private queue: Promise<unknown> = Promise.resolve();

  call<T = unknown>(req: Record<string, unknown>): Promise<T> {
    const next = this.queue.then(
      () =>
        new Promise<T>((resolve, reject) => {
          const onError = (err: Error) => reject(err);
          this.worker.once('error', onError);
          this.worker.once('message', (reply: T) => {
            this.worker.off('error', onError);
            resolve(reply);
          });
          this.worker.postMessage(req);
        }),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Rows for the bench table. */
export function presenceRows(r: PresenceBenchResult | { skipped: string }): Row[] {
  const section = 'presence, 1,000 agents';
  if ('skipped' in r) return [{ section, metric: 'presence', baseline: '—', ours: r.skipped, target: '—', result: '' }];
  const row = (metric: string, ours: string, target: string, ok: boolean | null): Row => ({
    section: `presence, ${r.agents} agents`,
    metric,
    baseline: '—',
    ours,
    target,
    result: ok === null ? '' : ok ? 'ok' : 'MISSED',
  });
  return [
    row('idle: msgs per client per s (activity 1/s/agent)', r.idle.msgsPerClientPerS.toFixed(3), '0', r.idle.msgsPerClientPerS < 0.01),
    row('idle: bytes per client per s', r.idle.bytesPerClientPerS.toFixed(1), '0', r.idle.bytesPerClientPerS < 1),
    row('per presence change: msgs per client', r.changes.msgsPerClientPerChange.toFixed(2), '1', r.changes.msgsPerClientPerChange <= 1.05),
    row('per presence change: bytes per client', r.changes.bytesPerClientPerChange.toFixed(0), '< 1 KiB', r.changes.bytesPerClientPerChange < 1024),
    row(`${r.changes.count} changes back to back: msgs / bytes per client per s`, `${r.changes.msgsPerClientPerS.toFixed(1)} / ${r.changes.bytesPerClientPerS.toFixed(0)}`, '—', null),
    row('server CPU per presence change (ms, server thread)', r.changes.cpuMsPerChange.toFixed(2), '< 20', r.changes.cpuMsPerChange < 20),
    row('propagation to all clients p50 / p99 (ms)', `${r.changes.p50Ms.toFixed(1)} / ${r.changes.p99Ms.toFixed(1)}`, 'p99 < 250', r.changes.p99Ms < 250),
  ];
}
