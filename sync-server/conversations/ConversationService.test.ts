import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as Y from 'yjs';
import { FakeDocHost, agentPrincipal } from '../../tests/helpers/fakeDocHost.ts';
import type { Channel } from '../../shared/channels/capabilities.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';
import { silentLogger } from '../ops/log.ts';
import type { ChannelAdapter, DeliveryOutcome, DeliveryTarget } from './ChannelAdapter.ts';
import { ConversationService } from './ConversationService.ts';

const WS = 'ws';
const dana = agentPrincipal({ agentId: 'dana', name: 'Dana Reyes' });

class RecordingAdapter implements ChannelAdapter {
  readonly delivered: Array<{ target: DeliveryTarget; message: MessageEntry }> = [];
  constructor(
    readonly channel: Channel = 'webchat',
    private readonly outcomes: DeliveryOutcome[] = [],
  ) {}
  async deliver(target: DeliveryTarget, message: MessageEntry): Promise<DeliveryOutcome> {
    this.delivered.push({ target, message });
    return this.outcomes.shift() ?? { status: 'sent' };
  }
}

function setup(opts: { db?: Database.Database; docs?: FakeDocHost; clock?: () => number; retryDelaysMs?: number[] } = {}) {
  const docs = opts.docs ?? new FakeDocHost();
  const db = opts.db ?? new Database(':memory:');
  const service = new ConversationService({
    db,
    docs,
    logger: silentLogger(),
    now: opts.clock ?? (() => 1_000_000),
    agentName: (id) => ({ sam: 'Sam Patel' })[id] ?? null,
    retryDelaysMs: opts.retryDelaysMs ?? [1000],
  });
  service.start();
  const summary = (id: string) => docs.doc(`${WS}/index`).getMap<ConversationSummary>('conversations').get(id);
  const messages = (id: string) => docs.doc(`${WS}/conv/${id}`).getArray<MessageEntry>('messages').toArray();
  const receipt = (id: string, messageId: string) => docs.doc(`${WS}/conv/${id}`).getMap<{ status: string }>('receipts').get(messageId)?.status;
  return { docs, db, service, summary, messages, receipt };
}

const contact = { id: 'visitor1', name: 'Ada Lovelace' };

function agentAppend(docs: FakeDocHost, convId: string, entry: Partial<MessageEntry> & { id: string }) {
  return docs.clientChange(`${WS}/conv/${convId}`, dana, (doc: Y.Doc) => {
    const arr = doc.getArray('messages');
    arr.insert(arr.length, [{ kind: 'message', author: { type: 'agent', id: 'dana' }, text: 'Hello', createdAt: 999_000, ...entry }]);
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ConversationService', () => {
  it('creates a conversation document and its summary in the index at once', async () => {
    const { service, docs, summary } = setup();
    const meta = await service.createConversation({ workspaceId: WS, channel: 'webchat', contact });
    const conv = docs.doc(`${WS}/conv/${meta.id}`);
    expect(conv.getMap('meta').toJSON()).toEqual({ id: meta.id, channel: 'webchat', contact, createdAt: 1_000_000, assigneeId: null });
    expect(conv.getMap('state').get('status')).toBe('open');
    expect(summary(meta.id)).toEqual({
      id: meta.id,
      channel: 'webchat',
      contactId: 'visitor1',
      contactName: 'Ada Lovelace',
      status: 'open',
      assigneeId: null,
      createdAt: 1_000_000,
      lastActivityAt: 1_000_000,
      lastMessage: null,
      inboundCount: 0,
      messageCount: 0,
    });
  });

  it('appends a contact message and updates preview, counts and activity time', async () => {
    let now = 1_000_000;
    const { service, summary, messages } = setup({ clock: () => now });
    const { id } = await service.createConversation({ workspaceId: WS, channel: 'webchat', contact });
    now += 5000;
    const long = 'x'.repeat(500);
    const result = await service.appendContactMessage({ workspaceId: WS, conversationId: id, key: 'k1', text: long });
    expect(result.ok).toBe(true);
    expect(messages(id)).toHaveLength(1);
    expect(messages(id)[0]).toMatchObject({ kind: 'message', author: { type: 'contact', id: 'visitor1' }, text: long, createdAt: 1_005_000 });
    const s = summary(id);
    expect(s).toMatchObject({ inboundCount: 1, messageCount: 1, lastActivityAt: 1_005_000 });
    expect(s?.lastMessage?.text.length).toBe(140);
    expect(s?.lastMessage).toMatchObject({ authorType: 'contact', at: 1_005_000 });
  });

  it('keeps when the contact started waiting (first unanswered message) until an agent replies', async () => {
    let now = 1_000_000;
    const { service, docs, summary } = setup({ clock: () => now });
    const { id } = await service.createConversation({ workspaceId: WS, channel: 'webchat', contact });
    await service.appendContactMessage({ workspaceId: WS, conversationId: id, key: 'w1', text: 'Hello?' });
    now += 60_000;
    await service.appendContactMessage({ workspaceId: WS, conversationId: id, key: 'w2', text: 'Anyone?' });
    expect(summary(id)?.waitingSince).toBe(1_000_000);
    agentAppend(docs, id, { id: 'r1', text: 'Here!', createdAt: now });
    await service.idle();
    expect(summary(id)?.waitingSince).toBeNull();
    now += 1000;
    await service.appendContactMessage({ workspaceId: WS, conversationId: id, key: 'w3', text: 'Thanks' });
    expect(summary(id)?.waitingSince).toBe(now);
  });

  it('a burst of replies waiting for one summary write keeps the order of a contact message between them', async () => {
    const now = 1_000_000;
    const docs = new FakeDocHost();
    const service = new ConversationService({ db: new Database(':memory:'), docs, logger: silentLogger(), now: () => now, agentName: () => null, summaryDelayMs: 60_000 });
    service.start();
    const summary = (id: string) => docs.doc(`${WS}/index`).getMap<ConversationSummary>('conversations').get(id);
    const { id } = await service.createConversation({ workspaceId: WS, channel: 'webchat', contact });
    // Two replies wait for a shared summary write (60 s window).
    agentAppend(docs, id, { id: 'r1', text: 'First reply', createdAt: now - 3000 });
    agentAppend(docs, id, { id: 'r2', text: 'Second reply', createdAt: now - 2000 });
    // The contact writes; its summary write (with the replies before it) is held up...
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    const change = docs.change.bind(docs);
    docs.change = async (name, actor, fn) => {
      if (name === `${WS}/index` && !held) {
        held = true;
        await gate;
      }
      return change(name, actor, fn);
    };
    const contactWrote = service.appendContactMessage({ workspaceId: WS, conversationId: id, key: 'w1', text: 'Still there?' });
    await vi.waitUntil(() => held);
    // ...while an agent answers: that reply comes after the contact's message, not with the first two.
    agentAppend(docs, id, { id: 'r3', text: 'Yes!', createdAt: now });
    release();
    await contactWrote;
    await service.idle();
    expect(summary(id)).toMatchObject({ lastMessage: { text: 'Yes!', authorType: 'agent' }, waitingSince: null, messageCount: 4 });
    await service.close();
  });

  it('a summary write that fails does not keep later replies from the list', async () => {
    const docs = new FakeDocHost();
    const service = new ConversationService({ db: new Database(':memory:'), docs, logger: silentLogger(), now: () => 1_000_000, agentName: () => null, summaryDelayMs: 10 });
    service.start();
    const summary = (id: string) => docs.doc(`${WS}/index`).getMap<ConversationSummary>('conversations').get(id);
    const { id } = await service.createConversation({ workspaceId: WS, channel: 'webchat', contact });
    const change = docs.change.bind(docs);
    let failNext = true;
    docs.change = async (name, actor, fn) => {
      if (name === `${WS}/index` && failNext) {
        failNext = false;
        throw new Error('disk full');
      }
      return change(name, actor, fn);
    };
    agentAppend(docs, id, { id: 'r1', text: 'Lost in the failed write', createdAt: 999_000 });
    await service.idle();
    expect(summary(id)?.lastMessage).toBeNull();
    agentAppend(docs, id, { id: 'r2', text: 'Shown', createdAt: 999_500 });
    await service.idle();
    expect(summary(id)?.lastMessage).toMatchObject({ text: 'Shown', authorType: 'agent' });
    await service.close();
  });

  it('WEB2: stores a contact message once per key, also when both copies arrive together', async () => {
    const { service, summary, messages } = setup();
    const { id } = await service.createConversation({ workspaceId: WS, channel: 'webchat', contact });
    const [a, b] = await Promise.all([
      service.appendContactMessage({ workspaceId: WS, conversationId: id, key: 'web:v1:abc', text: 'Hi' }),
      service.appendContactMessage({ workspaceId: WS, conversationId: id, key: 'web:v1:abc', text: 'Hi' }),
    ]);
    const c = await service.appendContactMessage({ workspaceId: WS, conversationId: id, key: 'web:v1:abc', text: 'Hi' });
    expect(messages(id)).toHaveLength(1);
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (!a.ok || !b.ok || !c.ok) return;
    expect(a.value.duplicate).toBe(false);
    expect(b.value).toEqual({ message: a.value.message, duplicate: true });
    expect(c.value.message.id).toBe(a.value.message.id);
    expect(summary(id)?.inboundCount).toBe(1);
  });

  it('refuses a contact message to an unknown conversation or with empty text', async () => {
    const { service } = setup();
    expect(await service.appendContactMessage({ workspaceId: WS, conversationId: 'nope', key: 'k', text: 'Hi' })).toMatchObject({ ok: false, error: 'not-found' });
    expect(await service.appendContactMessage({ workspaceId: WS, conversationId: 'nope', key: 'k', text: '  ' })).toMatchObject({ ok: false, error: 'invalid-input' });
  });

  it('reopens a resolved conversation when the contact writes, with a history line', async () => {
    const { service, summary, messages, docs } = setup();
    const { id } = await service.createConversation({ workspaceId: WS, channel: 'webchat', contact });
    await service.setStatus(WS, id, 'resolved', 'Dana Reyes');
    expect(summary(id)?.status).toBe('resolved');
    await service.appendContactMessage({ workspaceId: WS, conversationId: id, key: 'k2', text: 'Still broken' });
    expect(docs.doc(`${WS}/conv/${id}`).getMap('state').get('status')).toBe('open');
    expect(summary(id)?.status).toBe('open');
    expect(messages(id).map((m) => [m.kind, m.event ?? null, m.kind === 'event' ? m.text : null])).toEqual([
      ['event', 'resolved', 'Resolved by Dana Reyes'],
      ['message', null, null],
      ['event', 'reopened', 'Reopened: new message from Ada Lovelace'],
    ]);
    expect(summary(id)?.messageCount).toBe(3);
  });

  it('writes receipts forward only', async () => {
    const { service, receipt } = setup();
    const { id } = await service.createConversation({ workspaceId: WS, channel: 'webchat', contact });
    expect(await service.setReceipt(WS, id, 'm1', { status: 'delivered' })).toBe(true);
    expect(await service.setReceipt(WS, id, 'm1', { status: 'sent' })).toBe(false);
    expect(receipt(id, 'm1')).toBe('delivered');
    expect(await service.setReceipt(WS, id, 'm1', { status: 'read' })).toBe(true);
    expect(await service.setReceipt(WS, id, 'm1', { status: 'failed', code: 'x', reason: 'y' })).toBe(false);
    expect(receipt(id, 'm1')).toBe('read');
  });

  it("updates the summary when an agent's message arrives from a client, and hands it to the channel once", async () => {
    const { service, docs, summary, receipt } = setup();
    const adapter = new RecordingAdapter();
    service.registerChannel(adapter);
    const { id } = await service.createConversation({ workspaceId: WS, channel: 'webchat', contact });
    const event = agentAppend(docs, id, { id: 'reply1', text: 'How can I help?', createdAt: 1_000_500 });
    await service.idle();
    expect(summary(id)).toMatchObject({
      messageCount: 1,
      inboundCount: 0,
      lastActivityAt: 1_000_000, // the author's clock ran ahead of the server's: capped at now
      lastMessage: { text: 'How can I help?', authorType: 'agent', at: 1_000_000 },
    });
    expect(adapter.delivered.map((d) => [d.message.id, d.target.contact.id])).toEqual([['reply1', 'visitor1']]);
    expect(receipt(id, 'reply1')).toBe('sent');
    // The same entry reported again (a replayed update) is not delivered again.
    docs.emit(event);
    await service.idle();
    expect(adapter.delivered.map((d) => d.message.id)).toEqual(['reply1']);
  });

  it('CONV4: never hands a note to the channel, and a note does not become the preview', async () => {
    const { service, docs, summary, receipt } = setup();
    const adapter = new RecordingAdapter();
    service.registerChannel(adapter);
    const { id } = await service.createConversation({ workspaceId: WS, channel: 'webchat', contact });
    await service.appendContactMessage({ workspaceId: WS, conversationId: id, key: 'k', text: 'Where is my order?' });
    agentAppend(docs, id, { id: 'note1', kind: 'note', text: 'Check the warehouse', createdAt: 999_999 });
    await service.idle();
    expect(adapter.delivered).toEqual([]);
    expect(receipt(id, 'note1')).toBeUndefined();
    expect(summary(id)?.lastMessage?.text).toBe('Where is my order?');
    expect(summary(id)?.messageCount).toBe(2);
  });

  it('writes "Resolved by" and "Reopened by" history lines when an agent changes the status', async () => {
    const { service, docs, summary, messages } = setup();
    const { id } = await service.createConversation({ workspaceId: WS, channel: 'webchat', contact });
    docs.clientChange(`${WS}/conv/${id}`, dana, (doc) => doc.getMap('state').set('status', 'resolved'));
    docs.clientChange(`${WS}/conv/${id}`, dana, (doc) => doc.getMap('state').set('status', 'open'));
    await service.idle();
    expect(messages(id).map((m) => m.text)).toEqual(['Resolved by Dana Reyes', 'Reopened by Dana Reyes']);
    expect(summary(id)).toMatchObject({ status: 'open', messageCount: 2 });
  });

  it('assigns with a history line and the assignee in meta and summary', async () => {
    const { service, docs, summary, messages } = setup();
    const { id } = await service.createConversation({ workspaceId: WS, channel: 'webchat', contact });
    await service.assign(WS, id, 'sam');
    expect(docs.doc(`${WS}/conv/${id}`).getMap('meta').get('assigneeId')).toBe('sam');
    expect(summary(id)?.assigneeId).toBe('sam');
    expect(messages(id).at(-1)).toMatchObject({ kind: 'event', event: 'assigned', text: 'Assigned to Sam Patel' });
  });

  it('ignores updates to documents that are not server-created conversations', async () => {
    const { service, docs } = setup();
    const adapter = new RecordingAdapter();
    service.registerChannel(adapter);
    agentAppend(docs, 'benchroom', { id: 'm1' });
    await service.idle();
    expect(adapter.delivered).toEqual([]);
    expect(docs.doc(`${WS}/index`).getMap('conversations').size).toBe(0);
  });

  it('keeps a message pending until its channel exists, and delivers it once after a restart', async () => {
    const db = new Database(':memory:');
    const docs = new FakeDocHost();
    const first = setup({ db, docs });
    const { id } = await first.service.createConversation({ workspaceId: WS, channel: 'whatsapp', contact });
    agentAppend(docs, id, { id: 'offline1' });
    await first.service.close();
    expect(first.receipt(id, 'offline1')).toBeUndefined();

    const second = setup({ db, docs });
    const adapter = new RecordingAdapter('whatsapp');
    second.service.registerChannel(adapter);
    await second.service.idle();
    expect(adapter.delivered.map((d) => d.message.id)).toEqual(['offline1']);
    expect(second.receipt(id, 'offline1')).toBe('sent');
    await second.service.close();

    const third = setup({ db, docs });
    const again = new RecordingAdapter('whatsapp');
    third.service.registerChannel(again);
    await third.service.idle();
    expect(again.delivered).toEqual([]);
  });

  it('records an agent message that arrives during shutdown, and delivers it after the restart', async () => {
    const db = new Database(':memory:');
    const docs = new FakeDocHost();
    const first = setup({ db, docs });
    const early = new RecordingAdapter();
    first.service.registerChannel(early);
    const { id } = await first.service.createConversation({ workspaceId: WS, channel: 'webchat', contact });
    await first.service.close();
    agentAppend(docs, id, { id: 'late1' });
    await first.service.idle();
    expect(early.delivered).toEqual([]);
    first.service.detach();

    const second = setup({ db, docs });
    const adapter = new RecordingAdapter();
    second.service.registerChannel(adapter);
    await second.service.idle();
    expect(adapter.delivered.map((d) => d.message.id)).toEqual(['late1']);
  });

  it('retries a temporary failure later and fails the message when retries run out', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { service, docs, receipt } = setup({ retryDelaysMs: [1000] });
    const adapter = new RecordingAdapter('webchat', [
      { status: 'retry', reason: 'provider down' },
      { status: 'delivered' },
      { status: 'retry', reason: 'provider down' },
      { status: 'retry', reason: 'still down' },
    ]);
    service.registerChannel(adapter);
    const { id } = await service.createConversation({ workspaceId: WS, channel: 'webchat', contact });
    agentAppend(docs, id, { id: 'm1' });
    await service.idle();
    expect(receipt(id, 'm1')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1000);
    await service.idle();
    expect(receipt(id, 'm1')).toBe('delivered');

    agentAppend(docs, id, { id: 'm2' });
    await service.idle();
    await vi.advanceTimersByTimeAsync(1000);
    await service.idle();
    expect(docs.doc(`${WS}/conv/${id}`).getMap('receipts').get('m2')).toMatchObject({ status: 'failed', code: 'retries-exhausted', reason: 'still down' });
  });

  it('writes a permanent failure with its code and reason', async () => {
    const { service, docs } = setup();
    service.registerChannel(new RecordingAdapter('webchat', [{ status: 'failed', code: 'bounced', reason: 'Mailbox does not exist' }]));
    const { id } = await service.createConversation({ workspaceId: WS, channel: 'webchat', contact });
    agentAppend(docs, id, { id: 'm1' });
    await service.idle();
    expect(docs.doc(`${WS}/conv/${id}`).getMap('receipts').get('m1')).toMatchObject({ status: 'failed', code: 'bounced', reason: 'Mailbox does not exist' });
  });
});

/** The webchat kind of channel: the contact reads the conversation from the server. */
class StoredChannelAdapter extends RecordingAdapter {
  readonly sentWhenStored = true;
}

describe('ConversationService, a channel whose contact reads the conversation from us (sentWhenStored)', () => {
  it('DLV1: writes no sent receipt (stored is sent), pushes the message once, and keeps no outbox row', async () => {
    const { service, docs, db, summary, receipt } = setup();
    const adapter = new StoredChannelAdapter();
    service.registerChannel(adapter);
    const { id } = await service.createConversation({ workspaceId: WS, channel: 'webchat', contact });
    const changesBefore = docs.serverChanges.length;
    const event = agentAppend(docs, id, { id: 'reply1', text: 'On its way' });
    await service.idle();
    expect(adapter.delivered.map((d) => d.message.id)).toEqual(['reply1']);
    expect(summary(id)?.lastMessage?.text).toBe('On its way');
    // Its sender learns from the `stored` acknowledgement that it is sent, everyone else from
    // having it: no receipt, and no change of its own to the conversation; only the index summary.
    expect(receipt(id, 'reply1')).toBeUndefined();
    expect(docs.serverChanges.slice(changesBefore).map(([name]) => name)).toEqual([`${WS}/index`]);
    expect(db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
    // The same entry reported again is not pushed again by the outbox either.
    docs.emit(event);
    await service.idle();
    expect(db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
  });

  it('writes what the push reached beyond sent: delivered, or failed with its reason', async () => {
    const { service, docs, receipt } = setup();
    service.registerChannel(
      new StoredChannelAdapter('webchat', [{ status: 'delivered' }, { status: 'failed', code: 'unknown-visitor', reason: 'This webchat visitor no longer exists' }]),
    );
    const { id } = await service.createConversation({ workspaceId: WS, channel: 'webchat', contact });
    agentAppend(docs, id, { id: 'm1' });
    await service.idle();
    expect(receipt(id, 'm1')).toBe('delivered');
    agentAppend(docs, id, { id: 'm2' });
    await service.idle();
    expect(docs.doc(`${WS}/conv/${id}`).getMap('receipts').get('m2')).toMatchObject({ status: 'failed', code: 'unknown-visitor' });
  });

  it('CONV4: a note gets no receipt and is not pushed', async () => {
    const { service, docs, receipt } = setup();
    const adapter = new StoredChannelAdapter();
    service.registerChannel(adapter);
    const { id } = await service.createConversation({ workspaceId: WS, channel: 'webchat', contact });
    agentAppend(docs, id, { id: 'note1', kind: 'note', text: 'internal' });
    await service.idle();
    expect(receipt(id, 'note1')).toBeUndefined();
    expect(adapter.delivered).toEqual([]);
  });
});
