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
  const [port = 0, inspectPort = 0] = await freePorts(2);
  // No persistence, no callback: the reference as the stack notes measured it.
  const env: NodeJS.ProcessEnv = { HOST: '127.0.0.1', PORT: String(port), YPERSISTENCE: undefined, CALLBACK_URL: undefined };
  const handle = spawnLogged(process.execPath, [`--inspect=127.0.0.1:${inspectPort}`, bin], {
    cwd: root,
    env,
    logFile: join(tmpDir, `baseline-${port}.log`),
  });
  let exitedEarly = false;
  void handle.exited.then(() => {
    exitedEarly = true;
  });
  await waitFor(async () => {
    if (exitedEarly) throw new Error(`baseline server exited:\n${handle.logTail()}`);
    return httpOk(`http://127.0.0.1:${port}/`);
  }, 'the baseline server to listen');
  return {
    kind: 'baseline',
    label: `@y/websocket-server ${pkg.version}`,
    pid: handle.child.pid ?? 0,
    port,
    wsBase: `ws://127.0.0.1:${port}`,
    params: {},
    inspectPort,
    room: (scenario, i) => `bench/conv/${scenario}${i}`,
    agentId: 'benchagent',
    logTail: handle.logTail,
    stop: handle.stop,
  };
}
