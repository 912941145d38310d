import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one server process, served at GET /metrics. */
export interface Metrics {
  registry: Registry;
  connections: Gauge;
  documentsLoaded: Gauge;
  updatesApplied: Counter<'kind'>;
  updatesRejected: Counter<'reason'>;
  /** Seconds from receiving a client update to having sent it to every local subscriber. */
  fanoutLatency: Histogram;
  framesMalformed: Counter;
  httpRequests: Counter<'route' | 'status'>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) {
    // Event-loop lag is sampled by a timer: at prom-client's default 10 ms it wakes an idle
    // server 100 times a second (about a tenth of the CPU of a quiet sync server, measured with
    // `npm run bench`). Every 100 ms still catches the stalls an operator looks for; how busy the
    // loop is shows in switchboard_event_loop_utilization, which costs nothing between scrapes.
    collectDefaultMetrics({ register: registry, prefix: 'switchboard_', eventLoopMonitoringPrecision: 100 });
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
  return {
    registry,
    connections: new Gauge({ name: 'switchboard_connections', help: 'Open websocket connections', registers: [registry] }),
    documentsLoaded: new Gauge({ name: 'switchboard_documents_loaded', help: 'Documents held in memory', registers: [registry] }),
    updatesApplied: new Counter({
      name: 'switchboard_updates_applied_total',
      help: 'Document updates applied, by document kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    updatesRejected: new Counter({
      name: 'switchboard_updates_rejected_total',
      help: 'Client document updates refused, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    fanoutLatency: new Histogram({
      name: 'switchboard_fanout_latency_seconds',
      help: 'From receiving an update to sending it to every local subscriber',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
      registers: [registry],
    }),
    framesMalformed: new Counter({ name: 'switchboard_frames_malformed_total', help: 'Frames refused as malformed', registers: [registry] }),
    httpRequests: new Counter({
      name: 'switchboard_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
  };
}
