import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from './log.ts';

/**
 * Lets the server give memory back while it is quiet, instead of in its next busy minute.
 *
 * When documents unload (their last client left: DocRegistry), the next full collection frees
 * them and leaves much of the old generation empty. V8's memory reducer then compacts the heap
 * and returns those pages to the system (up to three `Mark-Compact (reduce)` collections), but
 * only once it has seen a low allocation rate, which it samples at garbage collections. A server
 * that went quiet collects nothing, so the reducer waits, holding the memory of the burst, and
 * runs the moment traffic returns: three compacting pauses and a round of re-optimisation on the
 * first messages of the next burst (docs/performance.md, session 16).
 *
 * So: once documents have been released and the event loop has been nearly idle for `quietMs`,
 * this asks V8 for one minor collection (a scavenge, about a millisecond). That gives the
 * reducer its sample; it finishes within seconds, while nobody is waiting. At most one per
 * burst of releases; never while the server is busy.
 */
export interface IdleMemoryReturnOptions {
  /** One minor collection of the engine; null (not available) makes this do nothing. */
  minorGc: (() => void) | null;
  logger: Logger;
  /** Quiet time after the last release, in ms (default 3000). */
  quietMs?: number;
  /** How often to look, in ms (default 1000). */
  checkEveryMs?: number;
  /** Event-loop utilisation (0–1) below which the server counts as quiet (default 0.05). */
  maxUtilization?: number;
  /** Event-loop utilisation since the previous call (default: `performance.eventLoopUtilization`). */
  utilization?: () => number;
}

export class IdleMemoryReturn {
  private readonly quietMs: number;
  private readonly maxUtilization: number;
  private readonly utilization: () => number;
  private readonly checkEveryMs: number;
  private releasedAt: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly opts: IdleMemoryReturnOptions) {
    this.quietMs = opts.quietMs ?? 3000;
    this.checkEveryMs = opts.checkEveryMs ?? 1000;
    this.maxUtilization = opts.maxUtilization ?? 0.05;
    this.utilization = opts.utilization ?? eventLoopUtilizationSinceLastCall();
  }

  /** Documents were unloaded: collect once the server has been quiet for `quietMs`. */
  released(): void {
    if (!this.opts.minorGc || this.closed) return;
    this.releasedAt = Date.now();
    if (this.timer) return;
    this.utilization(); // start the measurement from here
    this.timer = setInterval(() => this.check(), this.checkEveryMs);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    this.stop();
  }

  private check(): void {
    const busy = this.utilization() > this.maxUtilization;
    if (this.releasedAt === null || busy || Date.now() - this.releasedAt < this.quietMs) return;
    this.stop();
    const started = performance.now();
    try {
      this.opts.minorGc?.();
      this.opts.logger.debug({ event: 'idle_memory_return', ms: Math.round((performance.now() - started) * 10) / 10 });
    } catch (err) {
      this.opts.logger.warn({ event: 'idle_memory_return_failed', reason: String(err) });
    }
  }

  private stop(): void {
    this.releasedAt = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

function eventLoopUtilizationSinceLastCall(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const since = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    return since;
  };
}

/**
 * The engine's minor collection, or null. Node keeps V8's `gc()` hidden unless started with
 * `--expose-gc`; setting the flag at run time exposes it in contexts created afterwards, so one
 * fresh `vm` context hands it over. Nothing else changes: the server's own context never sees a
 * `gc` global.
 */
export function engineMinorGc(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc !== 'function') return null;
    return () => (gc as (options: { type: 'minor' }) => void)({ type: 'minor' });
  } catch {
    return null;
  }
}
