import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationDoc, indexDoc } from '../../shared/ids.ts';
import type { SessionInfo } from '../../shared/protocol/rest.ts';
import type { ContactProfile } from '../../shared/schema/contact.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import { type ConversationSummary, INDEX_ROOTS } from '../../shared/schema/workspaceIndex.ts';
import { ACME_WS, seedAcme } from '../helpers/seedAcme.ts';
import { startApp, type TestApp } from '../helpers/startApp.ts';

const WS = ACME_WS;

describe('contact profiles and merges (CON1–CON6)', () => {
  let app: TestApp;
  let admin: SessionInfo;
  let lead: SessionInfo;
  let agent: SessionInfo;
  let outsider: SessionInfo;

  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${app.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as (Partial<ContactProfile> & { rule?: string; message?: string }) | null };
  };
  const indexContact = (id: string) => app.server.docs.read(indexDoc(WS), (doc) => doc.getMap<ContactProfile>(INDEX_ROOTS.contacts).get(id) ?? null);
  const summary = (id: string) => app.server.docs.read(indexDoc(WS), (doc) => doc.getMap<ConversationSummary>(INDEX_ROOTS.conversations).get(id) ?? null);
  const create = (channel: 'webchat' | 'whatsapp' | 'email' | 'sms', contact: { id: string; name: string; phone?: string; email?: string }) =>
    app.server.conversations.createConversation({ workspaceId: WS, channel, contact });

  beforeAll(async () => {
    app = await startApp();
    ({ admin, lead, agent, outsider } = await seedAcme(app));
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('creates a profile with the first conversation, mirrored live in the index', async () => {
    const meta = await create('whatsapp', { id: 'k-ana', name: 'Ana Pérez', phone: '16505551234' });
    expect(meta.contact).toMatchObject({ id: 'k-ana', name: 'Ana Pérez' });
    expect(await indexContact('k-ana')).toMatchObject({
      id: 'k-ana',
      name: 'Ana Pérez',
      phone: '+16505551234',
      attributes: {},
      identities: expect.arrayContaining([{ kind: 'phone', value: '+16505551234' }, { kind: 'id', value: 'k-ana' }]),
    });
  });

  it('the same phone on another channel is the same contact', async () => {
    const meta = await create('sms', { id: 'k-ana-sms', name: '+16505551234', phone: '+1 650 555 1234' });
    expect(meta.contact.id).toBe('k-ana');
    expect(meta.contact.name).toBe('Ana Pérez');
    expect(await indexContact('k-ana-sms')).toBeNull();
  });

  it('CON3: any member edits a profile; the index, the history and the conversation names follow', async () => {
    const conv = await create('webchat', { id: 'k-maya', name: 'Maya T' });
    const r = await post('/api/contacts/update', { contactId: 'k-maya', changes: { name: 'Maya Thompson', firstName: 'Maya', company: 'Northwind', attributes: { plan: 'Pro' } } }, agent.token);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'Maya Thompson', firstName: 'Maya', company: 'Northwind', attributes: { plan: 'Pro' }, updatedBy: agent.agent.id });
    expect(await indexContact('k-maya')).toMatchObject({ company: 'Northwind', attributes: { plan: 'Pro' } });
    await app.server.conversations.idle();
    expect((await summary(conv.id))?.contactName).toBe('Maya Thompson');
    const metaName = await app.server.docs.read(conversationDoc(WS, conv.id), (doc) => (doc.getMap('meta').get('contact') as { name: string }).name);
    expect(metaName).toBe('Maya Thompson');
    expect(app.server.contacts.historyOf(WS, 'k-maya').map((h) => h.action)).toEqual(['created', 'updated']);

    // Clearing: an empty string removes a field, a null attribute is removed.
    const cleared = await post('/api/contacts/update', { contactId: 'k-maya', changes: { company: '', attributes: { plan: null } } }, agent.token);
    expect(cleared.body?.company).toBeUndefined();
    expect(cleared.body?.attributes).toEqual({});
  });

  it('CON2: refuses malformed, unknown or oversized changes and changes nothing', async () => {
    await create('webchat', { id: 'k-jonas', name: 'Jonas Berg' });
    const before = await indexContact('k-jonas');
    const bad = [
      { contactId: 'k-jonas', changes: { email: 'not-an-email' } },
      { contactId: 'k-jonas', changes: { phone: 'call me' } },
      { contactId: 'k-jonas', changes: { name: '' } },
      { contactId: 'k-jonas', changes: { role: 'admin' } },
      { contactId: 'k-jonas', changes: { attributes: { 'Bad Key': 'x' } } },
      { contactId: 'k-jonas', changes: { attributes: { note: 'x'.repeat(501) } } },
      { contactId: 'k-jonas', changes: { attributes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`a${i}`, 'x'])) } },
      { contactId: 'k-jonas', changes: { company: { nested: true } } },
      { contactId: '../index', changes: {} },
    ];
    for (const body of bad) {
      const r = await post('/api/contacts/update', body, agent.token);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.body?.rule).toBe('CON2');
    }
    // Many attributes, each allowed, but together over the limit.
    for (let i = 0; i < 5; i++) {
      const batch = Object.fromEntries(Array.from({ length: 10 }, (_, j) => [`k${i}_${j}`, 'v']));
      expect((await post('/api/contacts/update', { contactId: 'k-jonas', changes: { attributes: batch } }, agent.token)).status).toBe(200);
    }
    const over = await post('/api/contacts/update', { contactId: 'k-jonas', changes: { attributes: { one_more: 'v' } } }, agent.token);
    expect(over.status).toBe(400);
    expect(over.body?.rule).toBe('CON2');
    expect((await indexContact('k-jonas'))?.name).toBe(before?.name);
    expect((await post('/api/contacts/update', 'not json', agent.token)).status).toBe(400);
  });

  it('CON3: another workspace’s member or no session cannot edit', async () => {
    const before = await indexContact('k-ana');
    const r = await post('/api/contacts/update', { contactId: 'k-ana', changes: { company: 'Hacked' } }, outsider.token);
    expect(r.status).toBe(404);
    expect(r.body?.rule).toBe('CON3');
    expect((await post('/api/contacts/update', { contactId: 'k-ana', changes: { company: 'Hacked' } })).status).toBe(401);
    expect(await indexContact('k-ana')).toEqual(before);
  });

  it('CON5: an email that identifies another contact is not taken over by an edit', async () => {
    await create('email', { id: 'k-priya', name: 'Priya Nair', email: 'priya@example.com' });
    const before = await indexContact('k-jonas');
    const r = await post('/api/contacts/update', { contactId: 'k-jonas', changes: { email: 'Priya@Example.com' } }, agent.token);
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ rule: 'CON5', message: expect.stringContaining('Priya Nair') });
    expect(await indexContact('k-jonas')).toEqual(before);
  });

  it('CON4: an agent cannot merge contacts; nothing changes', async () => {
    const before = [await indexContact('k-ana'), await indexContact('k-priya')];
    const r = await post('/api/contacts/merge', { targetId: 'k-priya', sourceId: 'k-ana' }, agent.token);
    expect(r.status).toBe(403);
    expect(r.body?.rule).toBe('CON4');
    expect([await indexContact('k-ana'), await indexContact('k-priya')]).toEqual(before);
  });

  it('CON6: refuses merging a contact into itself or an unknown one', async () => {
    expect((await post('/api/contacts/merge', { targetId: 'k-ana', sourceId: 'k-ana' }, lead.token)).body?.rule).toBe('CON6');
    const unknown = await post('/api/contacts/merge', { targetId: 'k-ana', sourceId: 'k-nobody' }, lead.token);
    expect(unknown.status).toBe(404);
    expect(unknown.body?.rule).toBe('CON6');
    expect(await indexContact('k-ana')).not.toBeNull();
  });

  it('a lead merges WhatsApp and email: one profile, every conversation shows it, history recorded, identities kept', async () => {
    await post('/api/contacts/update', { contactId: 'k-ana', changes: { company: 'Trail Co', attributes: { tier: 'gold' } } }, agent.token);
    await post('/api/contacts/update', { contactId: 'k-priya', changes: { attributes: { tier: 'silver', city: 'Pune' } } }, agent.token);
    const convs = await app.server.docs.read(indexDoc(WS), (doc) =>
      [...doc.getMap<ConversationSummary>(INDEX_ROOTS.conversations).values()].filter((s) => s.contactId === 'k-ana' || s.contactId === 'k-priya').map((s) => s.id),
    );
    expect(convs).toHaveLength(3);

    const r = await post('/api/contacts/merge', { targetId: 'k-priya', sourceId: 'k-ana' }, lead.token);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 'k-priya', name: 'Priya Nair', email: 'priya@example.com', phone: '+16505551234', company: 'Trail Co', attributes: { tier: 'silver', city: 'Pune' } });
    expect(r.body?.identities).toEqual(expect.arrayContaining([{ kind: 'phone', value: '+16505551234' }, { kind: 'email', value: 'priya@example.com' }, { kind: 'id', value: 'k-ana' }]));
    expect(await indexContact('k-ana')).toBeNull();
    await app.server.conversations.idle();
    for (const id of convs) {
      expect(await summary(id)).toMatchObject({ contactId: 'k-priya', contactName: 'Priya Nair' });
      const last = await app.server.docs.read(conversationDoc(WS, id), (doc) => doc.getArray<MessageEntry>('messages').toArray().at(-1));
      expect(last).toMatchObject({ kind: 'event', event: 'contact-merged', text: expect.stringContaining('Lee Chen') });
    }
    expect(app.server.contacts.historyOf(WS, 'k-priya').map((h) => h.action)).toContain('merged');

    // New inbound on any identity finds the merged contact.
    expect((await create('sms', { id: 'k-new-1', name: '+16505551234', phone: '+16505551234' })).contact.id).toBe('k-priya');
    expect((await create('webchat', { id: 'k-ana', name: 'Visitor' })).contact.id).toBe('k-priya');
    expect((await create('email', { id: 'k-new-2', name: 'P', email: 'PRIYA@example.com' })).contact.id).toBe('k-priya');
    // The merged-away contact can no longer be edited.
    expect((await post('/api/contacts/update', { contactId: 'k-ana', changes: { company: 'X' } }, admin.token)).status).toBe(404);
  });

  it('backfills profiles for conversations from before profiles existed', async () => {
    await app.server.docs.change(indexDoc(WS), 'test', (doc) =>
      doc.getMap(INDEX_ROOTS.conversations).set('old1', { id: 'old1', channel: 'webchat', contactId: 'k-old', contactName: 'Old Timer', status: 'open', assigneeId: null, createdAt: 1, lastActivityAt: 1, lastMessage: null, inboundCount: 0, messageCount: 0 }),
    );
    expect(await app.server.contacts.backfill(WS)).toBe(1);
    expect(await indexContact('k-old')).toMatchObject({ name: 'Old Timer' });
    expect(await app.server.contacts.backfill(WS)).toBe(0);
  });
});
