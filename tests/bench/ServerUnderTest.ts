import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GcSummary, readGcSummary } from './gcEvents.ts';

const GC_RECORDER = join(dirname(fileURLToPath(import.meta.url)), 'gcRecorder.cjs');

/** A sync server started as a child process, as the load generator sees it. */
export interface ServerUnderTest {
  kind: 'baseline' | 'floor' | 'ours';
  label: string;
  pid: number;
  port: number;
  /** Base URL a stock WebsocketProvider takes; the room name is appended as `/<room>`. */
  wsBase: string;
  /** Query parameters every connection sends (e.g. the session token). */
  params: Record<string, string>;
  /** Room (document) name for the i-th room of a scenario. */
  room: (scenario: string, i: number) => string;
  /** Port of the child's inspector (`--inspect`), used only by the memory test to force a GC. */
  inspectPort: number;
  /** Author id the messages carry (the signed-in agent, or any id for the baseline). */
  agentId: string;
  /**
   * Longest event-loop delay (ms) since the previous call, from the server's own metrics
   * (prom-client resets its event-loop histogram at every scrape); absent when it has none.
   */
  eventLoopDelayMaxMs?: () => Promise<number | null>;
  /** Documents the server holds in memory, from its own metrics; absent when it has none. */
  documentsLoaded?: () => Promise<number | null>;
  /** Last lines of the child's output, for error reports. */
  logTail: () => string;
  /** Its garbage collections that started in [fromMs, toMs) (Date.now() values; gcRecorder.cjs). */
  gcSummary: (fromMs: number, toMs: number) => GcSummary | null;
  stop: () => Promise<void>;
}

/** `count` distinct free TCP ports on 127.0.0.1 (bound together, then released). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const srv = createServer();
          srv.once('error', reject);
          srv.listen(0, '127.0.0.1', () => resolve(srv));
        }),
    ),
  );
  const ports = servers.map((srv) => {
    const addr = srv.address();
    return typeof addr === 'object' && addr ? addr.port : 0;
  });
  await Promise.all(servers.map((srv) => new Promise((r) => srv.close(r))));
  return ports;
}

/** Waits until `check` returns true, polling every `everyMs`; rejects after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** True when an HTTP GET of `url` answers 2xx. */
export async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Children still running; killed if the bench exits early (time limit, crash). */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

export interface ChildHandle {
  child: ChildProcess;
  exited: Promise<number | null>;
  logTail: () => string;
  gcSummary: (fromMs: number, toMs: number) => GcSummary | null;
  stop: () => Promise<void>;
}

/**
 * Spawns a child process whose output goes to `logFile` (never a pipe the bench would have to
 * drain: a full pipe would stall the server under load). A Node child also records its garbage
 * collections beside the log (gcRecorder.cjs, read back by `gcSummary`).
 */
export function spawnLogged(
  command: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; logFile: string },
): ChildHandle {
  const fd = openSync(opts.logFile, 'w');
  const gcDir = dirname(opts.logFile);
  const recordGc = command === process.execPath ? ['--require', GC_RECORDER] : [];
  const child = spawn(command, [...recordGc, ...serverNodeFlags(command), ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env, ...(recordGc.length ? { BENCH_GC_DIR: gcDir } : {}) },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  liveChildren.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      liveChildren.delete(child);
      resolve(code);
    }),
  );
  const logTail = () => {
    try {
      return readFileSync(opts.logFile, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '';
    }
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  const gcSummary = (fromMs: number, toMs: number) => (recordGc.length && child.pid ? readGcSummary(gcDir, child.pid, fromMs, toMs) : null);
  return { child, exited, logTail, gcSummary, stop };
}

/**
 * BENCH_SERVER_FLAGS: extra Node flags for both servers under test (e.g. `--trace-gc` to compare
 * their garbage collection in the logs kept with BENCH_KEEP=1).
 */
function serverNodeFlags(command: string): string[] {
  if (command !== process.execPath) return [];
  return (process.env.BENCH_SERVER_FLAGS ?? '').split(/\s+/).filter(Boolean);
}
