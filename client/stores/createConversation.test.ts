import { createRoot } from 'solid-js';
import { afterEach, describe, expect, it } from 'vitest';
import { conversationDoc } from '../../shared/ids.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import { SyncClient } from '../sync/SyncClient.ts';
import { FakeSyncServer, ManualTimers } from '../sync/testing/FakeSyncServer.ts';
import { createConversation } from './createConversation.ts';

const ME = 'agent1';
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function settle(server: FakeSyncServer) {
  for (let i = 0; i < 5; i++) {
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    server.flush();
  }
}

function open(channel: 'webchat' | 'whatsapp') {
  const server = new FakeSyncServer();
  const timers = new ManualTimers();
  server.change(conversationDoc('ws', 'c1'), (doc) => {
    const meta = doc.getMap('meta');
    meta.set('id', 'c1');
    meta.set('channel', channel);
    meta.set('contact', { id: 'k1', name: 'Kim' });
  });
  const client = new SyncClient({ url: () => 'ws://test/sync', agentId: ME, createSocket: server.createSocket, window: null, timers, now: () => timers.time, releaseDelayMs: 0 });
  client.start();
  const conv = createRoot((dispose) => {
    cleanups.push(() => {
      dispose();
      client.destroy();
    });
    return createConversation(client, 'ws', 'c1', ME);
  });
  return { server, conv };
}

const reply = (conv: ReturnType<typeof createConversation>, text: string): MessageEntry => {
  const sent = conv.send('message', text);
  if (!sent.ok) throw new Error(sent.reason);
  return sent.entry;
};

describe('createConversation: the delivery state under an agent message', () => {
  it('webchat (stored is sent): Queued until the server has it, then Sent without a receipt', async () => {
    const { server, conv } = open('webchat');
    await settle(server);
    server.acknowledge = false;
    const entry = reply(conv, 'On its way');
    await settle(server);
    expect(conv.deliveryOf(entry)).toBeUndefined(); // queued: the server has not said it is stored
    server.acknowledge = true;
    reply(conv, 'Tracking number follows');
    await settle(server);
    expect(conv.deliveryOf(entry)).toEqual({ status: 'sent' });
  });

  it('WhatsApp: Queued until the server has it, Sending while it hands it over, then what the receipt says', async () => {
    const { server, conv } = open('whatsapp');
    await settle(server);
    server.acknowledge = false;
    const entry = reply(conv, 'Hello from the shop');
    await settle(server);
    expect(conv.deliveryOf(entry)).toBeUndefined();
    server.acknowledge = true;
    reply(conv, 'We open at nine');
    await settle(server);
    expect(conv.deliveryOf(entry)).toEqual({ status: 'sending' });
    server.change(conversationDoc('ws', 'c1'), (doc) => doc.getMap('receipts').set(entry.id, { status: 'delivered', at: 5 }));
    await settle(server);
    expect(conv.deliveryOf(entry)).toEqual({ status: 'delivered', at: 5 });
  });

  it('an internal note has no delivery state', async () => {
    const { server, conv } = open('whatsapp');
    await settle(server);
    const sent = conv.send('note', 'Customer is a VIP');
    await settle(server);
    expect(sent.ok && conv.deliveryOf(sent.entry)).toBeUndefined();
  });
});
