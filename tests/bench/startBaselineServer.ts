import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type ServerUnderTest, freePorts, httpOk, spawnLogged, waitFor } from './ServerUnderTest.ts';

/**
 * Starts the reference server, `@y/websocket-server` 0.1.1 (its `bin`, src/server.js), as a
 * child process on 127.0.0.1: no authentication, no validation, no persistence (YPERSISTENCE
 * unset). It answers any HTTP GET with "okay", which is how we know it is listening.
 */
export async function startBaselineServer(root: string, tmpDir: string): Promise<ServerUnderTest> {
  const require = createRequire(join(root, 'package.json'));
  const pkgJson = require.resolve('@y/websocket-server/package.json');
  const pkg = require(pkgJson) as { version: string; bin: Record<string, string> };
  const bin = join(dirname(pkgJson), pkg.bin['y-websocket-server'] ?? 'src/server.js');
  // No persistence, no callback: the reference as the stack notes measured it.
  return startRelay(root, tmpDir, 'baseline', bin, `@y/websocket-server ${pkg.version}`, {});
}

/**
 * Starts the bench's floor server (floorServer.mjs): the reference plus a decode and a logged
 * `write()` of each update before it is relayed, the least any persist-before-relay server pays.
 */
export async function startFloorServer(root: string, tmpDir: string): Promise<ServerUnderTest> {
  const bin = join(root, 'tests/bench/floorServer.mjs');
  return startRelay(root, tmpDir, 'floor', bin, 'reference + decode + update log', { FLOOR_LOG: join(tmpDir, `floor-${process.pid}.log`) });
}

async function startRelay(root: string, tmpDir: string, kind: 'baseline' | 'floor', bin: string, label: string, extraEnv: NodeJS.ProcessEnv): Promise<ServerUnderTest> {
  const [port = 0, inspectPort = 0] = await freePorts(2);
  const env: NodeJS.ProcessEnv = { HOST: '127.0.0.1', PORT: String(port), YPERSISTENCE: undefined, CALLBACK_URL: undefined, ...extraEnv };
  const handle = spawnLogged(process.execPath, [`--inspect=127.0.0.1:${inspectPort}`, bin], {
    cwd: root,
    env,
    logFile: join(tmpDir, `${kind}-${port}.log`),
  });
  let exitedEarly = false;
  void handle.exited.then(() => {
    exitedEarly = true;
  });
  await waitFor(async () => {
    if (exitedEarly) throw new Error(`${kind} server exited:\n${handle.logTail()}`);
    return httpOk(`http://127.0.0.1:${port}/`);
  }, `the ${kind} server to listen`);
  return {
    kind,
    label,
    pid: handle.child.pid ?? 0,
    port,
    wsBase: `ws://127.0.0.1:${port}`,
    params: {},
    inspectPort,
    room: (scenario, i) => `bench/conv/${scenario}${i}`,
    agentId: 'benchagent',
    logTail: handle.logTail,
    gcSummary: handle.gcSummary,
    stop: handle.stop,
  };
}
