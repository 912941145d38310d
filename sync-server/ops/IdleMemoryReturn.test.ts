import { type PerformanceEntry, PerformanceObserver, constants } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleMemoryReturn, engineMinorGc } from './IdleMemoryReturn.ts';
import { silentLogger } from './log.ts';

describe('IdleMemoryReturn: a minor collection once the server is quiet after documents unloaded', () => {
  let load: number;
  let collections: number;
  let idle: IdleMemoryReturn;

  beforeEach(() => {
    vi.useFakeTimers();
    load = 0;
    collections = 0;
    idle = new IdleMemoryReturn({ minorGc: () => collections++, logger: silentLogger(), quietMs: 3000, checkEveryMs: 1000, utilization: () => load });
  });
  afterEach(() => {
    idle.close();
    vi.useRealTimers();
  });

  it('does nothing while nothing was released', () => {
    vi.advanceTimersByTime(60_000);
    expect(collections).toBe(0);
  });

  it('collects once, quietMs after the last release, and not again without a new release', () => {
    idle.released();
    vi.advanceTimersByTime(2000);
    expect(collections).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(collections).toBe(1);
    vi.advanceTimersByTime(60_000);
    expect(collections).toBe(1);
    idle.released();
    vi.advanceTimersByTime(3000);
    expect(collections).toBe(2);
  });

  it('a burst of releases waits for the last one', () => {
    for (let i = 0; i < 5; i++) {
      idle.released();
      vi.advanceTimersByTime(2000);
    }
    expect(collections).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(collections).toBe(1);
  });

  it('never collects while the event loop is busy, and does once it is quiet', () => {
    load = 0.4;
    idle.released();
    vi.advanceTimersByTime(30_000);
    expect(collections).toBe(0);
    load = 0.01;
    vi.advanceTimersByTime(1000);
    expect(collections).toBe(1);
  });

  it('after close nothing runs', () => {
    idle.released();
    idle.close();
    idle.released();
    vi.advanceTimersByTime(10_000);
    expect(collections).toBe(0);
  });

  it('without the engine collection it stays inert', () => {
    const inert = new IdleMemoryReturn({ minorGc: null, logger: silentLogger(), utilization: () => 0 });
    inert.released();
    expect(vi.getTimerCount()).toBe(0);
    inert.close();
  });

  it('a failing collection is logged and does not throw out of the timer', () => {
    const logger = silentLogger();
    const warn = vi.spyOn(logger, 'warn');
    const failing = new IdleMemoryReturn({ minorGc: () => { throw new Error('nope'); }, logger, utilization: () => 0 });
    failing.released();
    expect(() => vi.advanceTimersByTime(3000)).not.toThrow();
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ event: 'idle_memory_return_failed' }));
    failing.close();
  });
});

describe('engineMinorGc', () => {
  it('runs a real, forced minor collection of this process, and leaves no gc global behind', async () => {
    const gc = engineMinorGc();
    expect(gc).toBeTypeOf('function');
    const seen = new Promise<number>((resolve) => {
      const observer = new PerformanceObserver((list) => {
        const minor = list.getEntries().find((e) => {
          const detail = (e as PerformanceEntry & { detail?: unknown }).detail as { kind?: number; flags?: number } | undefined;
          return detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR && ((detail.flags ?? 0) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0;
        });
        if (minor) {
          observer.disconnect();
          resolve(minor.startTime);
        }
      });
      observer.observe({ entryTypes: ['gc'] });
    });
    const before = performance.now();
    gc?.();
    expect(await seen).toBeGreaterThanOrEqual(before - 1);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
