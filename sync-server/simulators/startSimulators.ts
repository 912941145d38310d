import { createServer } from 'node:http';
import { EmailSimulator, MAIL_OUTCOMES, type MailOutcome } from './EmailSimulator.ts';
import { MAIL_PAGE_HTML } from './mailPage.ts';
import { PHONE_PAGE_HTML } from './phonePage.ts';
import type { AddressInfo } from 'node:net';
import { readBody, sendJson } from './WhatsAppSimulator.ts';
import { TwilioSimulator, type TwilioSimulatorOptions } from './TwilioSimulator.ts';
import { WhatsAppSimulator, type WhatsAppSimulatorOptions } from './WhatsAppSimulator.ts';

/** Credentials the simulators and a Switchboard configured for them share (never real ones). */
export const SIM_DEFAULTS = {
  whatsapp: {
    appSecret: 'sim_app_secret',
    accessToken: 'sim_access_token',
    verifyToken: 'sim_verify_token',
    phoneNumberId: '106540352242922',
    displayPhoneNumber: '15550783881',
    /** A second business number (the demo's "Sales" inbox). */
    salesPhoneNumberId: '106540352242923',
    salesDisplayPhoneNumber: '15550783882',
  },
  twilio: {
    accountSid: 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    authToken: 'sim_auth_token',
    number: '+15005550006',
    /** A second number (the demo's "Sales" inbox). */
    salesNumber: '+15005550007',
  },
  email: {
    address: 'support@acme-outdoor.example',
    fromName: 'Acme Outdoor Support',
    verpSecret: 'sim_verp_secret_0123456789',
  },
} as const;

export interface RunningSimulators {
  /** Base URL of the simulated provider APIs (Graph and Twilio REST share one port). */
  url: string;
  port: number;
  whatsapp: WhatsAppSimulator;
  twilio: TwilioSimulator;
  /** The mail side: relay (our outgoing mail), customers' mailboxes and mail clients. */
  email: EmailSimulator;
  /** Points the webhooks at another Switchboard URL (e.g. after it restarted on a new port). */
  setSwitchboardUrl(url: string): void;
  /** Where customers' mail and bounces go: Switchboard's SMTP listener. */
  setSwitchboardSmtp(host: string, port: number): void;
  close(): Promise<void>;
}

/**
 * Starts both provider simulators on one HTTP port: the Graph API (`/v21.0/...`) and the
 * Twilio REST API (`/2010-04-01/...`). `switchboardUrl` is where their webhooks go.
 */
export async function startSimulators(opts: {
  switchboardUrl: string;
  port?: number;
  host?: string;
  statusMode?: 'auto' | 'manual';
  stepMs?: number;
  chaos?: boolean;
  whatsapp?: Partial<WhatsAppSimulatorOptions>;
  twilio?: Partial<TwilioSimulatorOptions>;
  /** Switchboard's SMTP listener, when known already. */
  switchboardSmtp?: { host: string; port: number };
  /** Port of the simulated SMTP relay (0: any). */
  relayPort?: number;
}): Promise<RunningSimulators> {
  const base = opts.switchboardUrl.replace(/\/+$/, '');
  const shared = {
    ...(opts.statusMode ? { statusMode: opts.statusMode } : {}),
    ...(opts.stepMs !== undefined ? { stepMs: opts.stepMs } : {}),
    ...(opts.chaos !== undefined ? { chaos: opts.chaos } : {}),
  };
  const wa = SIM_DEFAULTS.whatsapp;
  const whatsapp = new WhatsAppSimulator({
    webhookUrl: `${base}/webhooks/whatsapp`,
    appSecret: wa.appSecret,
    accessToken: wa.accessToken,
    verifyToken: wa.verifyToken,
    phoneNumberId: wa.phoneNumberId,
    displayPhoneNumber: wa.displayPhoneNumber,
    extraNumbers: [{ phoneNumberId: wa.salesPhoneNumberId, displayPhoneNumber: wa.salesDisplayPhoneNumber }],
    ...shared,
    ...opts.whatsapp,
  });
  const tw = SIM_DEFAULTS.twilio;
  const twilio = new TwilioSimulator({
    inboundUrl: `${base}/webhooks/twilio/sms`,
    accountSid: tw.accountSid,
    authToken: tw.authToken,
    number: tw.number,
    extraNumbers: [tw.salesNumber],
    ...shared,
    ...opts.twilio,
  });
  const email = new EmailSimulator({
    switchboard: opts.switchboardSmtp ?? null,
    supportAddress: SIM_DEFAULTS.email.address,
    ...(opts.statusMode ? { statusMode: opts.statusMode } : {}),
    ...(opts.stepMs !== undefined ? { stepMs: opts.stepMs } : {}),
  });
  await email.start(opts.relayPort ?? 0, opts.host ?? '127.0.0.1');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    void (async () => {
      if (url.pathname === '/_sim' || url.pathname === '/') {
        res.writeHead(302, { location: '/_sim/' });
        return void res.end();
      }
      if (url.pathname.startsWith('/_sim/')) return void (await control(req, res, url));
      if (await whatsapp.handle(req, res, url)) return;
      if (await twilio.handle(req, res, url)) return;
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not-found' }));
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // Playing the customer: the phone page (GET /_sim/), POST /_sim/whatsapp/send {from, to?, name?, text}
  // (to: one of our phone_number_ids), POST /_sim/sms/send {from, to?, text} (to: one of our numbers), POST /_sim/customer {channel, from, name?, readReceipts?,
  // outcome?}; GET /_sim/state (customers with their threads), GET /_sim/threads (threads only).
  const control = async (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, url: URL) => {
    if (req.method === 'GET' && url.pathname === '/_sim/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return void res.end(PHONE_PAGE_HTML);
    }
    if (url.pathname.startsWith('/_sim/mail')) return void (await mailControl(email, req, res, url));
    if (req.method === 'GET' && url.pathname === '/_sim/threads') {
      return sendJson(res, 200, { whatsapp: Object.fromEntries(whatsapp.threads), sms: Object.fromEntries(twilio.threads) });
    }
    if (req.method === 'GET' && url.pathname === '/_sim/state') return sendJson(res, 200, simulatorState(whatsapp, twilio));
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'method-not-allowed' });
    let body: { from?: unknown; to?: unknown; name?: unknown; text?: unknown; channel?: unknown; readReceipts?: unknown; outcome?: unknown };
    try {
      body = JSON.parse(await readBody(req, 64 * 1024)) as typeof body;
    } catch {
      return sendJson(res, 400, { error: 'invalid-json' });
    }
    if (url.pathname === '/_sim/customer') return sendJson(res, ...configureCustomer(whatsapp, twilio, body));
    if (typeof body.from !== 'string' || typeof body.text !== 'string' || !body.text) return sendJson(res, 400, { error: 'send {from, text}' });
    if (url.pathname === '/_sim/whatsapp/send') {
      const from = body.from.replace(/^\+/, '');
      if (!whatsapp.customers.has(from)) whatsapp.addCustomer(from, typeof body.name === 'string' ? body.name : `+${from}`);
      const to = typeof body.to === 'string' && whatsapp.numbers().some((n) => n.phoneNumberId === body.to) ? body.to : undefined;
      return sendJson(res, 200, { switchboardStatus: await whatsapp.customerSends(from, body.text, undefined, to) });
    }
    if (url.pathname === '/_sim/sms/send') {
      const to = typeof body.to === 'string' && twilio.numbers().includes(body.to) ? body.to : undefined;
      return sendJson(res, 200, { switchboardStatus: await twilio.customerSends(body.from, body.text, undefined, to) });
    }
    return sendJson(res, 404, { error: 'not-found' });
  };
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve(server.address() as AddressInfo));
  });
  const host = opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1';
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    whatsapp,
    twilio,
    email,
    setSwitchboardSmtp(smtpHost, port) {
      email.setSwitchboard(smtpHost, port);
    },
    setSwitchboardUrl(url) {
      const b = url.replace(/\/+$/, '');
      whatsapp.options.webhookUrl = `${b}/webhooks/whatsapp`;
      twilio.options.inboundUrl = `${b}/webhooks/twilio/sms`;
    },
    async close() {
      whatsapp.close();
      twilio.close();
      await email.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Every simulated customer with what their phone shows (for the phone page). */
function simulatorState(whatsapp: WhatsAppSimulator, twilio: TwilioSimulator) {
  const waIds = new Set([...whatsapp.customers.keys(), ...whatsapp.threads.keys()]);
  const phones = new Set([...twilio.customers.keys(), ...twilio.threads.keys()]);
  return {
    numbers: {
      whatsapp: whatsapp.numbers().map((n) => ({ id: n.phoneNumberId, label: `+${n.displayPhoneNumber.replace(/^\+/, '')}` })),
      sms: twilio.numbers().map((n) => ({ id: n, label: n })),
    },
    whatsapp: [...waIds].map((id) => {
      const c = whatsapp.customers.get(id);
      return {
        id,
        name: c?.name ?? `+${id}`,
        readReceipts: c?.readReceipts ?? true,
        onWhatsApp: c?.onWhatsApp ?? true,
        typing: whatsapp.isTypingShown(id),
        lines: whatsapp.threads.get(id) ?? [],
      };
    }),
    sms: [...phones].map((id) => ({ id, name: id, outcome: twilio.customers.get(id)?.outcome ?? 'delivered', lines: twilio.threads.get(id) ?? [] })),
  };
}

const SMS_OUTCOMES = ['delivered', 30003, 30005, 30006, 30007, 30008] as const;

/** Adds a customer or changes one: WhatsApp name and read receipts, SMS carrier outcome. */
function configureCustomer(
  whatsapp: WhatsAppSimulator,
  twilio: TwilioSimulator,
  body: { from?: unknown; name?: unknown; channel?: unknown; readReceipts?: unknown; outcome?: unknown },
): [number, unknown] {
  if (typeof body.from !== 'string' || !/^\+?\d{6,15}$/.test(body.from)) return [400, { error: 'from: a phone number in E.164 digits' }];
  if (body.channel === 'whatsapp') {
    const id = body.from.replace(/^\+/, '');
    const c = whatsapp.customers.get(id) ?? whatsapp.addCustomer(id, typeof body.name === 'string' && body.name ? body.name : `+${id}`);
    if (typeof body.name === 'string' && body.name) c.name = body.name;
    if (typeof body.readReceipts === 'boolean') c.readReceipts = body.readReceipts;
    return [200, { id, name: c.name, readReceipts: c.readReceipts }];
  }
  if (body.channel === 'sms') {
    const id = body.from.startsWith('+') ? body.from : `+${body.from}`;
    const c = twilio.customers.get(id) ?? twilio.addCustomer(id);
    const outcome = SMS_OUTCOMES.find((o) => o === body.outcome);
    if (body.outcome !== undefined && outcome === undefined) return [400, { error: `outcome: one of ${SMS_OUTCOMES.join(', ')}` }];
    if (outcome !== undefined) c.outcome = outcome;
    return [200, { id, outcome: c.outcome }];
  }
  return [400, { error: 'channel: whatsapp or sms' }];
}

/**
 * The mail client page and its control API: GET /_sim/mail/ (page), GET /_sim/mail/state
 * (customers with their mailboxes), POST /_sim/mail/send {from, name?, subject?, text, html?,
 * inReplyTo?, attachment?}, POST /_sim/mail/customer {address, name?, outcome?}.
 */
async function mailControl(email: EmailSimulator, req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, url: URL): Promise<void> {
  if (req.method === 'GET' && (url.pathname === '/_sim/mail/' || url.pathname === '/_sim/mail')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    return void res.end(MAIL_PAGE_HTML);
  }
  if (req.method === 'GET' && url.pathname === '/_sim/mail/state') {
    return sendJson(res, 200, {
      supportAddress: email.options.supportAddress,
      outcomes: MAIL_OUTCOMES,
      customers: [...email.customers.values()].map((c) => ({ ...c, mailbox: email.mailboxes.get(c.address) ?? [] })),
    });
  }
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'method-not-allowed' });
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(await readBody(req, 256 * 1024)) as Record<string, unknown>;
  } catch {
    return sendJson(res, 400, { error: 'invalid-json' });
  }
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
  const validAddress = (a: string | undefined): a is string => !!a && /^[^\s@<>]{1,64}@[^\s@<>]{1,253}$/.test(a);
  if (url.pathname === '/_sim/mail/customer') {
    const address = str('address');
    if (!validAddress(address)) return sendJson(res, 400, { error: 'address: an email address' });
    const outcome = str('outcome');
    if (outcome !== undefined && !MAIL_OUTCOMES.includes(outcome as MailOutcome)) return sendJson(res, 400, { error: `outcome: one of ${MAIL_OUTCOMES.join(', ')}` });
    const c = email.customers.get(address.toLowerCase()) ?? email.addCustomer(address, str('name') || address);
    if (str('name')) c.name = str('name') as string;
    if (outcome) c.outcome = outcome as MailOutcome;
    return sendJson(res, 200, c);
  }
  if (url.pathname === '/_sim/mail/send') {
    const from = str('from');
    const text = str('text');
    if (!validAddress(from) || !text) return sendJson(res, 400, { error: 'send {from, text}' });
    const name = str('name');
    const subject = str('subject');
    const html = str('html');
    const inReplyTo = str('inReplyTo');
    const attachment = str('attachment');
    const result = await email.customerSends(from, {
      text,
      ...(name ? { name } : {}),
      ...(subject ? { subject } : {}),
      ...(html ? { html } : {}),
      ...(inReplyTo ? { inReplyTo } : {}),
      ...(attachment ? { attachments: [{ filename: attachment, content: `Contents of ${attachment}\n`, contentType: attachment.endsWith('.pdf') ? 'application/pdf' : 'text/plain' }] } : {}),
    });
    return sendJson(res, 200, result);
  }
  return sendJson(res, 404, { error: 'not-found' });
}

/** The channel config of a Switchboard workspace that uses the simulators at `simUrl`. */
export function simulatorChannelConfig(workspaceId: string, simUrl: string, relayPort?: number) {
  return {
    ...(relayPort
      ? {
          email: [
            {
              workspaceId,
              ...SIM_DEFAULTS.email,
              relay: { host: '127.0.0.1', port: relayPort, secure: false },
              // The demo shows "Delivered" soon after a reply when no bounce came.
              deliveredAfterMs: 10_000,
            },
          ],
          smtpListener: { host: '127.0.0.1', port: 0 },
        }
      : {}),
    // Two numbers per channel, shown as the "Support" and "Sales" inboxes.
    whatsapp: [
      {
        workspaceId,
        appSecret: SIM_DEFAULTS.whatsapp.appSecret,
        accessToken: SIM_DEFAULTS.whatsapp.accessToken,
        verifyToken: SIM_DEFAULTS.whatsapp.verifyToken,
        phoneNumberId: SIM_DEFAULTS.whatsapp.phoneNumberId,
        displayPhoneNumber: SIM_DEFAULTS.whatsapp.displayPhoneNumber,
        displayName: 'Support',
        graphBaseUrl: simUrl,
        idempotencyKeys: true,
      },
      {
        workspaceId,
        appSecret: SIM_DEFAULTS.whatsapp.appSecret,
        accessToken: SIM_DEFAULTS.whatsapp.accessToken,
        verifyToken: SIM_DEFAULTS.whatsapp.verifyToken,
        phoneNumberId: SIM_DEFAULTS.whatsapp.salesPhoneNumberId,
        displayPhoneNumber: SIM_DEFAULTS.whatsapp.salesDisplayPhoneNumber,
        displayName: 'Sales',
        graphBaseUrl: simUrl,
        idempotencyKeys: true,
      },
    ],
    twilio: [
      {
        workspaceId,
        accountSid: SIM_DEFAULTS.twilio.accountSid,
        authToken: SIM_DEFAULTS.twilio.authToken,
        fromNumber: SIM_DEFAULTS.twilio.number,
        displayName: 'Support',
        apiBaseUrl: simUrl,
        idempotencyKeys: true,
      },
      {
        workspaceId,
        accountSid: SIM_DEFAULTS.twilio.accountSid,
        authToken: SIM_DEFAULTS.twilio.authToken,
        fromNumber: SIM_DEFAULTS.twilio.salesNumber,
        displayName: 'Sales',
        apiBaseUrl: simUrl,
        idempotencyKeys: true,
      },
    ],
  };
}
