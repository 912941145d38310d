/**
 * The whole app server (createServer) in its own process, for kill -9 tests:
 *   node --import tsx tests/helpers/appServerProcess.ts <dataDir> <simulatorsUrl> <workspaceId>
 * Prints `listening <port>` once it accepts connections. The workspace's WhatsApp and SMS
 * accounts point at the simulators.
 *
 * DIE_AFTER_APPEND=<marker>: the process kills itself (SIGKILL) as soon as the store has made
 * durable an update whose bytes contain `marker`, before anything else hears of it: the crash
 * window between "persisted" and "the rest of the server reacted".
 */
import { SqliteDocStore } from '../../sync-server/storage/SqliteDocStore.ts';
import { createServer } from '../../sync-server/createServer.ts';
import { createLogger, silentLogger } from '../../sync-server/ops/log.ts';
import { createMetrics } from '../../sync-server/ops/metrics.ts';
import { simulatorChannelConfig } from '../../sync-server/simulators/startSimulators.ts';

const [dataDir, simUrl, workspaceId] = process.argv.slice(2);
if (!dataDir || !simUrl || !workspaceId) throw new Error('usage: appServerProcess.ts <dataDir> <simulatorsUrl> <workspaceId>');

const marker = process.env.DIE_AFTER_APPEND;
if (marker) {
  const needle = Buffer.from(marker);
  const append = SqliteDocStore.prototype.append;
  SqliteDocStore.prototype.append = function (this: SqliteDocStore, name: string, update: Uint8Array): Promise<number> {
    const durable = append.call(this, name, update);
    if (!Buffer.from(update.buffer, update.byteOffset, update.byteLength).includes(needle)) return durable;
    // Registered before the caller's own then(): runs first, and nothing after it runs.
    return durable.then((seq) => {
      process.kill(process.pid, 'SIGKILL');
      return seq;
    });
  };
}

const server = await createServer({
  dataDir,
  port: 0,
  host: '127.0.0.1',
  // LOG_LEVEL=debug: JSON logs on stderr.
  logger: process.env.LOG_LEVEL ? createLogger({ level: process.env.LOG_LEVEL, destination: process.stderr }) : silentLogger(),
  metrics: createMetrics({ defaultMetrics: false }),
  channels: simulatorChannelConfig(workspaceId, simUrl),
  simulators: false,
});
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
process.stdout.write(`listening ${server.port}\n`);
