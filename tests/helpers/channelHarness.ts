import { conversationDoc, indexDoc, newId } from '../../shared/ids.ts';
import type { Receipt } from '../../shared/schema/delivery.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';
import { type RunningSimulators, simulatorChannelConfig, startSimulators } from '../../sync-server/simulators/startSimulators.ts';
import { type TestApp, startApp } from './startApp.ts';
import { waitUntil } from './waitUntil.ts';

export const WS = 'acme';

/**
 * The real server on port 0 configured for both provider simulators (manual statuses: the test
 * emits them), a workspace and a signed-in agent who can reply through a stock provider.
 */
export interface ChannelHarness {
  app: TestApp;
  sims: RunningSimulators;
  token: string;
  agentId: string;
  summaries(): Promise<ConversationSummary[]>;
  summaryOf(channel: string): Promise<ConversationSummary>;
  messages(conversationId: string): Promise<MessageEntry[]>;
  receipt(conversationId: string, messageId: string): Promise<Receipt | undefined>;
  /** The agent appends a reply from its client (as the PWA does); resolves with its id. */
  reply(conversationId: string, text: string): Promise<string>;
  /** Stops the server and starts it again on the same data directory. */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

/** `email`: also configure the email channel (SMTP listener on port 0, the simulated relay), with overrides. */
export async function startChannelHarness(opts: { email?: Record<string, unknown>; smtpListener?: Record<string, unknown> } = {}): Promise<ChannelHarness> {
  const sims = await startSimulators({ switchboardUrl: 'http://127.0.0.1:1', statusMode: 'manual' });
  const boot = async (dataDir?: string) => {
    const config = simulatorChannelConfig(WS, sims.url, opts.email ? sims.email.relayPort : undefined);
    const channels =
      opts.email && config.email
        ? { ...config, email: config.email.map((a) => ({ ...a, ...opts.email })), smtpListener: { ...config.smtpListener, ...opts.smtpListener } }
        : config;
    const app = await startApp({ channels, ...(dataDir ? { dataDir } : {}) });
    sims.setSwitchboardUrl(app.baseUrl);
    const smtpPort = app.server.channels.email.smtpPort;
    if (smtpPort) sims.setSwitchboardSmtp('127.0.0.1', smtpPort);
    return app;
  };
  let app = await boot();
  app.server.directory.createWorkspace(WS, 'Acme Support');
  await app.server.directory.createAgent({ workspaceId: WS, email: 'dana@example.com', name: 'Dana Reyes', role: 'admin', password: 'switchboard' });
  let session = await app.signIn('dana@example.com', 'switchboard');

  const h: ChannelHarness = {
    get app() {
      return app;
    },
    sims,
    get token() {
      return session.token;
    },
    get agentId() {
      return session.agent.id;
    },
    summaries: () => app.server.docs.read(indexDoc(WS), (doc) => [...doc.getMap<ConversationSummary>('conversations').values()]),
    summaryOf: (channel) => waitUntil(async () => (await h.summaries()).find((s) => s.channel === channel), `a ${channel} conversation`),
    messages: (id) => app.server.docs.read(conversationDoc(WS, id), (doc) => doc.getArray<MessageEntry>('messages').toArray()),
    receipt: (id, messageId) => app.server.docs.read(conversationDoc(WS, id), (doc) => doc.getMap<Receipt>('receipts').get(messageId)),
    async reply(conversationId, text) {
      const { doc } = await app.openDoc(conversationDoc(WS, conversationId), session.token);
      const entry: MessageEntry = { id: newId(), kind: 'message', author: { type: 'agent', id: session.agent.id }, text, createdAt: Date.now() };
      const messages = doc.getArray<MessageEntry>('messages');
      messages.insert(messages.length, [entry]);
      return entry.id;
    },
    async restart() {
      const dataDir = app.dataDir;
      await app.stop();
      app = await boot(dataDir);
      session = await app.signIn('dana@example.com', 'switchboard');
    },
    async dispose() {
      await app.dispose();
      await sims.close();
    },
  };
  return h;
}
