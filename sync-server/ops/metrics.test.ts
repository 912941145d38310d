import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.ts';

/** The value of a gauge line `name value` in Prometheus text. */
function gauge(text: string, name: string): number | null {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

describe('metrics', () => {
  it('reports how busy the event loop was since the previous scrape, and its lag', async () => {
    const metrics = createMetrics();
    await metrics.registry.metrics();
    // Keep the loop busy for a while, then let it idle: the next scrape sees a share in between.
    const until = performance.now() + 30;
    while (performance.now() < until);
    await new Promise((resolve) => setImmediate(resolve));
    const text = await metrics.registry.metrics();
    const busy = gauge(text, 'switchboard_event_loop_utilization');
    expect(busy).not.toBeNull();
    expect(busy!).toBeGreaterThan(0.5);
    expect(busy!).toBeLessThanOrEqual(1);
    expect(text).toMatch(/^switchboard_nodejs_eventloop_lag_max_seconds /m);
  });

  it('leaves Node metrics out when asked (tests that count exact lines)', async () => {
    const text = await createMetrics({ defaultMetrics: false }).registry.metrics();
    expect(text).not.toContain('switchboard_event_loop_utilization');
    expect(text).toContain('switchboard_connections');
  });
});
