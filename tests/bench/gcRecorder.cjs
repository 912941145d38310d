/**
 * Preloaded into every server under test (`node --require`, ServerUnderTest.spawnLogged) when
 * BENCH_GC_DIR is set: appends one line per garbage collection to `${BENCH_GC_DIR}/gc-<pid>.tsv`,
 *
 *   <wall clock ms>\t<kind>\t<flags>\t<pause ms>
 *
 * kind and flags as Node's PerformanceEntry for `gc` reports them (perf_hooks constants: kind 1
 * minor, 4 major, 8 incremental marking step, 16 weak callbacks; flag 32, "all external memory",
 * is what V8's memory reducer asks for). gcEvents.ts reads it back per measured window. The same
 * few microseconds per collection for every server; CommonJS so that it preloads into any of them.
 */
'use strict';
const dir = process.env.BENCH_GC_DIR;
// The main thread's collections only: a preload also runs in worker threads (ours writes its
// documents on one), whose isolates collect on their own.
if (dir && require('node:worker_threads').isMainThread) {
  const { openSync, writeSync } = require('node:fs');
  const { join } = require('node:path');
  const { PerformanceObserver, performance } = require('node:perf_hooks');
  const fd = openSync(join(dir, `gc-${process.pid}.tsv`), 'a');
  const observer = new PerformanceObserver((list) => {
    let lines = '';
    for (const entry of list.getEntries()) {
      const detail = entry.detail ?? {};
      lines += `${(performance.timeOrigin + entry.startTime).toFixed(1)}\t${detail.kind ?? 0}\t${detail.flags ?? 0}\t${entry.duration.toFixed(2)}\n`;
    }
    writeSync(fd, lines);
  });
  observer.observe({ entryTypes: ['gc'] });
}
