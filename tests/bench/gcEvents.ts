import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants } from 'node:perf_hooks';

/** The garbage collections of one server in one span of wall-clock time (gcRecorder.cjs). */
export interface GcSummary {
  /** Scavenges (young generation). */
  minor: number;
  /** Full mark-compact collections, V8's memory reducer's included. */
  major: number;
  /**
   * Of `major`: those V8's memory reducer started. Once committed memory has grown by 10 MB since
   * it last ran (for ours, a run's documents, unloaded after it), it compacts the heap and returns
   * the pages to the system, up to three times, once it judges the allocation rate low: after
   * 30–40 s of idle in a plain process here, so after a shorter gap in the next run's window
   * (docs/performance.md, sessions 16 and 17).
   */
  memoryReducer: number;
  /** Main-thread pauses of all collection events, incremental marking steps included (ms); work on helper threads is not in it. */
  pauseMs: number;
}

/** Reads the collections of process `pid` that started in [fromMs, toMs) (Date.now() values). */
export function readGcSummary(dir: string, pid: number, fromMs: number, toMs: number): GcSummary | null {
  let text: string;
  try {
    text = readFileSync(join(dir, `gc-${pid}.tsv`), 'utf8');
  } catch {
    return null;
  }
  const summary: GcSummary = { minor: 0, major: 0, memoryReducer: 0, pauseMs: 0 };
  for (const line of text.split('\n')) {
    const [at, kind, flags, pause] = line.split('\t').map(Number);
    if (at === undefined || kind === undefined || flags === undefined || pause === undefined || !(at >= fromMs && at < toMs)) continue;
    summary.pauseMs += pause;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) summary.minor++;
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      summary.major++;
      if (flags & constants.NODE_PERFORMANCE_GC_FLAGS_ALL_EXTERNAL_MEMORY) summary.memoryReducer++;
    }
  }
  return summary;
}
