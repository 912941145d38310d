/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by file,
 * and inclusive time of the hottest functions. Used to read where a server spends its CPU in
 * the bench:  node --import tsx tests/bench/summarizeProfile.ts <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Names a frame's original location (e.g. from a source map), or null to keep url:line. */
export type FrameResolver = (url: string, line: number, column: number) => string | null;

/** A frame's URL, short: no file://, node_modules as nm/, paths from the repository root. */
const shortUrl = (url: string) => url.replace(/^file:\/\//, '').replace(/.*node_modules\//, 'nm/').replace(/.*\/work\/main\//, '');

export function summarizeProfile(profile: Profile, top = 25, resolve?: FrameResolver): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const where = (n: ProfileNode) =>
    resolve?.(n.callFrame.url, n.callFrame.lineNumber, n.callFrame.columnNumber ?? 0) ?? `${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const fileOf = (n: ProfileNode) => {
    const mapped = resolve?.(n.callFrame.url, n.callFrame.lineNumber, n.callFrame.columnNumber ?? 0);
    return mapped ? mapped.replace(/:\d+$/, '') : shortUrl(n.callFrame.url);
  };
  const fnKey = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${where(n)}`;
  const selfByFn = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  const inclByFn = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (!n) continue;
    total += us;
    if (n.callFrame.functionName === '(idle)') idle += us;
    selfByFn.set(fnKey(n), (selfByFn.get(fnKey(n)) ?? 0) + us);
    const file = fileOf(n) || `(${n.callFrame.functionName})`;
    selfByFile.set(file, (selfByFile.get(file) ?? 0) + us);
    // inclusive: count once per distinct function on the stack
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur);
      if (!node) break;
      const k = fnKey(node);
      if (seen.has(k)) continue;
      seen.add(k);
      inclByFn.set(k, (inclByFn.get(k) ?? 0) + us);
    }
  }
  const busy = total - idle;
  const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)}%`;
  const list = (m: Map<string, number>, n: number) =>
    [...m]
      .filter(([k]) => !/^\(?\((idle|root|program)\)/.test(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `  ${pct(us)}  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`)
      .join('\n');
  return [
    `busy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled (percentages of busy time)`,
    'self time by file:',
    list(selfByFile, 15),
    'self time by function:',
    list(selfByFn, top),
    'inclusive time by function:',
    list(inclByFn, top),
  ].join('\n');
}

interface HeapProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children?: HeapProfileNode[];
}

/**
 * Summarises a V8 sampling heap profile (HeapProfiler.stopSampling): bytes allocated per
 * delivered update, by allocating function, by file, and inclusive for the project's functions.
 */
export function summarizeAllocations(profile: { head: HeapProfileNode }, delivered: number, top = 25): string {
  const fnKey = (n: HeapProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const selfByFn = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  const inclByFn = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapProfileNode, stack: string[]): number => {
    const key = fnKey(n);
    let sum = n.selfSize;
    total += n.selfSize;
    selfByFn.set(key, (selfByFn.get(key) ?? 0) + n.selfSize);
    const file = shortUrl(n.callFrame.url) || `(${n.callFrame.functionName})`;
    selfByFile.set(file, (selfByFile.get(file) ?? 0) + n.selfSize);
    const inner = stack.includes(key) ? stack : [...stack, key];
    for (const c of n.children ?? []) sum += walk(c, inner);
    if (!stack.includes(key)) inclByFn.set(key, (inclByFn.get(key) ?? 0) + sum);
    return sum;
  };
  walk(profile.head, []);
  const per = (bytes: number) => `${(bytes / Math.max(delivered, 1)).toFixed(0).padStart(7)} B`;
  const list = (m: Map<string, number>, n: number, filter: (k: string) => boolean = () => true) =>
    [...m]
      .filter(([k]) => filter(k) && !/^\(root\)/.test(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, bytes]) => `  ${per(bytes)}  ${k}`)
      .join('\n');
  return [
    `${per(total).trim()} allocated per delivered update (${(total / 1024 / 1024).toFixed(1)} MiB in the window, ${delivered} deliveries)`,
    'by file:',
    list(selfByFile, 15),
    'by allocating function:',
    list(selfByFn, top),
    "inclusive, the project's functions:",
    list(inclByFn, top, (k) => !/ nm\/| node:|^\(/.test(k)),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: summarizeProfile.ts <file.cpuprofile> [top]');
    process.exit(1);
  }
  console.log(summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(process.argv[3] ?? 25)));
}
