import { afterEach, describe, expect, it } from 'vitest';
import { conversationDoc, indexDoc, newId } from '../../shared/ids.ts';
import type { Receipt } from '../../shared/schema/delivery.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';
import { type RunningSimulators, simulatorChannelConfig, startSimulators } from '../../sync-server/simulators/startSimulators.ts';
import { type TestApp, startApp } from '../helpers/startApp.ts';
import { waitUntil } from '../helpers/waitUntil.ts';

const WS = 'acme';

describe('provider channels: lost answers and automatic status sequences', () => {
  let app: TestApp;
  let sims: RunningSimulators;

  afterEach(async () => {
    await app.dispose();
    await sims.close();
  });

  async function boot(statusMode: 'auto' | 'manual', idempotencyKeys: boolean) {
    sims = await startSimulators({ switchboardUrl: 'http://127.0.0.1:1', statusMode, stepMs: 5 });
    const config = simulatorChannelConfig(WS, sims.url);
    for (const a of [...config.whatsapp, ...config.twilio]) a.idempotencyKeys = idempotencyKeys;
    app = await startApp({ channels: config });
    sims.setSwitchboardUrl(app.baseUrl);
    app.server.directory.createWorkspace(WS, 'Acme Support');
    await app.server.directory.createAgent({ workspaceId: WS, email: 'dana@example.com', name: 'Dana Reyes', role: 'admin', password: 'switchboard' });
    const session = await app.signIn('dana@example.com', 'switchboard');
    return async (channel: string) => {
      const summary = await waitUntil(
        () => app.server.docs.read(indexDoc(WS), (d) => [...d.getMap<ConversationSummary>('conversations').values()].find((s) => s.channel === channel)),
        'the conversation',
      );
      const { doc } = await app.openDoc(conversationDoc(WS, summary.id), session.token);
      const entry: MessageEntry = { id: newId(), kind: 'message', author: { type: 'agent', id: session.agent.id }, text: 'Reply', createdAt: Date.now() };
      doc.getArray<MessageEntry>('messages').insert(doc.getArray('messages').length, [entry]);
      return { conversationId: summary.id, messageId: entry.id };
    };
  }

  const receipt = (conversationId: string, messageId: string) =>
    app.server.docs.read(conversationDoc(WS, conversationId), (d) => d.getMap<Receipt>('receipts').get(messageId));

  it('marks a send whose answer was lost "outcome-unknown" when the provider takes no idempotency key, without sending twice', async () => {
    const reply = await boot('manual', false);
    await sims.whatsapp.customerSends('16505551234', 'Hello');
    sims.whatsapp.dropNextAnswer();
    const { conversationId, messageId } = await reply('whatsapp');
    const r = await waitUntil(() => receipt(conversationId, messageId), 'a receipt');
    expect(r).toMatchObject({ status: 'failed', code: 'outcome-unknown' });
    expect(sims.whatsapp.sent).toHaveLength(1);
  });

  it('WhatsApp statuses emitted by the simulator itself, shuffled or not, end at read', async () => {
    const reply = await boot('auto', true);
    sims.whatsapp.options.chaos = true;
    await sims.whatsapp.customerSends('16505551234', 'Hello');
    const { conversationId, messageId } = await reply('whatsapp');
    await waitUntil(async () => (await receipt(conversationId, messageId))?.status === 'read', 'read');
  });

  it('SMS callbacks emitted by the simulator for an unreachable handset end failed with 30003', async () => {
    const reply = await boot('auto', true);
    sims.twilio.addCustomer('+14155550100', { outcome: 30003 });
    await sims.twilio.customerSends('+14155550100', 'Hello');
    const { conversationId, messageId } = await reply('sms');
    const r = await waitUntil(async () => {
      const x = await receipt(conversationId, messageId);
      return x?.status === 'failed' ? x : null;
    }, 'failed');
    expect(r.code).toBe('30003');
  });
});
