import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChannelConfig } from '../../sync-server/channels/channelConfig.ts';
import { SIM_DEFAULTS } from '../../sync-server/simulators/startSimulators.ts';
import { ChannelLedger } from '../../sync-server/channels/ChannelLedger.ts';
import { silentLogger } from '../../sync-server/ops/log.ts';
import type { ConversationService } from '../../sync-server/conversations/ConversationService.ts';
import { type ChannelHarness, startChannelHarness } from '../helpers/channelHarness.ts';
import { waitUntil } from '../helpers/waitUntil.ts';

const ANA = '16505551234';
const SUPPORT = SIM_DEFAULTS.whatsapp.phoneNumberId;
const SALES = SIM_DEFAULTS.whatsapp.salesPhoneNumberId;

describe('several numbers per workspace (issue 4)', () => {
  let h: ChannelHarness;

  beforeAll(async () => {
    h = await startChannelHarness();
    h.sims.whatsapp.addCustomer(ANA, 'Ana Pérez');
  });
  afterAll(async () => {
    await h.dispose();
  });

  it('routes WhatsApp by the receiving number: one conversation per number, each showing its inbox', async () => {
    expect(await h.sims.whatsapp.customerSends(ANA, 'Support question', undefined, SUPPORT)).toBe(200);
    expect(await h.sims.whatsapp.customerSends(ANA, 'Sales question', undefined, SALES)).toBe(200);
    const both = await waitUntil(async () => {
      const list = (await h.summaries()).filter((s) => s.channel === 'whatsapp');
      return list.length === 2 ? list : undefined;
    }, 'two WhatsApp conversations');
    const support = both.find((s) => s.inbox?.name === 'Support');
    const sales = both.find((s) => s.inbox?.name === 'Sales');
    expect(support?.lastMessage?.text).toBe('Support question');
    expect(sales?.lastMessage?.text).toBe('Sales question');
    expect(sales?.inbox).toEqual({ id: SALES, name: 'Sales' });
    // The same person: one contact, two conversations.
    expect(sales?.contactId).toBe(support?.contactId);

    // A reply leaves from the number the conversation came in on.
    await h.reply(sales?.id ?? '', 'Happy to help with a quote');
    await h.reply(support?.id ?? '', 'Let me check your order');
    await waitUntil(() => h.sims.whatsapp.sent.length >= 2 || undefined, 'both replies sent');
    expect(h.sims.whatsapp.sent.find((m) => m.text === 'Happy to help with a quote')?.from).toBe(SALES);
    expect(h.sims.whatsapp.sent.find((m) => m.text === 'Let me check your order')?.from).toBe(SUPPORT);
  });

  it('routes SMS by the To number and replies from it', async () => {
    await h.sims.twilio.customerSends('+14155550100', 'Is the tent in stock?', undefined, SIM_DEFAULTS.twilio.salesNumber);
    const sms = await waitUntil(async () => (await h.summaries()).find((s) => s.channel === 'sms'), 'an SMS conversation');
    expect(sms.inbox).toEqual({ id: SIM_DEFAULTS.twilio.salesNumber, name: 'Sales' });
    await h.reply(sms.id, 'Yes, 4 left');
    const sent = await waitUntil(() => h.sims.twilio.sent.find((m) => m.body === 'Yes, 4 left'), 'the SMS reply');
    expect(sent.from).toBe(SIM_DEFAULTS.twilio.salesNumber);
  });

  it('ignores a number no account has (acknowledged, nothing stored)', async () => {
    const before = (await h.summaries()).length;
    expect(await h.sims.whatsapp.customerSends(ANA, 'To nowhere', undefined, '999999999')).toBe(200);
    expect((await h.summaries()).length).toBe(before);
  });

  it('refuses a config naming one number twice', () => {
    const account = { workspaceId: 'acme', phoneNumberId: '1', appSecret: 's', accessToken: 't', verifyToken: 'v' };
    const result = parseChannelConfig({ whatsapp: [account, { ...account, displayName: 'Sales' }] });
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('configured twice') });
    expect(parseChannelConfig({ whatsapp: [account, { ...account, phoneNumberId: '2', displayName: 'Sales' }] }).ok).toBe(true);
  });

  it('keeps conversations of a data directory from before inboxes (migrated, found by the first number)', () => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE channel_contacts (workspace_id TEXT NOT NULL, channel TEXT NOT NULL, address TEXT NOT NULL, contact_id TEXT NOT NULL,
      conversation_id TEXT NOT NULL, name TEXT NOT NULL, last_inbound_at INTEGER, PRIMARY KEY (workspace_id, channel, address))`);
    db.prepare('INSERT INTO channel_contacts VALUES (?, ?, ?, ?, ?, ?, ?)').run('acme', 'whatsapp', ANA, 'k1', 'c-old', 'Ana', 5);
    const ledger = new ChannelLedger(db, {} as ConversationService, silentLogger());
    expect(ledger.contact('acme', 'whatsapp', ANA, SUPPORT, true)?.conversationId).toBe('c-old');
    expect(ledger.contact('acme', 'whatsapp', ANA, SALES, false)).toBeNull();
  });
});
