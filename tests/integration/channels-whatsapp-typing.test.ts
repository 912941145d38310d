import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentDoc, conversationDoc } from '../../shared/ids.ts';
import { type ChannelHarness, WS, startChannelHarness } from '../helpers/channelHarness.ts';
import { waitUntil } from '../helpers/waitUntil.ts';

const ANA = '16505551234';

describe('WhatsApp typing indicator and mark-as-read through the Cloud API simulator', () => {
  let h: ChannelHarness;

  beforeEach(async () => {
    h = await startChannelHarness();
    h.sims.whatsapp.addCustomer(ANA, 'Ana Pérez');
  });
  afterEach(async () => {
    await h.dispose();
  });

  it('an agent reading the conversation marks the customer messages read (blue ticks), once', async () => {
    await h.sims.whatsapp.customerSends(ANA, 'First', 'wamid.FIRST');
    await h.sims.whatsapp.customerSends(ANA, 'Second', 'wamid.SECOND');
    const summary = await waitUntil(async () => {
      const s = await h.summaryOf('whatsapp');
      return s.inboundCount === 2 ? s : null;
    });
    const { doc } = await h.app.openDoc(agentDoc(WS, h.agentId), h.token);
    // Read only the first message: only it (and what came before) is marked.
    doc.getMap<number>('read').set(summary.id, 1);
    await waitUntil(() => h.sims.whatsapp.marksRead.includes('wamid.FIRST'), 'first marked read');
    const line = (wamid: string) => h.sims.whatsapp.threads.get(ANA)?.find((l) => l.wamid === wamid);
    expect(line('wamid.FIRST')?.readByBusiness).toBe(true);
    expect(line('wamid.SECOND')?.readByBusiness).toBeUndefined();

    doc.getMap<number>('read').set(summary.id, 2);
    await waitUntil(() => line('wamid.SECOND')?.readByBusiness === true, 'second marked read');
    // The same read mark again (another device) costs nothing more.
    doc.getMap<number>('read').set(summary.id, 2);
    await h.app.server.docs.read(agentDoc(WS, h.agentId), () => null);
    expect(h.sims.whatsapp.marksRead).toEqual(['wamid.FIRST', 'wamid.SECOND']);
    expect(h.sims.whatsapp.typingIndicators).toEqual([]);
  });

  it('an agent typing a reply sends the typing indicator on the latest customer message, throttled', async () => {
    await h.sims.whatsapp.customerSends(ANA, 'Where is my parcel?', 'wamid.LATEST');
    const summary = await h.summaryOf('whatsapp');
    const { provider } = await h.app.openDoc(conversationDoc(WS, summary.id), h.token);
    provider.awareness.setLocalState({ viewing: summary.id, typing: true, composing: 'reply' });
    await waitUntil(() => h.sims.whatsapp.typingIndicators.length === 1, 'typing indicator');
    expect(h.sims.whatsapp.typingIndicators[0]).toMatchObject({ messageId: 'wamid.LATEST', to: ANA });
    expect(h.sims.whatsapp.isTypingShown(ANA)).toBe(true);
    // The indicator also marks the message read (the API does both at once).
    expect(h.sims.whatsapp.threads.get(ANA)?.[0]?.readByBusiness).toBe(true);

    // Stopping and starting again within 20 s sends nothing more.
    provider.awareness.setLocalState({ viewing: summary.id, typing: false });
    provider.awareness.setLocalState({ viewing: summary.id, typing: true, composing: 'reply' });
    provider.awareness.setLocalState({ viewing: summary.id, typing: false });
    await h.app.server.docs.read(conversationDoc(WS, summary.id), () => null);
    expect(h.sims.whatsapp.typingIndicators).toHaveLength(1);

    // Our reply replaces the indicator on the phone.
    await h.reply(summary.id, 'It arrives tomorrow');
    await waitUntil(() => h.sims.whatsapp.sent.length === 1, 'reply sent');
    expect(h.sims.whatsapp.isTypingShown(ANA)).toBe(false);
  });

  it('the simulator refuses a typing indicator or read mark for a message it never delivered', async () => {
    const res = await fetch(`${h.sims.url}/v21.0/106540352242922/messages`, {
      method: 'POST',
      headers: { authorization: 'Bearer sim_access_token', 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.NOPE', typing_indicator: { type: 'text' } }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(100);
    expect(h.sims.whatsapp.typingIndicators).toEqual([]);
  });
});
