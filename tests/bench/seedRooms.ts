/**
 * Creates the fan-out bench's rooms as real conversations in a bench data directory (workspace
 * already created with the admin CLI), through ConversationService as a channel would: a client
 * may open only a conversation the server created (DOC2).
 *
 *   node --import tsx tests/bench/seedRooms.ts <dataDir> <workspaceId> <conversationId>…
 */
import { createServer } from '../../sync-server/createServer.ts';
import { silentLogger } from '../../sync-server/ops/log.ts';

const [dataDir, workspaceId, ...ids] = process.argv.slice(2);
if (!dataDir || !workspaceId) throw new Error('usage: seedRooms.ts <dataDir> <workspaceId> <conversationId>…');
const server = await createServer({ dataDir, port: 0, host: '127.0.0.1', logger: silentLogger() });
try {
  for (const id of ids) {
    await server.conversations.createConversation({ workspaceId, channel: 'webchat', contact: { id: `visitor-${id}`, name: `Bench visitor ${id}` }, id });
  }
} finally {
  await server.close();
}
