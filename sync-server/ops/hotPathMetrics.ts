import type { Registry } from 'prom-client';

/**
 * Metrics updated on every delivered message, kept as plain numbers.
 *
 * prom-client's Counter and Histogram validate and hash their labels on every `inc`/`observe`
 * (the histogram also keys its buckets by the bound as an object property): 2–3 µs a call, about
 * 3 % of the server's CPU per message in `npm run bench` (a) with three such calls per message.
 * These do the same bookkeeping with a few additions and build prom-client's metric object only
 * when scraped. They register in a prom-client Registry like any of its metrics, and the text
 * they produce is the same (hotPathMetrics.test.ts compares it with prom-client's).
 */

type Labels<L extends string> = Record<L, string | number>;

/** What prom-client's Registry reads from a metric when it is scraped (its `get()`). */
interface Scraped {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  values: Array<{ labels: Record<string, string | number>; value: number; metricName?: string }>;
}

interface Slot<L extends string> {
  labels: Labels<L>;
  value: number;
}

/**
 * A counter whose label sets are found through nested Maps, one level per label, keyed by the
 * values themselves: no key string is built per call.
 */
export class HotCounter<L extends string = never> {
  readonly type = 'counter' as const;
  readonly aggregator = 'sum' as const;
  private readonly slots: Array<Slot<L>> = [];
  /** One level of Maps per label, keyed by its value; the last level's values are the slots. */
  private readonly tree = new Map<unknown, unknown>();
  /** The one slot of a counter without labels. */
  private unlabelled: Slot<L> | null = null;

  constructor(
    registry: Registry,
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[] = [],
  ) {
    registry.registerMetric(this as never);
  }

  inc(labels: Labels<L>, by = 1): void {
    this.slot(labels).value += by;
  }

  /** A handle for one label set, for a call site that always counts the same one. */
  labels(labels: Labels<L>): { inc(by?: number): void } {
    const slot = this.slot(labels);
    return {
      inc(by = 1) {
        slot.value += by;
      },
    };
  }

  /** The current value for a label set (0 if never counted). */
  value(labels: Labels<L>): number {
    return this.find(labels, false)?.value ?? 0;
  }

  get(): Scraped {
    const values = this.slots.map(({ labels, value }) => ({ labels: { ...labels }, value }));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    for (const slot of this.slots) slot.value = 0;
  }

  private slot(labels: Labels<L>): Slot<L> {
    return this.find(labels, true)!;
  }

  private find(labels: Labels<L>, create: boolean): Slot<L> | undefined {
    const names = this.labelNames;
    if (names.length === 0) {
      if (!this.unlabelled && create) this.slots.push((this.unlabelled = { labels: {} as Labels<L>, value: 0 }));
      return this.unlabelled ?? undefined;
    }
    let level = this.tree;
    for (let i = 0; i < names.length - 1; i++) {
      const value = labels[names[i]!];
      let next = level.get(value) as Map<unknown, unknown> | undefined;
      if (!next) {
        if (!create) return undefined;
        level.set(value, (next = new Map()));
      }
      level = next;
    }
    const last = labels[names[names.length - 1]!];
    let slot = level.get(last) as Slot<L> | undefined;
    if (!slot && create) {
      const own = {} as Labels<L>;
      for (const name of names) own[name] = labels[name];
      slot = { labels: own, value: 0 };
      level.set(last, slot);
      this.slots.push(slot);
    }
    return slot;
  }
}

/** A histogram without labels: one count per bucket in a typed array. */
export class HotHistogram {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly bucketCounts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(
    registry: Registry,
    readonly name: string,
    readonly help: string,
    private readonly upperBounds: readonly number[],
  ) {
    this.bucketCounts = new Float64Array(upperBounds.length);
    registry.registerMetric(this as never);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    this.sum += value;
    this.count++;
    const bounds = this.upperBounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]!) {
        this.bucketCounts[i]!++;
        return;
      }
    }
  }

  get(): Scraped {
    const values: Scraped['values'] = [];
    let cumulative = 0;
    this.upperBounds.forEach((le, i) => {
      cumulative += this.bucketCounts[i]!;
      values.push({ labels: { le }, value: cumulative, metricName: `${this.name}_bucket` });
    });
    values.push({ labels: { le: '+Inf' }, value: this.count, metricName: `${this.name}_bucket` });
    values.push({ labels: {}, value: this.sum, metricName: `${this.name}_sum` });
    values.push({ labels: {}, value: this.count, metricName: `${this.name}_count` });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.bucketCounts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}
