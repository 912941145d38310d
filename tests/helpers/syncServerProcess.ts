/**
 * A sync server in its own process, for kill -9 tests:
 *   node --import tsx tests/helpers/syncServerProcess.ts <dataDir> [conversation document…]
 * Prints `listening <port>` once it accepts connections. Tokens: tests/helpers/syncFixtures.ts.
 */
import { createServer } from 'node:http';
import { LocalFanout } from '../../sync-server/fanout/LocalFanout.ts';
import { silentLogger } from '../../sync-server/ops/log.ts';
import { createMetrics } from '../../sync-server/ops/metrics.ts';
import { openDatabase } from '../../sync-server/storage/openDatabase.ts';
import { SqliteDocStore } from '../../sync-server/storage/SqliteDocStore.ts';
import { createSyncService } from '../../sync-server/transport/createSyncService.ts';
import { createTestConversations } from './createTestConversations.ts';
import { TOKENS } from './syncFixtures.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: syncServerProcess.ts <dataDir>');
const db = openDatabase(dataDir);
const service = createSyncService({
  db,
  store: new SqliteDocStore(db),
  fanout: new LocalFanout(),
  authenticate: (token) => (token ? (TOKENS[token] ?? null) : null),
  logger: silentLogger(),
  metrics: createMetrics({ defaultMetrics: false }),
});
await createTestConversations(service.docs, process.argv.slice(3));
const server = createServer((_req, res) => res.writeHead(404).end());
server.on('upgrade', (req, socket, head) => {
  if (!service.handleUpgrade(req, socket, head)) socket.destroy();
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
