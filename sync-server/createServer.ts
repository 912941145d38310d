import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Database } from 'better-sqlite3';
import { Directory } from './auth/Directory.ts';
import { type Channels, createChannels } from './channels/createChannels.ts';
import { type ChannelConfigInput, parseChannelConfig } from './channels/channelConfig.ts';
import type { Router } from './http/Router.ts';
import type { RunningSimulators } from './simulators/startSimulators.ts';
import { WorkspaceDocSync } from './auth/WorkspaceDocSync.ts';
import { ConversationService } from './conversations/ConversationService.ts';
import { TypingRelay } from './conversations/TypingRelay.ts';
import { ContactReadRelay } from './conversations/ContactReadRelay.ts';
import { DEMO_AGENTS, DEMO_PASSWORD, DEMO_WORKSPACE, seedDemo } from './demo/seed.ts';
import { seedDemoContacts } from './demo/seedContacts.ts';
import type { DocHost } from './docs/DocHost.ts';
import { LocalFanout } from './fanout/LocalFanout.ts';
import { UsageCounter } from './library/UsageCounter.ts';
import { presenceRoutes } from './http/presenceRoutes.ts';
import { PresenceService } from './presence/PresenceService.ts';
import { RoutingService } from './routing/RoutingService.ts';
import { createHttpApp } from './http/createHttpApp.ts';
import { RateLimiter } from './http/RateLimiter.ts';
import { teamRoutes } from './http/teamRoutes.ts';
import { contactRoutes } from './http/contactRoutes.ts';
import { ContactBook } from './contacts/ContactBook.ts';
import { TeamService } from './team/TeamService.ts';
import { type AvailabilitySource, NotificationService } from './notifications/NotificationService.ts';
import { publicPushFetch } from './notifications/pushEndpoint.ts';
import { pushRoutes } from './notifications/pushRoutes.ts';
import { PushSubscriptionStore } from './notifications/PushSubscriptionStore.ts';
import { loadVapidKeys, type VapidKeys } from './notifications/VapidKeys.ts';
import { PushServiceSimulator } from './simulators/PushServiceSimulator.ts';
import type { Logger } from './ops/log.ts';
import { type Metrics, createMetrics } from './ops/metrics.ts';
import { SqliteDocStore } from './storage/SqliteDocStore.ts';
import { openDatabase } from './storage/openDatabase.ts';
import { createSyncService } from './transport/createSyncService.ts';
import { WebchatGateway } from './webchat/WebchatGateway.ts';

export interface CreateServerOptions {
  /** Directory of the SQLite database (created if missing), or ':memory:'. */
  dataDir: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Default 0.0.0.0 (every interface). */
  host?: string;
  logger: Logger;
  /** Seed the demo workspace if it does not exist yet. */
  demo?: boolean;
  /** Base URL to report (behind a proxy); default http://localhost:<port> or the host given. */
  publicBaseUrl?: string | null;
  /** The built PWA; default <repo>/dist. */
  staticDir?: string;
  /** Default: a new registry with Node's default metrics. */
  metrics?: Metrics;
  /** Provider channels (WhatsApp, SMS): accounts per workspace, docs/channels.md. */
  channels?: ChannelConfigInput;
  /** HTTP client of the provider channels (tests). */
  channelFetch?: typeof fetch;
  /**
   * Run the WhatsApp and Twilio simulators in-process and point the demo workspace at them.
   * Default: with `demo` when no `channels` are given.
   */
  simulators?: boolean;
  /** With the simulators: customers write on WhatsApp and SMS when the demo is first seeded. */
  demoChannels?: boolean;
  /**
   * Web Push (docs/notifications.md): VAPID keys (default: generated once and stored in the
   * database) and whether to run the local push-service simulator (default: with `demo`).
   */
  push?: { vapid?: Partial<VapidKeys> | null; simulator?: boolean };
  /** Agent availability for notifications (default: the presence entries of the workspace index). */
  availability?: AvailabilitySource;
  /** Within a burst, at most one push update per conversation per this many ms (tests). */
  pushUpdateMs?: number;
  /** Clock of presence and routing (tests: a fake one, with `presence.sweep()` / `routing.sweep()`). */
  now?: () => number;
  /** How often presence timeouts and due re-routes are checked (ms); 0 = only on sweep(). Default 1 s. */
  sweepMs?: number;
  /** How long a document stays in memory after its last client left, then is compacted and unloaded (ms; default 30 s). */
  docIdleMs?: number;
}

export interface DemoInfo {
  /** False when the demo workspace already existed (kept as it was). */
  seeded: boolean;
  workspaceId: string;
  workspaceName: string;
  password: string;
  agents: ReadonlyArray<{ email: string; name: string; role: string }>;
}

export interface SwitchboardServer {
  /** Base URL of the app, without a trailing slash (publicBaseUrl when given). */
  url: string;
  port: number;
  host: string;
  dataDir: string;
  /** Set when started with `demo: true`. */
  demo: DemoInfo | null;
  db: Database;
  docs: DocHost;
  directory: Directory;
  conversations: ConversationService;
  contacts: ContactBook;
  presence: PresenceService;
  routing: RoutingService;
  webchat: WebchatGateway;
  channels: Channels;
  /** Typing indicators, both ways (ephemeral: awareness, never documents). */
  typing: TypingRelay;
  /** The in-process provider simulators (demo), or null. */
  simulators: RunningSimulators | null;
  notifications: NotificationService;
  /** Web Push: devices, keys, and the push-service simulator when it runs. */
  push: { store: PushSubscriptionStore; vapid: VapidKeys; simulator: PushServiceSimulator | null };
  metrics: Metrics;
  /** Open websockets: sync (agents) and webchat (visitors). */
  connections(): { sync: number; webchat: number };
  /**
   * Graceful shutdown: stop accepting, close widget and sync sockets with 4503, finish
   * deliveries and document writes, close the database. Idempotent.
   */
  close(): Promise<void>;
}

const DEFAULT_STATIC_DIR = resolve(import.meta.dirname, '..', 'dist');

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolvePromise, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolvePromise(server.address() as AddressInfo);
    });
  });
}

/** Composes and starts the whole server on one HTTP port. */
export async function createServer(options: CreateServerOptions): Promise<SwitchboardServer> {
  const { logger } = options;
  const host = options.host ?? '0.0.0.0';
  const dataDir = options.dataDir === ':memory:' ? ':memory:' : resolve(options.dataDir);
  const metrics = options.metrics ?? createMetrics();
  // The simulators (and the mail libraries they bring) are loaded only when they run.
  const sim = (options.simulators ?? (options.demo === true && options.channels === undefined)) ? await import('./simulators/startSimulators.ts') : null;
  const simulators = sim ? await sim.startSimulators({ switchboardUrl: 'http://127.0.0.1:1', statusMode: 'auto', stepMs: 1200 }) : null;
  const channelConfig = parseChannelConfig(sim && simulators ? sim.simulatorChannelConfig(DEMO_WORKSPACE.id, simulators.url, simulators.email.relayPort) : (options.channels ?? {}));
  if (!channelConfig.ok) {
    await simulators?.close();
    throw new Error(channelConfig.message);
  }
  const db = openDatabase(dataDir);
  const store = new SqliteDocStore(db);
  const fanout = new LocalFanout();
  const directory = new Directory(db);
  const sync = createSyncService({
    db,
    store,
    fanout,
    authenticate: (token) => directory.authenticate(token),
    logger,
    metrics,
    ...(options.docIdleMs !== undefined ? { limits: { idleUnloadMs: options.docIdleMs } } : {}),
  });
  const docs = sync.docs;
  const docSync = new WorkspaceDocSync(docs, directory, logger);
  const unlistenMembers = directory.onMembersChanged((workspaceId) => void docSync.schedule(workspaceId));
  const contacts = new ContactBook(db, docs, logger);
  const conversations = new ConversationService({
    db,
    docs,
    logger,
    agentName: (agentId) => directory.getAgent(agentId)?.name ?? null,
    contacts,
    metrics,
  });
  contacts.useConversations(conversations);
  const typing = new TypingRelay({ awareness: sync.awareness, docs, adapter: (channel) => conversations.channelAdapter(channel), logger });
  const webchat = new WebchatGateway({
    db,
    docs,
    conversations,
    directory,
    logger,
    contactTyping: (workspaceId, conversationId, on) => typing.contactTyping(workspaceId, conversationId, on),
  });
  conversations.registerChannel(webchat);
  let serverUrl = '';
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  /** The URL shown to people (publicBaseUrl when given). */
  const publicUrl = (address: AddressInfo) => options.publicBaseUrl?.replace(/\/+$/, '') ?? `http://${shownHost}:${address.port}`;
  /** The URL channel callbacks use: in-process simulators call (and sign for) the loopback address; others the public URL. */
  const ownUrl = (address: AddressInfo) => (simulators ? `http://${host.includes(':') ? '[::1]' : '127.0.0.1'}:${address.port}` : publicUrl(address));
  const channels = createChannels({
    config: channelConfig.config,
    db,
    conversations,
    logger,
    serverUrl: () => serverUrl,
    ...(options.channelFetch ? { fetch: options.channelFetch } : {}),
  });
  // Deliveries wait until the server knows its URL (below, after listen).
  conversations.start({ deliver: false });
  const contactRead = new ContactReadRelay({ docs, adapter: (channel) => conversations.channelAdapter(channel), logger });
  const members = (workspaceId: string) => directory.listAgents(workspaceId).map(({ id, name, active }) => ({ id, name, active }));
  const presence = new PresenceService({
    docs,
    logger,
    members,
    workspaces: () => directory.listWorkspaces().map((w) => w.id),
    ...(options.now ? { now: options.now } : {}),
    ...(options.sweepMs !== undefined ? { sweepMs: options.sweepMs } : {}),
  });
  const unobserve = sync.observeConnections(presence);
  const routing = new RoutingService({
    db,
    docs,
    conversations,
    presence,
    logger,
    members,
    ...(options.now ? { now: options.now } : {}),
    ...(options.sweepMs !== undefined ? { sweepMs: options.sweepMs } : {}),
  });
  const pushStore = new PushSubscriptionStore(db);
  const vapid = loadVapidKeys(db, options.push?.vapid ?? null);
  const pushSimulator = (options.push?.simulator ?? options.demo === true) ? new PushServiceSimulator() : null;
  await pushSimulator?.start({ host: '127.0.0.1' });
  const notifications = new NotificationService({
    docs,
    conversations,
    logger,
    // Pushes reach public push services only (and the simulator when it runs): NTF12.
    push: { store: pushStore, vapid, fetch: publicPushFetch(pushSimulator?.url ?? null) },
    ...(options.availability ? { availability: options.availability } : {}),
    ...(options.pushUpdateMs !== undefined ? { pushUpdateMs: options.pushUpdateMs } : {}),
  });
  const usage = new UsageCounter({ db, docs, logger });
  usage.start();

  let demo: DemoInfo | null = null;
  if (options.demo) {
    const { seeded } = await seedDemo({ directory, conversations, webchat, logger, docs });
    await conversations.idle();
    if (seeded) await seedDemoContacts({ contacts, directory, docs });
    demo = {
      seeded,
      workspaceId: DEMO_WORKSPACE.id,
      workspaceName: DEMO_WORKSPACE.name,
      password: DEMO_PASSWORD,
      agents: DEMO_AGENTS.map(({ email, name, role }) => ({ email, name, role })),
    };
  }
  // The admin CLI may have changed the directory while the server was down.
  await docSync.syncAll();
  // Conversations from before contact profiles existed get one each.
  for (const w of directory.listWorkspaces()) await contacts.backfill(w.id);
  await presence.start();
  await routing.start(directory.listWorkspaces().map((w) => w.id));

  const team = new TeamService({
    directory,
    logger,
    endSessions: (agentId) => void sync.closeAgent(agentId),
    roleChanged: (agentId, role) => sync.setAgentRole(agentId, role),
    releaseConversations: (workspaceId, agentId, name) => conversations.releaseAgent(workspaceId, agentId, name),
  });
  const app = createHttpApp({
    directory,
    metrics,
    logger,
    staticDir: options.staticDir ?? DEFAULT_STATIC_DIR,
    sync,
    webchat,
    extraRoutes: [
      (router) => presenceRoutes(router, { authenticate: (t) => directory.authenticate(t), presence, routing }),
      (router) => channels.routes(router),
      (router) => simulators && phoneRoutes(router, simulators),
      (router) => teamRoutes(router, { directory, team, logger, inviteFailures: new RateLimiter(30, 10 * 60_000) }),
      (router) =>
        pushRoutes(router, { authenticate: (t) => directory.authenticate(t), store: pushStore, vapid, notifications, logger, simulator: pushSimulator }),
      (router) => pushSimulator && pushSimulatorRoutes(router, pushSimulator),
      (router) => contactRoutes(router, { directory, contacts, logger }),
    ],
  });
  const server = createHttpServer(app.handleRequest);
  server.on('upgrade', app.handleUpgrade);
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  let address: AddressInfo;
  try {
    address = await listen(server, options.port, host);
    serverUrl = ownUrl(address);
    await channels.start();
  } catch (err) {
    if (server.listening) await new Promise<void>((done) => server.close(() => done()));
    await channels.close();
    await simulators?.close();
    typing.close();
    await webchat.close();
    await routing.close();
    await presence.close();
    unobserve();
    await conversations.close();
    await notifications.close();
    await sync.close();
    await fanout.close();
    db.close();
    throw err;
  }
  conversations.startDeliveries();
  if (simulators) {
    simulators.setSwitchboardUrl(serverUrl);
    if (channels.email.smtpPort) simulators.setSwitchboardSmtp('127.0.0.1', channels.email.smtpPort);
    if (demo?.seeded && options.demoChannels) await seedDemoChannels(simulators, logger);
  }

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      const started = performance.now();
      logger.info({ event: 'server_stopping' });
      app.setShuttingDown();
      await simulators?.close();
      await channels.close();
      const serverClosed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      typing.close();
      await webchat.close();
      await routing.close();
      unobserve();
      await presence.close();
      await conversations.close();
      await notifications.close();
      await pushSimulator?.close();
      unlistenMembers();
      await docSync.idle();
      await usage.close();
      await sync.close();
      usage.stop();
      conversations.detach();
      server.closeAllConnections();
      await serverClosed;
      await fanout.close();
      db.close();
      logger.info({ event: 'server_stopped', ms: Math.round(performance.now() - started) });
    })();
    return closing;
  };

  return {
    url: publicUrl(address),
    port: address.port,
    host,
    dataDir,
    demo,
    db,
    docs,
    directory,
    conversations,
    contacts,
    presence,
    routing,
    webchat,
    channels,
    typing,
    simulators,
    notifications,
    push: { store: pushStore, vapid, simulator: pushSimulator },
    metrics,
    connections: () => ({ sync: sync.connectionCount(), webchat: webchat.connectionCount() }),
    close,
  };
}

/** `/demo/phone/` and `/demo/mail/`: the simulators' customer phone and mail client pages (they listen on their own port). */
function phoneRoutes(router: Router, sims: RunningSimulators): void {
  const redirect: Parameters<Router['on']>[2] = ({ res }) => {
    res.writeHead(302, { location: `${sims.url}/_sim/`, 'cache-control': 'no-store' });
    res.end();
  };
  router.on('GET', '/demo/phone', redirect);
  router.on('GET', '/demo/phone/', redirect);
  const mail: Parameters<Router['on']>[2] = ({ res }) => {
    res.writeHead(302, { location: `${sims.url}/_sim/mail/`, 'cache-control': 'no-store' });
    res.end();
  };
  router.on('GET', '/demo/mail', mail);
  router.on('GET', '/demo/mail/', mail);
}

/** `/demo/push/`: what the push-service simulator received, decrypted (it listens on its own port). */
function pushSimulatorRoutes(router: Router, sim: PushServiceSimulator): void {
  const redirect: Parameters<Router['on']>[2] = ({ res, url }) => {
    const target = url.pathname.endsWith('/received') ? `${sim.url}/push/received${url.search}` : `${sim.url}/push/`;
    res.writeHead(302, { location: target, 'cache-control': 'no-store' });
    res.end();
  };
  router.on('GET', '/demo/push', redirect);
  router.on('GET', '/demo/push/', redirect);
  router.on('GET', '/demo/push/received', redirect);
}

/** Customers who write on WhatsApp and SMS when the demo is first seeded, through the simulators. */
async function seedDemoChannels(sims: RunningSimulators, logger: Logger): Promise<void> {
  const { SIM_DEFAULTS } = await import('./simulators/startSimulators.ts');
  sims.whatsapp.addCustomer('16505551234', 'Ana Pérez');
  sims.whatsapp.addCustomer('447700900123', 'Oliver Grant', { readReceipts: false });
  sims.twilio.addCustomer('+14155550100');
  sims.whatsapp.addCustomer('34612345678', 'Lucía Gómez');
  const results = await Promise.all([
    // To the second number: the "Sales" inbox.
    sims.whatsapp.customerSends('34612345678', 'Hola! Do you offer a team discount for 12 Summit tents?', undefined, SIM_DEFAULTS.whatsapp.salesPhoneNumberId),
    sims.whatsapp.customerSends('16505551234', 'Hi, my order #10511 has not arrived yet. Can you check?'),
    sims.whatsapp.customerSends('447700900123', 'Do you ship the Summit tent to the UK?'),
    sims.twilio.customerSends('+14155550100', 'Hi, is the Trailhead 40L back in stock?'),
    sims.email
      .customerSends('mia.schneider@customer.example', {
        name: 'Mia Schneider',
        subject: 'Wrong size delivered (order #10487)',
        text: 'Hello,\n\nI ordered the Ridge jacket in M but received an L. The receipt is attached.\nCan I exchange it?\n\nThanks,\nMia',
        html: '<p>Hello,</p><p>I ordered the <b>Ridge jacket</b> in <b>M</b> but received an <b>L</b>. The receipt is attached.<br>Can I exchange it?</p><p>Thanks,<br>Mia</p>',
        attachments: [{ filename: 'receipt-10487.pdf', content: Buffer.alloc(48_213, 37), contentType: 'application/pdf' }],
      })
      .then((r) => r.code),
  ]);
  // A customer whose mailbox no longer exists: a reply to them bounces (RFC 3464 report).
  sims.email.addCustomer('old.address@bounce.example', 'Jonas Berg', { outcome: 'bounce' });
  results.push(
    (
      await sims.email.customerSends('old.address@bounce.example', {
        name: 'Jonas Berg',
        subject: 'Invoice copy',
        text: 'Could you send me a copy of my last invoice? Thanks, Jonas',
      })
    ).code,
  );
  logger.info({ event: 'demo_channels_seeded', statuses: results });
}
