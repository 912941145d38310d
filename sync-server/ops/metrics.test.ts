import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.ts';

/** Lets the event loop idle for `n` lag samples (100 ms apart): the sampler's own timers run. */
async function waitForSamples(n: number): Promise<void> {
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const probe = monitorEventLoopDelay({ resolution: 100 });
  probe.enable();
  await new Promise<void>((resolve) => {
    const check = () => (probe.count >= n ? resolve() : setImmediate(check));
    check();
  });
  probe.disable();
}

/** The value of a gauge line `name value` in Prometheus text. */
function gauge(text: string, name: string): number | null {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

describe('metrics', () => {
  it('reports how busy the event loop was since the previous scrape', async () => {
    const metrics = createMetrics();
    await metrics.registry.metrics();
    // Keep the loop busy for a while, then let it idle: the next scrape sees a share in between.
    const until = performance.now() + 30;
    while (performance.now() < until);
    await new Promise((resolve) => setImmediate(resolve));
    const busy = gauge(await metrics.registry.metrics(), 'switchboard_event_loop_utilization');
    expect(busy).not.toBeNull();
    expect(busy!).toBeGreaterThan(0.5);
    expect(busy!).toBeLessThanOrEqual(1);
  });

  it('reports event-loop lag as the delay beyond its sampling interval: near 0 when idle, the stall when blocked', async () => {
    const metrics = createMetrics();
    await metrics.registry.metrics();
    // Idle for a few samples (100 ms apart): no lag, although each sample is 100 ms after the last.
    await waitForSamples(3);
    const idle = await metrics.registry.metrics();
    expect(gauge(idle, 'switchboard_event_loop_lag_max_seconds')!).toBeLessThan(0.09);
    // Block the loop for 250 ms: the next sample comes that much late. (A scrape resets the
    // histogram, whose first sample after a reset only starts the clock: let one pass first.)
    await waitForSamples(1);
    const until = performance.now() + 250;
    while (performance.now() < until);
    await waitForSamples(2);
    const blocked = await metrics.registry.metrics();
    expect(gauge(blocked, 'switchboard_event_loop_lag_max_seconds')!).toBeGreaterThan(0.1);
    expect(blocked).not.toMatch(/^switchboard_nodejs_eventloop_lag_max_seconds /m);
  });

  it('leaves Node metrics out when asked (tests that count exact lines)', async () => {
    const text = await createMetrics({ defaultMetrics: false }).registry.metrics();
    expect(text).not.toContain('switchboard_event_loop_utilization');
    expect(text).toContain('switchboard_connections');
  });
});
