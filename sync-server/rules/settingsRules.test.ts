import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { RejectReason } from '../../shared/protocol/rejectReasons.ts';
import type { CannedResponse, QuickReply } from '../../shared/schema/settings.ts';
import { ClientCopy, createDocHarness, principal, snapshotOf } from '../../tests/helpers/docHarness.ts';
import type { Principal } from '../auth/Principal.ts';
import type { LiveDoc } from '../docs/DocRegistry.ts';

const SETTINGS = 'ws/settings';
const agent = principal();
const lead = principal({ agentId: 'agent2', name: 'Lee Chen', role: 'lead', sessionId: 's-agent2' });
const admin = principal({ agentId: 'agent3', name: 'Ada Admin', role: 'admin', sessionId: 's-agent3' });

const reply = (over: Partial<QuickReply> = {}): QuickReply => ({
  id: 'qr1',
  name: 'Greeting',
  shortcut: 'hi',
  category: 'Greetings',
  text: 'Hi {{first_name|there}}, thanks for reaching out!',
  order: 1,
  ...over,
});
const canned = (over: Partial<CannedResponse> = {}): CannedResponse => ({
  id: 'cr1',
  title: 'Return policy',
  category: 'Orders',
  body: 'Hi **{{first_name|there}}**,\n\n- Returns are free within 30 days\n- [Start a return](https://acme.test/returns)',
  order: 1,
  ...over,
});

describe('settings rules: quick replies and canned responses', () => {
  let h: ReturnType<typeof createDocHarness>;
  let live: LiveDoc;

  beforeEach(async () => {
    h = createDocHarness();
    await h.registry.change(SETTINGS, 'test-seed', (doc) => {
      doc.getMap('workspace').set('name', 'Acme Support');
      doc.getMap('quickReplies').set('qr1', reply());
      doc.getMap('cannedResponses').set('cr1', canned());
      doc.getMap('usage').set('qr1', { total: 3, byAgent: { agent1: 3 }, lastUsedAt: 1 });
    });
    live = await h.open(SETTINGS);
  });

  afterEach(async () => {
    await h.close();
  });

  async function expectRefused(update: Uint8Array, who: Principal, reason: RejectReason, rule: string) {
    await h.registry.flush();
    const before = await snapshotOf(h.store, live);
    const result = h.registry.applyClientUpdate(live, update, h.origin(who));
    expect(result).toMatchObject({ ok: false, reason, rule });
    await h.registry.flush();
    expect(await snapshotOf(h.store, live)).toEqual(before);
    return result;
  }

  function expectAccepted(update: Uint8Array, who: Principal) {
    expect(h.registry.applyClientUpdate(live, update, h.origin(who))).toMatchObject({ ok: true, changes: true });
  }

  const edit = (fn: (doc: Y.Doc) => void) => new ClientCopy(live.doc).edit(fn);

  it('SET1: refuses an agent creating, editing or deleting a quick reply with a clear reason, and leaves the doc unchanged', async () => {
    const create = await expectRefused(edit((d) => d.getMap('quickReplies').set('qr2', reply({ id: 'qr2' }))), agent, 'not-allowed', 'SET1');
    expect(create).toMatchObject({ detail: expect.stringContaining('only by admins and leads') });
    await expectRefused(edit((d) => d.getMap('quickReplies').set('qr1', reply({ text: 'changed' }))), agent, 'not-allowed', 'SET1');
    await expectRefused(edit((d) => d.getMap('quickReplies').delete('qr1')), agent, 'not-allowed', 'SET1');
    await expectRefused(edit((d) => d.getMap('cannedResponses').delete('cr1')), agent, 'not-allowed', 'SET1');
    expect(live.doc.getMap('quickReplies').get('qr1')).toEqual(reply());
  });

  it('SET1: lets leads and admins create, edit, reorder and delete entries', () => {
    expectAccepted(edit((d) => d.getMap('quickReplies').set('qr2', reply({ id: 'qr2', name: 'Thanks', shortcut: 'thx' }))), lead);
    expectAccepted(edit((d) => d.getMap('quickReplies').set('qr1', reply({ order: 5 }))), admin);
    expectAccepted(edit((d) => d.getMap('cannedResponses').set('cr2', canned({ id: 'cr2', title: 'Shipping' }))), admin);
    expectAccepted(edit((d) => d.getMap('cannedResponses').delete('cr1')), lead);
    expect(Object.keys(live.doc.getMap('quickReplies').toJSON()).sort()).toEqual(['qr1', 'qr2']);
    expect(live.doc.getMap('quickReplies').get('qr1')).toMatchObject({ order: 5 });
    expect(Object.keys(live.doc.getMap('cannedResponses').toJSON())).toEqual(['cr2']);
  });

  it('SET2: refuses a quick reply with a malformed template, naming the problem, even from an admin', async () => {
    const result = await expectRefused(edit((d) => d.getMap('quickReplies').set('qr1', reply({ text: 'Hi {{first_name' }))), admin, 'invalid-value', 'SET2');
    expect(result).toMatchObject({ detail: expect.stringContaining('never closed') });
  });

  it('SET2: refuses an unknown variable at save time', async () => {
    const result = await expectRefused(edit((d) => d.getMap('cannedResponses').set('cr1', canned({ body: 'Dear {{frist_name}}' }))), admin, 'invalid-value', 'SET2');
    expect(result).toMatchObject({ detail: expect.stringContaining('unknown variable "frist_name"') });
  });

  it('SET2: refuses entries that do not match the schema or are stored under another id', async () => {
    await expectRefused(edit((d) => d.getMap('quickReplies').set('qr9', reply())), admin, 'invalid-value', 'SET2');
    await expectRefused(edit((d) => d.getMap('quickReplies').set('qr3', { ...reply({ id: 'qr3' }), extra: 1 })), admin, 'invalid-value', 'SET2');
    await expectRefused(edit((d) => d.getMap('quickReplies').set('qr3', reply({ id: 'qr3', name: '' }))), admin, 'invalid-value', 'SET2');
    await expectRefused(edit((d) => d.getMap('quickReplies').set('qr3', reply({ id: 'qr3', shortcut: 'Has Space' }))), admin, 'invalid-value', 'SET2');
    await expectRefused(edit((d) => d.getMap('cannedResponses').set('cr3', 'just a string')), admin, 'invalid-value', 'SET2');
    await expectRefused(edit((d) => d.getMap('cannedResponses').set('bad key!', canned({ id: 'bad key!' }))), admin, 'invalid-value', 'SET2');
    await expectRefused(edit((d) => d.getMap('quickReplies').set('qr3', new Y.Map())), admin, 'unexpected-type', 'SET2');
  });

  it('SET3: refuses any client write to usage counts, even an admin inflating its own', async () => {
    await expectRefused(edit((d) => d.getMap('usage').set('qr1', { total: 999, byAgent: { agent3: 999 }, lastUsedAt: 2 })), admin, 'read-only', 'SET3');
    await expectRefused(edit((d) => d.getMap('usage').delete('qr1')), lead, 'read-only', 'SET3');
    expect(live.doc.getMap('usage').get('qr1')).toMatchObject({ total: 3 });
  });
});
