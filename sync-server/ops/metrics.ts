import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { HotCounter, HotHistogram } from './hotPathMetrics.ts';

/** Prometheus metrics of one server process, served at GET /metrics. */
export interface Metrics {
  registry: Registry;
  connections: Gauge;
  documentsLoaded: Gauge;
  /** Counted per update: a HotCounter (hotPathMetrics.ts), like the other two updated per message. */
  updatesApplied: HotCounter<'kind'>;
  updatesRejected: Counter<'reason'>;
  /** Seconds from receiving a client update to having sent it to every local subscriber. */
  fanoutLatency: HotHistogram;
  framesMalformed: Counter;
  httpRequests: Counter<'route' | 'status'>;
  /** Agent messages handed to their channel, by channel and outcome (sent, delivered, failed, retry). */
  messagesDelivered: HotCounter<'channel' | 'status'>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) {
    // Its event-loop lag gauges are replaced by ours (eventLoopMetrics): let its own sampler wake rarely.
    collectDefaultMetrics({ register: registry, prefix: 'switchboard_', eventLoopMonitoringPrecision: 1000 });
    eventLoopMetrics(registry);
  }
  return {
    registry,
    connections: new Gauge({ name: 'switchboard_connections', help: 'Open websocket connections', registers: [registry] }),
    documentsLoaded: new Gauge({ name: 'switchboard_documents_loaded', help: 'Documents held in memory', registers: [registry] }),
    updatesApplied: new HotCounter(registry, 'switchboard_updates_applied_total', 'Document updates applied, by document kind', ['kind']),
    updatesRejected: new Counter({
      name: 'switchboard_updates_rejected_total',
      help: 'Client document updates refused, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    fanoutLatency: new HotHistogram(
      registry,
      'switchboard_fanout_latency_seconds',
      'From receiving an update to sending it to every local subscriber',
      [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    ),
    framesMalformed: new Counter({ name: 'switchboard_frames_malformed_total', help: 'Frames refused as malformed', registers: [registry] }),
    httpRequests: new Counter({
      name: 'switchboard_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    messagesDelivered: new HotCounter(registry, 'switchboard_messages_delivered_total', 'Agent messages handed to their channel, by channel and outcome', [
      'channel',
      'status',
    ]),
  };
}

/**
 * Event-loop lag is sampled by a timer, which wakes the process on every sample: at prom-client's
 * default 10 ms that is 100 wake-ups a second, about a tenth of the CPU of a quiet sync server
 * (measured with `npm run bench`, 1 room × 200 clients). Every 100 ms still catches the stalls an
 * operator looks for.
 */
const LAG_SAMPLE_MS = 100;

/**
 * `switchboard_event_loop_lag_max_seconds` / `_p99_seconds`: how late the loop ran a timer since
 * the previous scrape. Node's histogram records the whole interval between samples, so
 * prom-client's `nodejs_eventloop_lag_*` would read 0.1 s on an idle server; those are replaced by
 * these, which subtract the sampling interval (and, like them, start afresh at each scrape: the
 * first 100 ms after a scrape are not sampled). `switchboard_event_loop_utilization`: the share of
 * the time since the previous scrape the loop was busy (saturation), which costs nothing between
 * scrapes.
 */
function eventLoopMetrics(registry: Registry): void {
  for (const name of ['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99']) registry.removeSingleMetric(`switchboard_nodejs_eventloop_lag_${name}_seconds`);
  const delay = monitorEventLoopDelay({ resolution: LAG_SAMPLE_MS });
  delay.enable();
  const beyondInterval = (ns: number) => (Number.isFinite(ns) && ns > 0 ? Math.max(0, ns / 1e9 - LAG_SAMPLE_MS / 1000) : 0);
  let p99 = 0;
  new Gauge({
    name: 'switchboard_event_loop_lag_max_seconds',
    help: 'Longest delay of the event loop since the previous scrape (sampled every 100 ms)',
    registers: [registry],
    collect() {
      this.set(beyondInterval(delay.max));
      p99 = beyondInterval(delay.percentile(99));
      delay.reset();
    },
  });
  new Gauge({
    name: 'switchboard_event_loop_lag_p99_seconds',
    help: '99th percentile delay of the event loop since the previous scrape (sampled every 100 ms)',
    registers: [registry],
    collect() {
      this.set(p99);
    },
  });
  let last = performance.eventLoopUtilization();
  new Gauge({
    name: 'switchboard_event_loop_utilization',
    help: 'Share of the time since the previous scrape the event loop was busy (0–1)',
    registers: [registry],
    collect() {
      const now = performance.eventLoopUtilization();
      this.set(performance.eventLoopUtilization(now, last).utilization);
      last = now;
    },
  });
}
