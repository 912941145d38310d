/**
 * Summarises a Chromium trace (Playwright's browser.startTracing) of one page load: where the
 * renderer's main thread spent its time up to a moment, by trace event (self time, nesting
 * removed), plus what other threads of that renderer did meanwhile (background compilation,
 * GC helpers). A CPU profile cannot show this: compiling, parsing and module instantiation are
 * not JavaScript frames. Used by the browser bench with BENCH_PROFILE=trace.
 */

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { url?: string } };
}

const pretty = (ms: number) => `${ms.toFixed(1).padStart(7)} ms`;

/**
 * `untilMs`: how far to look, in ms after the first event of the page's main thread in the trace
 * (tracing starts just before the navigation or the click being measured).
 */
export function summarizeTrace(traceJson: string, untilMs: number, top = 20): string {
  const parsed = JSON.parse(traceJson) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const threadNames = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');

  // The page's renderer: the CrRendererMain thread with the most work (a new page, one renderer).
  const busy = new Map<string, number>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph === 'X' && threadNames.get(key) === 'CrRendererMain') busy.set(key, (busy.get(key) ?? 0) + (e.dur ?? 0));
  }
  const main = [...busy].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!main) return 'no renderer main thread in the trace';
  const pid = Number(main.split(':')[0]);
  const start = Math.min(...events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X').map((e) => e.ts));
  const end = start + untilMs * 1000;

  const lines: string[] = [];
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (e.pid !== pid || e.ph !== 'X' || e.dur === undefined || e.ts < start || e.ts > end) continue;
    const key = `${e.pid}:${e.tid}`;
    const list = byThread.get(key);
    if (list) list.push(e);
    else byThread.set(key, [e]);
  }

  const selfTimes = (list: TraceEvent[]) => {
    list.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    const self = new Map<string, number>();
    const stack: { e: TraceEvent; end: number; child: number }[] = [];
    const close = (upTo: number) => {
      while (stack.length > 0 && (stack[stack.length - 1] as { end: number }).end <= upTo) {
        const top = stack.pop() as { e: TraceEvent; end: number; child: number };
        self.set(top.e.name, (self.get(top.e.name) ?? 0) + Math.max(0, (top.e.dur ?? 0) - top.child));
      }
    };
    let total = 0;
    for (const e of list) {
      close(e.ts);
      const endTs = Math.min(e.ts + (e.dur ?? 0), end);
      const parent = stack[stack.length - 1];
      if (parent) parent.child += endTs - e.ts;
      else total += endTs - e.ts;
      stack.push({ e: { ...e, dur: endTs - e.ts }, end: endTs, child: 0 });
    }
    close(Number.POSITIVE_INFINITY);
    return { self, total };
  };

  const mainEvents = byThread.get(main) ?? [];
  const { self, total } = selfTimes(mainEvents);
  lines.push(`renderer main thread, first ${untilMs.toFixed(0)} ms: busy ${pretty(total / 1000).trim()} (trace events, self time)`);
  for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pretty(us / 1000)}  ${name}`);

  const scripts = mainEvents
    .filter((e) => (e.name === 'v8.compileModule' || e.name === 'v8.evaluateModule' || e.name === 'EvaluateScript') && (e.dur ?? 0) > 1000)
    .map((e) => `  ${pretty((e.dur ?? 0) / 1000)}  ${e.name} at ${((e.ts - start) / 1000).toFixed(0)} ms ${(e.args?.data?.url ?? '').replace(/^https?:\/\/[^/]+/, '')}`);
  if (scripts.length > 0) lines.push('module compile / evaluation (inclusive):', ...scripts);

  const others: string[] = [];
  for (const [key, list] of byThread) {
    if (key === main) continue;
    const { self: s, total: t } = selfTimes(list);
    if (t < 2000) continue;
    const tops = [...s].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([n, us]) => `${n} ${(us / 1000).toFixed(0)}`).join(', ');
    others.push(`  ${pretty(t / 1000)}  ${threadNames.get(key) ?? key}: ${tops}`);
  }
  if (others.length > 0) lines.push('other threads of the renderer:', ...others);
  return lines.join('\n');
}
