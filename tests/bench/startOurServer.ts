import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SessionInfo } from '../../shared/protocol/rest.ts';
import { type ServerUnderTest, freePorts, httpOk, spawnLogged, waitFor } from './ServerUnderTest.ts';

const run = promisify(execFile);

/**
 * The server as `npm start` runs it: the build of scripts/buildServer.ts, under plain node, as the
 * reference runs its published JavaScript.
 */
const SERVER_ENTRY = 'dist-server/main.mjs';

/** Why our server cannot be started, or null. */
export function ourServerMissing(root: string): string | null {
  return existsSync(join(root, SERVER_ENTRY)) ? null : `${SERVER_ENTRY} missing: run \`npm run build\` first`;
}

export const BENCH_WORKSPACE = 'bench';
export const BENCH_AGENT = { email: 'bench@example.com', name: 'Bench Agent', password: 'bench-password' };

/** Runs the admin CLI (`sync-server/admin/cli.ts`) against a data directory. */
export async function adminCli(root: string, dataDir: string, args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'sync-server/admin/cli.ts', ...args, '--data-dir', dataDir], {
    cwd: root,
    encoding: 'utf8',
  });
  return stdout;
}

/** Signs in over REST (`POST /api/session`). */
export async function signIn(baseUrl: string, email: string, password: string): Promise<SessionInfo> {
  const res = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`sign-in failed: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as SessionInfo;
}

/** The conversation id of a bench room. */
const roomId = (scenario: string, index: number) => `${scenario}${index}`;

/** Seeds the bench workspace and its agent in a fresh data directory with the admin CLI. */
export async function seedBenchWorkspace(root: string, dataDir: string): Promise<void> {
  await adminCli(root, dataDir, ['create-workspace', BENCH_WORKSPACE, 'Bench']);
  await adminCli(root, dataDir, [
    'create-agent',
    BENCH_WORKSPACE,
    BENCH_AGENT.email,
    BENCH_AGENT.name,
    '--role',
    'agent',
    '--password',
    BENCH_AGENT.password,
  ]);
}

export interface OurServerOptions {
  /** Use this data directory (already seeded) instead of a fresh one. */
  dataDir?: string;
  /** Skip seeding (the data directory is already seeded). */
  seeded?: boolean;
  extraArgs?: string[];
  /**
   * Rooms (`room(scenario, index)`) the bench's clients will open: created as conversations first
   * (DOC2), or with `bare` as documents with nothing but their `meta.id` (seedRooms.ts).
   */
  rooms?: { scenario: string; index: number; bare?: boolean }[];
}

/**
 * Starts our server (its build, `dist-server/main.mjs`) as a child process with everything on:
 * authentication, validation and SQLite persistence in a fresh data directory seeded through the
 * admin CLI, then signs the bench agent in for a token.
 */
export async function startOurServer(root: string, tmpDir: string, opts: OurServerOptions = {}): Promise<ServerUnderTest & { dataDir: string; baseUrl: string; session: SessionInfo }> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpDir, 'data-'));
  if (!opts.seeded) await seedBenchWorkspace(root, dataDir);
  if (opts.rooms && opts.rooms.length > 0) {
    await run(process.execPath, ['--import', 'tsx', 'tests/bench/seedRooms.ts', dataDir, BENCH_WORKSPACE, ...opts.rooms.map((r) => `${r.bare ? 'bare:' : ''}${roomId(r.scenario, r.index)}`)], {
      cwd: root,
    });
  }
  const [port = 0, inspectPort = 0] = await freePorts(2);
  const handle = spawnLogged(
    process.execPath,
    [`--inspect=127.0.0.1:${inspectPort}`, SERVER_ENTRY, '--port', String(port), '--data-dir', dataDir, ...(opts.extraArgs ?? [])],
    { cwd: root, logFile: join(tmpDir, `ours-${port}.log`) },
  );
  let exitedEarly = false;
  void handle.exited.then(() => {
    exitedEarly = true;
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    if (exitedEarly) throw new Error(`our server exited:\n${handle.logTail()}`);
    return httpOk(`${baseUrl}/healthz`);
  }, 'our server to answer /healthz', 30_000);
  const session = await signIn(baseUrl, BENCH_AGENT.email, BENCH_AGENT.password);
  return {
    kind: 'ours',
    label: 'switchboard sync-server',
    pid: handle.child.pid ?? 0,
    port,
    wsBase: `ws://127.0.0.1:${port}/sync`,
    params: { token: session.token },
    inspectPort,
    room: (scenario, i) => `${BENCH_WORKSPACE}/conv/${roomId(scenario, i)}`,
    agentId: session.agent.id,
    eventLoopDelayMaxMs: async () => {
      const seconds = await readMetric(baseUrl, 'switchboard_event_loop_lag_max_seconds');
      return seconds === null ? null : seconds * 1000;
    },
    documentsLoaded: () => readMetric(baseUrl, 'switchboard_documents_loaded'),
    logTail: handle.logTail,
    gcSummary: handle.gcSummary,
    stop: handle.stop,
    dataDir,
    baseUrl,
    session,
  };
}

/** One unlabelled value of the server's /metrics (null when absent or unreachable). */
async function readMetric(baseUrl: string, name: string): Promise<number | null> {
  try {
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    const m = new RegExp(`^${name}\\s+(\\S+)$`, 'm').exec(text);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}
