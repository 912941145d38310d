import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { twilioSignature } from '../../sync-server/channels/twilio/twilioSignature.ts';
import { type ChannelHarness, startChannelHarness } from '../helpers/channelHarness.ts';
import { waitUntil } from '../helpers/waitUntil.ts';

const CUSTOMER = '+14155550100';

describe('SMS channel through the Twilio simulator', () => {
  let h: ChannelHarness;

  beforeEach(async () => {
    h = await startChannelHarness();
  });
  afterEach(async () => {
    await h.dispose();
  });

  const inboundUrl = () => `${h.app.baseUrl}/webhooks/twilio/sms`;
  const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
  const inbound = (sid: string, body = 'Where is my order?') => ({
    MessageSid: sid,
    SmsSid: sid,
    AccountSid: 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    From: CUSTOMER,
    To: '+15005550006',
    Body: body,
    NumMedia: '0',
    SmsStatus: 'received',
    ApiVersion: '2010-04-01',
  });

  it('stores an inbound SMS in a conversation and answers empty TwiML', async () => {
    expect(await h.sims.twilio.customerSends(CUSTOMER, 'Where is my order?')).toBe(200);
    const summary = await h.summaryOf('sms');
    expect(summary).toMatchObject({ contactName: CUSTOMER, inboundCount: 1, lastMessage: { text: 'Where is my order?' } });
    const res = await fetch(inboundUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature('sim_auth_token', inboundUrl(), Object.entries(inbound('SM00000000000000000000000000000001'))) },
      body: form(inbound('SM00000000000000000000000000000001')),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/xml');
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });

  it('stores a retried webhook (same MessageSid) once', async () => {
    await h.sims.twilio.customerSends(CUSTOMER, 'Hello', 'SM11111111111111111111111111111111');
    expect(await h.sims.twilio.customerSends(CUSTOMER, 'Hello', 'SM11111111111111111111111111111111')).toBe(200);
    const summary = await h.summaryOf('sms');
    expect(await h.messages(summary.id)).toHaveLength(1);
  });

  it('refuses a missing signature (400) and a wrong one (403) and stores nothing', async () => {
    const params = inbound('SM22222222222222222222222222222222');
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await fetch(inboundUrl(), { method: 'POST', headers, body: form(params) })).status).toBe(400);
    const wrong = twilioSignature('not-the-token', inboundUrl(), Object.entries(params));
    expect((await fetch(inboundUrl(), { method: 'POST', headers: { ...headers, 'x-twilio-signature': wrong }, body: form(params) })).status).toBe(403);
    // Signed for another URL (what a proxy without the public base URL would see).
    const otherUrl = twilioSignature('sim_auth_token', 'https://elsewhere.example/webhooks/twilio/sms', Object.entries(params));
    expect((await fetch(inboundUrl(), { method: 'POST', headers: { ...headers, 'x-twilio-signature': otherUrl }, body: form(params) })).status).toBe(403);
    expect(await h.summaries()).toEqual([]);
  });

  it('refuses a signed webhook without MessageSid with 400', async () => {
    const params = { From: CUSTOMER, Body: 'x', AccountSid: 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' };
    const res = await fetch(inboundUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature('sim_auth_token', inboundUrl(), Object.entries(params)) },
      body: form(params),
    });
    expect(res.status).toBe(400);
    expect(await h.summaries()).toEqual([]);
  });

  it('sends a reply with basic auth and a StatusCallback; reordered and repeated callbacks end at delivered', async () => {
    await h.sims.twilio.customerSends(CUSTOMER, 'Hello');
    const conv = await h.summaryOf('sms');
    const id = await h.reply(conv.id, 'Your parcel ships today');
    const sent = await waitUntil(() => h.sims.twilio.sent[0], 'the Messages API request');
    expect(sent).toMatchObject({ to: CUSTOMER, body: 'Your parcel ships today' });
    expect(sent.statusCallback).toBe(`${h.app.baseUrl}/webhooks/twilio/status?m=${id}`);
    await waitUntil(async () => h.app.server.channels.ledger.outbound(id)?.provider_id === sent.sid, 'the sid recorded');

    expect(await h.sims.twilio.emitStatus(sent.sid, 'delivered')).toBe(204);
    await h.sims.twilio.emitStatus(sent.sid, 'sending');
    await h.sims.twilio.emitStatus(sent.sid, 'sent');
    await h.sims.twilio.emitStatus(sent.sid, 'delivered');
    expect((await h.receipt(conv.id, id))?.status).toBe('delivered');
    expect(h.app.server.channels.ledger.statusEvents(id).map((e) => e.providerStatus)).toEqual(['delivered', 'sending', 'sent']);
  });

  it('marks an undelivered message failed with the carrier error code and reason', async () => {
    await h.sims.twilio.customerSends(CUSTOMER, 'Hello');
    const conv = await h.summaryOf('sms');
    const id = await h.reply(conv.id, 'Hi');
    const sent = await waitUntil(() => h.sims.twilio.sent[0]);
    await h.sims.twilio.emitStatus(sent.sid, 'sent');
    await h.sims.twilio.emitStatus(sent.sid, 'undelivered', 30003);
    expect(await h.receipt(conv.id, id)).toMatchObject({ status: 'failed', code: '30003', reason: expect.stringContaining('switched off') });
  });

  it('fails at once when Twilio refuses the recipient (21610 opted out)', async () => {
    await h.sims.twilio.customerSends(CUSTOMER, 'STOP');
    h.sims.twilio.addCustomer(CUSTOMER, { optedOut: true });
    const conv = await h.summaryOf('sms');
    const id = await h.reply(conv.id, 'Sorry to see you go');
    const receipt = await waitUntil(() => h.receipt(conv.id, id), 'a receipt');
    expect(receipt).toMatchObject({ status: 'failed', code: '21610', reason: expect.stringContaining('opted out') });
  });

  it('links a status callback that overtook the API answer, through our message id in the callback URL', async () => {
    await h.sims.twilio.customerSends(CUSTOMER, 'Hello');
    const conv = await h.summaryOf('sms');
    h.sims.twilio.dropNextAnswer();
    const id = await h.reply(conv.id, 'Answer lost');
    const sent = await waitUntil(() => h.sims.twilio.sent[0]);
    await h.sims.twilio.emitStatus(sent.sid, 'sent');
    await waitUntil(async () => (await h.receipt(conv.id, id))?.status === 'sent', 'sent');
    await waitUntil(async () => h.app.server.channels.ledger.outbound(id)?.state === 'accepted', 'accepted');
    // The retry with the same idempotency key does not send it twice.
    expect(h.sims.twilio.sent).toHaveLength(1);
  });
});
