/**
 * Seeds a bench data directory (workspace and agent already created with the admin CLI) for the
 * browser bench, through the server's own code (createServer → DocHost, ConversationService):
 *
 *  - one conversation of `messages` entries (contact and agent alternating), created with
 *    ConversationService, its entries appended in server transactions, its summary brought up to
 *    date by a last ConversationService.importAgentEntry; it is the most recent conversation, so
 *    the first row of the list;
 *  - `conversations - 1` more conversation summaries written into the workspace index document
 *    (server transactions of 1,000 summaries), older than the big one. Their conversation
 *    documents are not created: the list reads only the index (docs/document-model.md), and
 *    seeding 9,999 documents would take minutes. Opening one of them is refused (DOC2); the
 *    bench opens only the big one.
 *
 * Run as a child process (it opens the data directory's database):
 *   node --import tsx tests/bench/seedBrowserData.ts <dataDir> <workspaceId> <agentEmail> <conversations> <messages>
 * Prints one JSON line: {bigId, bigContactName, lastText, ms}.
 */
import { conversationDoc, indexDoc } from '../../shared/ids.ts';
import { CONV_ROOTS } from '../../shared/schema/conversation.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import { type ConversationSummary, INDEX_ROOTS } from '../../shared/schema/workspaceIndex.ts';
import { createServer } from '../../sync-server/createServer.ts';
import { silentLogger } from '../../sync-server/ops/log.ts';

const ACTOR = 'bench-seed';
const WORDS = 'order delivery refund account password invoice shipping parcel address update thanks please when where help card payment late broken size colour exchange'.split(' ');

function sentence(i: number): string {
  const n = 6 + (i % 14);
  const words: string[] = [];
  for (let k = 0; k < n; k++) words.push(WORDS[(i * 7 + k * 13) % WORDS.length] as string);
  return `${words.join(' ')} (#${i})`;
}

async function main(): Promise<void> {
  const [dataDir, workspaceId, agentEmail, convArg, msgArg] = process.argv.slice(2);
  if (!dataDir || !workspaceId || !agentEmail) throw new Error('usage: seedBrowserData.ts <dataDir> <workspaceId> <agentEmail> <conversations> <messages>');
  const conversations = Number(convArg ?? 10_000);
  const messages = Number(msgArg ?? 5_000);
  const started = performance.now();
  const server = await createServer({ dataDir, port: 0, host: '127.0.0.1', logger: silentLogger() });
  try {
    const agent = server.directory.findAgent(workspaceId, agentEmail);
    if (!agent) throw new Error(`no agent ${agentEmail} in ${workspaceId}`);
    const now = Date.now();

    // The big conversation: created and finished through ConversationService.
    const bigContactName = 'Aaliyah Bigthread';
    const big = await server.conversations.createConversation({
      workspaceId,
      channel: 'webchat',
      contact: { id: 'benchbigcontact', name: bigContactName },
      createdAt: now - messages * 60_000,
    });
    const entries: MessageEntry[] = [];
    for (let i = 0; i < messages - 1; i++) {
      const fromContact = i % 2 === 0;
      entries.push({
        id: `seed${i}`,
        kind: 'message',
        author: fromContact ? { type: 'contact', id: 'benchbigcontact' } : { type: 'agent', id: agent.id },
        text: sentence(i),
        createdAt: now - (messages - i) * 60_000,
      });
    }
    for (let i = 0; i < entries.length; i += 1000) {
      const chunk = entries.slice(i, i + 1000);
      await server.docs.change(conversationDoc(workspaceId, big.id), ACTOR, (doc) => {
        const arr = doc.getArray<MessageEntry>(CONV_ROOTS.messages);
        arr.insert(arr.length, chunk);
      });
    }
    const lastText = `Bench last message of ${messages}`;
    await server.conversations.importAgentEntry(workspaceId, big.id, { agentId: agent.id, kind: 'message', text: lastText, at: now, receipt: 'delivered' });

    // The other summaries, straight into the index (server transactions).
    const channels = ['webchat', 'email', 'sms', 'whatsapp'] as const;
    for (let i = 1; i < conversations; i += 1000) {
      await server.docs.change(indexDoc(workspaceId), ACTOR, (doc) => {
        const map = doc.getMap<ConversationSummary>(INDEX_ROOTS.conversations);
        for (let k = i; k < Math.min(conversations, i + 1000); k++) {
          const id = `benchconv${k}`;
          const at = now - k * 60_000;
          map.set(id, {
            id,
            channel: channels[k % channels.length] as ConversationSummary['channel'],
            contactId: `benchcontact${k}`,
            contactName: `Contact ${String(k).padStart(5, '0')}`,
            status: k % 5 === 0 ? 'resolved' : 'open',
            assigneeId: k % 3 === 0 ? agent.id : null,
            createdAt: at - 3_600_000,
            lastActivityAt: at,
            lastMessage: { text: sentence(k), authorType: k % 2 ? 'contact' : 'agent', at },
            inboundCount: 1 + (k % 7),
            messageCount: 2 + (k % 11),
          });
        }
      });
    }
    await server.conversations.idle();
    const count = await server.docs.read(indexDoc(workspaceId), (doc) => doc.getMap(INDEX_ROOTS.conversations).size);
    console.log(JSON.stringify({ bigId: big.id, bigContactName, lastText, conversations: count, ms: Math.round(performance.now() - started) }));
  } finally {
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
