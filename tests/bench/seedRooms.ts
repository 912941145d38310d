/**
 * Creates the fan-out bench's rooms in a bench data directory (workspace already created with the
 * admin CLI). A client may open only a conversation the server created (DOC2), so each room is:
 *
 * - a real conversation, created through ConversationService as a channel would, with a
 *   visitor: every message takes the product's whole path;
 * - or, for an id given as `bare:<id>`, a document the server wrote nothing to but its
 *   `meta.id`: it passes DOC2, and the conversation service ignores it (no channel, no
 *   contact), so its messages take the sync layer alone (authentication, validation,
 *   persistence, fan-out). Bench scenario (a′).
 *
 *   node --import tsx tests/bench/seedRooms.ts <dataDir> <workspaceId> <conversationId | bare:conversationId>…
 */
import { CONV_ROOTS } from '../../shared/schema/conversation.ts';
import { createServer } from '../../sync-server/createServer.ts';
import { silentLogger } from '../../sync-server/ops/log.ts';

const [dataDir, workspaceId, ...ids] = process.argv.slice(2);
if (!dataDir || !workspaceId) throw new Error('usage: seedRooms.ts <dataDir> <workspaceId> <conversationId | bare:conversationId>…');
const server = await createServer({ dataDir, port: 0, host: '127.0.0.1', logger: silentLogger() });
try {
  for (const arg of ids) {
    if (arg.startsWith('bare:')) {
      const id = arg.slice('bare:'.length);
      await server.docs.change(`${workspaceId}/conv/${id}`, 'bench', (doc) => doc.getMap(CONV_ROOTS.meta).set('id', id));
      continue;
    }
    const id = arg;
    // A real visitor (one nobody connects as), so delivering an agent's message to it succeeds as
    // it does for a visitor who has closed the page: stored, `sent`, shown when they come back.
    const name = `Bench visitor ${id}`;
    const visitorId = server.webchat.createOfflineVisitor(workspaceId, name, id, `visitor-${id}`);
    await server.conversations.createConversation({ workspaceId, channel: 'webchat', contact: { id: visitorId, name }, id });
  }
} finally {
  await server.close();
}
