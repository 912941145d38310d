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
    // A real visitor (one nobody connects as), so delivering an agent's message to it succeeds as
    // it does for a visitor who has closed the page: stored, `sent`, shown when they come back.
    const name = `Bench visitor ${id}`;
    const visitorId = server.webchat.createOfflineVisitor(workspaceId, name, id, `visitor-${id}`);
    await server.conversations.createConversation({ workspaceId, channel: 'webchat', contact: { id: visitorId, name }, id });
  }
} finally {
  await server.close();
}
