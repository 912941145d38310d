import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { whatsappSignature } from '../../sync-server/channels/whatsapp/whatsappSignature.ts';
import { type ChannelHarness, startChannelHarness } from '../helpers/channelHarness.ts';
import { waitUntil } from '../helpers/waitUntil.ts';

const ANA = '16505551234';

describe('WhatsApp channel through the Cloud API simulator', () => {
  let h: ChannelHarness;

  beforeEach(async () => {
    h = await startChannelHarness();
    h.sims.whatsapp.addCustomer(ANA, 'Ana Pérez');
  });
  afterEach(async () => {
    await h.dispose();
  });

  const webhookUrl = () => `${h.app.baseUrl}/webhooks/whatsapp`;
  const post = (body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string>) =>
    fetch(webhookUrl(), { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const rowCount = (table: string) => (h.app.server.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

  it('answers the verification handshake with the challenge only for our verify token', async () => {
    expect(await h.sims.whatsapp.verifyWebhook(undefined, '1158201444')).toEqual({ status: 200, body: '1158201444' });
    expect((await h.sims.whatsapp.verifyWebhook('wrong-token', '1158201444')).status).toBe(403);
  });

  it('stores an inbound text in a new conversation named from the profile, shown in the index', async () => {
    expect(await h.sims.whatsapp.customerSends(ANA, 'Hi, my order has not arrived')).toBe(200);
    const summary = await h.summaryOf('whatsapp');
    expect(summary).toMatchObject({ contactName: 'Ana Pérez', inboundCount: 1, lastMessage: { text: 'Hi, my order has not arrived', authorType: 'contact' } });
    const messages = await h.messages(summary.id);
    expect(messages.map((m) => m.text)).toEqual(['Hi, my order has not arrived']);
    // A second message lands in the same conversation.
    await h.sims.whatsapp.customerSends(ANA, 'Order 1234');
    expect((await h.summaries()).filter((s) => s.channel === 'whatsapp')).toHaveLength(1);
  });

  it('shows an image as a placeholder with its caption', async () => {
    await h.sims.whatsapp.customerSends(ANA, { type: 'image', image: { id: '99', mime_type: 'image/jpeg', sha256: 'abc', caption: 'The broken lid' } });
    const summary = await h.summaryOf('whatsapp');
    expect((await h.messages(summary.id))[0]?.text).toBe('[Image] The broken lid');
  });

  it('stores a replayed notification (same wamid) once and answers it 200', async () => {
    await h.sims.whatsapp.customerSends(ANA, 'Once only', 'wamid.REPLAY1');
    expect(await h.sims.whatsapp.customerSends(ANA, 'Once only', 'wamid.REPLAY1')).toBe(200);
    const summary = await h.summaryOf('whatsapp');
    expect(summary.inboundCount).toBe(1);
    expect(await h.messages(summary.id)).toHaveLength(1);
  });

  it('refuses a missing signature (401) and a wrong one (403) and stores nothing', async () => {
    const body = h.sims.whatsapp.notificationBody({
      contacts: [{ profile: { name: 'Mallory' }, wa_id: '15550000000' }],
      messages: [{ from: '15550000000', id: 'wamid.FORGED', timestamp: '1717000000', type: 'text', text: { body: 'forged' } }],
    });
    expect((await post(body, {})).status).toBe(401);
    expect((await post(body, { 'x-hub-signature-256': whatsappSignature(body, 'not-the-secret') })).status).toBe(403);
    // Signed, then changed by one byte on the way.
    const tampered = body.replace('forged', 'Forged');
    expect((await post(tampered, { 'x-hub-signature-256': whatsappSignature(body, 'sim_app_secret') })).status).toBe(403);
    expect(await h.summaries()).toEqual([]);
    expect(rowCount('channel_contacts')).toBe(0);
  });

  it('refuses a signed body that is not a notification with 400', async () => {
    for (const body of ['{not json', '{"object":"page","entry":[]}', '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messages":[{"from":"x"}]}}]}]}']) {
      expect((await post(body, { 'x-hub-signature-256': whatsappSignature(body, 'sim_app_secret') })).status).toBe(400);
    }
    expect(await h.summaries()).toEqual([]);
  });

  it('acknowledges a notification for an unknown phone number id (200) and stores nothing', async () => {
    const body = h.sims.whatsapp
      .notificationBody({ messages: [{ from: ANA, id: 'wamid.OTHER', timestamp: '1717000000', type: 'text', text: { body: 'hello' } }] })
      .replace('106540352242922', '999999999999999');
    expect((await post(body, { 'x-hub-signature-256': whatsappSignature(body, 'sim_app_secret') })).status).toBe(200);
    expect(await h.summaries()).toEqual([]);
  });

  it('refuses an oversized payload with 413', async () => {
    const body = new Uint8Array(1024 * 1024 + 1).fill(0x20);
    expect((await post(body, { 'x-hub-signature-256': whatsappSignature(Buffer.from(body), 'sim_app_secret') })).status).toBe(413);
  });

  it('sends a reply through the Graph API; out-of-order and duplicate statuses leave read', async () => {
    await h.sims.whatsapp.customerSends(ANA, 'Where is my parcel?');
    const conv = await h.summaryOf('whatsapp');
    const id = await h.reply(conv.id, 'A courier is on the way');
    const sent = await waitUntil(() => h.sims.whatsapp.sent[0], 'the send request');
    expect(sent).toMatchObject({ to: ANA, text: 'A courier is on the way', opaque: id });
    await waitUntil(async () => h.app.server.channels.ledger.outbound(id)?.provider_id === sent.wamid, 'the wamid recorded');
    expect(await h.receipt(conv.id, id)).toBeUndefined(); // accepted, not sent yet: queued

    await h.sims.whatsapp.emitStatuses([{ wamid: sent.wamid, status: 'read' }]);
    await h.sims.whatsapp.emitStatuses([
      { wamid: sent.wamid, status: 'sent' },
      { wamid: sent.wamid, status: 'delivered' },
      { wamid: sent.wamid, status: 'delivered' },
    ]);
    expect((await h.receipt(conv.id, id))?.status).toBe('read');
    expect(h.app.server.channels.ledger.statusEvents(id).map((e) => e.providerStatus)).toEqual(['read', 'sent', 'delivered']);
  });

  it('keeps a contact with read receipts off at delivered', async () => {
    h.sims.whatsapp.addCustomer(ANA, 'Ana Pérez', { readReceipts: false });
    await h.sims.whatsapp.customerSends(ANA, 'Hello');
    const conv = await h.summaryOf('whatsapp');
    const id = await h.reply(conv.id, 'Hi Ana');
    const sent = await waitUntil(() => h.sims.whatsapp.sent[0]);
    const planned = h.sims.whatsapp.plannedStatuses(sent.wamid, ANA);
    expect(planned.map((s) => s.status)).toEqual(['sent', 'delivered']);
    await h.sims.whatsapp.emitStatuses(planned);
    await waitUntil(async () => (await h.receipt(conv.id, id))?.status === 'delivered', 'delivered');
  });

  it('marks a message failed with the code and readable reason of a failed status, and ignores a later delivered', async () => {
    await h.sims.whatsapp.customerSends(ANA, 'Hello');
    const conv = await h.summaryOf('whatsapp');
    const id = await h.reply(conv.id, 'Hi Ana');
    const sent = await waitUntil(() => h.sims.whatsapp.sent[0]);
    await h.sims.whatsapp.emitStatuses([{ wamid: sent.wamid, status: 'failed', code: 131047 }]);
    await h.sims.whatsapp.emitStatuses([{ wamid: sent.wamid, status: 'delivered' }]);
    expect(await h.receipt(conv.id, id)).toMatchObject({ status: 'failed', code: '131047', reason: expect.stringContaining('24 hours') });
  });

  it('fails a permanent Graph error at once with its code', async () => {
    await h.sims.whatsapp.customerSends(ANA, 'Hello');
    const conv = await h.summaryOf('whatsapp');
    h.sims.whatsapp.failNextSend(400, 131009, '(#131009) Parameter value is not valid', "Invalid 'to' parameter");
    const id = await h.reply(conv.id, 'Hi');
    const receipt = await waitUntil(() => h.receipt(conv.id, id), 'a receipt');
    expect(receipt).toMatchObject({ status: 'failed', code: '131009', reason: "Invalid 'to' parameter" });
    expect(h.sims.whatsapp.sent).toHaveLength(0);
  });

  it('retries a temporary Graph error and sends once', async () => {
    await h.sims.whatsapp.customerSends(ANA, 'Hello');
    const conv = await h.summaryOf('whatsapp');
    h.sims.whatsapp.failNextSend(503, 131000, 'Something went wrong');
    const id = await h.reply(conv.id, 'Hi after a hiccup');
    await waitUntil(() => h.sims.whatsapp.sent.length === 1, 'the retried send');
    await waitUntil(async () => h.app.server.channels.ledger.outbound(id)?.state === 'accepted', 'accepted');
    expect(h.sims.whatsapp.sent).toHaveLength(1);
  });

  it('neither loses nor duplicates a message when the server restarts before the provider answered', async () => {
    await h.sims.whatsapp.customerSends(ANA, 'Hello');
    const conv = await h.summaryOf('whatsapp');
    h.sims.whatsapp.dropNextAnswer();
    const id = await h.reply(conv.id, 'Sent across a restart');
    await waitUntil(() => h.sims.whatsapp.sent.length === 1, 'the provider to take the message');
    await waitUntil(async () => h.app.server.channels.ledger.outbound(id)?.state === 'retry', 'the lost answer noticed');
    await h.restart();
    await waitUntil(async () => h.app.server.channels.ledger.outbound(id)?.provider_id === h.sims.whatsapp.sent[0]?.wamid, 'the wamid recovered');
    expect(h.sims.whatsapp.sent).toHaveLength(1);
    await h.sims.whatsapp.emitStatuses([{ wamid: h.sims.whatsapp.sent[0]!.wamid, status: 'sent' }]);
    expect((await h.receipt(conv.id, id))?.status).toBe('sent');
  });

  it('refuses a free-form reply outside the 24-hour window with the reason', async () => {
    await h.sims.whatsapp.customerSends(ANA, 'Hello');
    const conv = await h.summaryOf('whatsapp');
    h.app.server.db.prepare('UPDATE channel_contacts SET last_inbound_at = ?').run(Date.now() - 25 * 60 * 60 * 1000);
    const id = await h.reply(conv.id, 'Late answer');
    const receipt = await waitUntil(() => h.receipt(conv.id, id), 'a receipt');
    expect(receipt).toMatchObject({ status: 'failed', code: 'window-closed' });
    expect(h.sims.whatsapp.sent).toHaveLength(0);
  });
});
