import type { Database } from 'better-sqlite3';
import type { ConversationService } from '../conversations/ConversationService.ts';
import type { Router } from '../http/Router.ts';
import type { Logger } from '../ops/log.ts';
import { ChannelLedger } from './ChannelLedger.ts';
import type { ChannelModule } from './ChannelModule.ts';
import type { ChannelConfig } from './channelConfig.ts';
import { EmailChannel } from './email/EmailChannel.ts';
import { TwilioSmsChannel } from './twilio/TwilioSmsChannel.ts';
import { WhatsAppChannel } from './whatsapp/WhatsAppChannel.ts';

export interface Channels {
  ledger: ChannelLedger;
  modules: ChannelModule[];
  /** The email channel (its SMTP listener's port, its delivery sweep). */
  email: EmailChannel;
  /** Adds every channel's webhook routes. */
  routes(router: Router): void;
  /** Starts the channels' own listeners (SMTP). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The channel registry: builds each configured provider channel and registers its outgoing side
 * with the conversation service. Adding a channel means one more entry here and a folder of its
 * own; no channel knows another.
 */
export function createChannels(deps: {
  config: ChannelConfig;
  db: Database;
  conversations: ConversationService;
  logger: Logger;
  /** The server's own URL once it listens; used when the config names no public base URL. */
  serverUrl: () => string;
  fetch?: typeof fetch;
}): Channels {
  const { config, conversations, logger } = deps;
  const ledger = new ChannelLedger(deps.db, conversations, logger);
  const publicBaseUrl = () => config.publicBaseUrl ?? deps.serverUrl();
  const common = { ledger, conversations, logger, ...(deps.fetch ? { fetch: deps.fetch } : {}) };
  // Webhook routes exist even without accounts (they answer 401/403); sending needs an account.
  const email = new EmailChannel({ ...common, db: deps.db, accounts: config.email, listener: config.smtpListener });
  const modules: ChannelModule[] = [
    new WhatsAppChannel({ ...common, db: deps.db, accounts: config.whatsapp }),
    new TwilioSmsChannel({ ...common, accounts: config.twilio, publicBaseUrl }),
    email,
  ];
  for (const m of modules) conversations.registerChannel(m.adapter);
  logger.info({ event: 'channels_configured', whatsapp: config.whatsapp.length, sms: config.twilio.length, email: config.email.length });
  return {
    ledger,
    modules,
    email,
    routes(router) {
      for (const m of modules) m.routes(router);
    },
    async start() {
      for (const m of modules) await m.start?.();
    },
    async close() {
      for (const m of modules) await m.close?.();
    },
  };
}
