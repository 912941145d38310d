import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HotCounter, HotHistogram } from './hotPathMetrics.ts';

const BOUNDS = [0.0001, 0.001, 0.01, 0.1];

describe('hot-path metrics', () => {
  it('a histogram scrapes exactly as prom-client’s does for the same observations', async () => {
    const theirs = new Registry();
    const ours = new Registry();
    const reference = new Histogram({ name: 'lat_seconds', help: 'Latency', buckets: BOUNDS, registers: [theirs] });
    const hot = new HotHistogram(ours, 'lat_seconds', 'Latency', BOUNDS);
    // On a bound, between bounds, below the first and above the last (only in +Inf).
    for (const v of [0.0001, 0.00005, 0.0005, 0.001, 0.05, 0.05, 0.3, 7]) {
      reference.observe(v);
      hot.observe(v);
    }
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('lat_seconds_bucket{le="0.001"} 4');
    expect(text).toContain('lat_seconds_bucket{le="+Inf"} 8');
    expect(text).toContain('lat_seconds_count 8');
  });

  it('a counter scrapes exactly as prom-client’s does, per label set and through a bound handle', async () => {
    const theirs = new Registry();
    const ours = new Registry();
    const reference = new Counter({ name: 'delivered_total', help: 'Delivered', labelNames: ['channel', 'status'], registers: [theirs] });
    const hot = new HotCounter(ours, 'delivered_total', 'Delivered', ['channel', 'status']);
    reference.inc({ channel: 'sms', status: 'sent' });
    reference.inc({ channel: 'sms', status: 'sent' }, 2);
    reference.inc({ channel: 'email', status: 'failed' });
    hot.inc({ channel: 'sms', status: 'sent' });
    hot.labels({ channel: 'sms', status: 'sent' }).inc(2);
    // Labels print in their declared order, whatever order the caller wrote them in.
    hot.inc({ status: 'failed', channel: 'email' });
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('delivered_total{channel="sms",status="sent"} 3');
    expect(hot.value({ channel: 'email', status: 'failed' })).toBe(1);
    expect(hot.value({ channel: 'email', status: 'sent' })).toBe(0);
  });

  it('a counter without labels scrapes as prom-client’s does', async () => {
    const theirs = new Registry();
    const ours = new Registry();
    new Counter({ name: 'frames_total', help: 'Frames', registers: [theirs] }).inc(3);
    new HotCounter(ours, 'frames_total', 'Frames').labels({}).inc(3);
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('reset empties them, as the registry’s resetMetrics does for its own', async () => {
    const registry = new Registry();
    const hot = new HotHistogram(registry, 'lat_seconds', 'Latency', BOUNDS);
    const counter = new HotCounter(registry, 'applied_total', 'Applied', ['kind']);
    hot.observe(0.05);
    counter.inc({ kind: 'conversation' });
    registry.resetMetrics();
    const text = await registry.metrics();
    expect(text).toContain('lat_seconds_count 0');
    expect(text).toContain('applied_total{kind="conversation"} 0');
  });
});
