import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RejectReason } from '../../shared/protocol/rejectReasons.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import { DEFAULT_NOTIFICATION_PREFS } from '../../shared/schema/notifications.ts';
import { ClientCopy, createDocHarness, principal, snapshotOf } from '../../tests/helpers/docHarness.ts';
import type { Principal } from '../auth/Principal.ts';
import type { LiveDoc } from '../docs/DocRegistry.ts';

const CONV = 'ws/conv/c1';
const AGENT = 'ws/agent/agent1';
const SETTINGS = 'ws/settings';

const dana = principal();
const lead = principal({ agentId: 'agent2', name: 'Lee Chen', role: 'lead', sessionId: 's-agent2' });
const agent = principal({ agentId: 'agent4', name: 'Sam Patel', role: 'agent', sessionId: 's-agent4' });

const note = (over: Partial<MessageEntry> = {}): MessageEntry => ({
  id: `m${Math.random().toString(36).slice(2, 10)}`,
  kind: 'note',
  author: { type: 'agent', id: dana.agentId },
  text: 'Can you take this, @Sam Patel?',
  createdAt: 1_700_000_000_000,
  ...over,
});

describe('notification write rules', () => {
  let h: ReturnType<typeof createDocHarness>;

  beforeEach(async () => {
    h = createDocHarness();
    await h.registry.change(CONV, 'test-seed', (doc) => {
      doc.getMap('meta').set('channel', 'email');
      doc.getMap('state').set('status', 'open');
    });
    await h.registry.change(SETTINGS, 'test-seed', (doc) => doc.getMap('workspace').set('name', 'Acme Support'));
    await h.registry.change(AGENT, 'test-seed', (doc) => {
      doc.getMap('notifications').set('c1', { id: 'n1', conversationId: 'c1', kind: 'message', title: 'Ana', body: 'Hi', count: 1, burstStart: 1, at: 1 });
    });
  });

  afterEach(async () => {
    await h.close();
  });

  async function expectRefused(live: LiveDoc, update: Uint8Array, who: Principal, reason: RejectReason, rule: string) {
    await h.registry.flush();
    const before = await snapshotOf(h.store, live);
    const result = h.registry.applyClientUpdate(live, update, h.origin(who));
    expect(result).toMatchObject({ ok: false, reason, rule });
    await h.registry.flush();
    expect(await snapshotOf(h.store, live)).toEqual(before);
  }

  async function expectAccepted(live: LiveDoc, update: Uint8Array, who: Principal) {
    const result = h.registry.applyClientUpdate(live, update, h.origin(who));
    expect(result).toMatchObject({ ok: true, changes: true });
    await h.registry.flush();
    return result;
  }

  it('NTF1: refuses a client writing, overwriting or deleting in the notification feed', async () => {
    const live = await h.open(AGENT);
    const item = { id: 'n2', conversationId: 'c2', kind: 'message', title: 'x', body: 'y', count: 1, burstStart: 1, at: 1 };
    await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('notifications').set('c2', item)), dana, 'read-only', 'NTF1');
    await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('notifications').set('c1', item)), dana, 'read-only', 'NTF1');
    await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('notifications').delete('c1')), dana, 'read-only', 'NTF1');
  });

  it('NTF2: accepts valid notification preferences and refuses malformed ones', async () => {
    const live = await h.open(AGENT);
    await expectAccepted(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('prefs').set('notifications', DEFAULT_NOTIFICATION_PREFS)), dana);
    const bad: unknown[] = [
      { ...DEFAULT_NOTIFICATION_PREFS, volume: 2 },
      { ...DEFAULT_NOTIFICATION_PREFS, sounds: { ...DEFAULT_NOTIFICATION_PREFS.sounds, message: 'airhorn' } },
      { ...DEFAULT_NOTIFICATION_PREFS, quietHours: { enabled: true, start: '25:00', end: '07:00', timeZone: 'UTC' } },
      { ...DEFAULT_NOTIFICATION_PREFS, events: { message: { browser: true } } },
      { ...DEFAULT_NOTIFICATION_PREFS, extra: 1 },
      'loud',
    ];
    for (const value of bad) {
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('prefs').set('notifications', value)), dana, 'invalid-value', 'NTF2');
    }
  });

  it('NTF3: workspace notification defaults are set by admins and leads only, and must be valid', async () => {
    const live = await h.open(SETTINGS);
    const defaults = { ...DEFAULT_NOTIFICATION_PREFS, unassigned: true };
    await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('workspace').set('notificationDefaults', defaults)), agent, 'not-allowed', 'SET1');
    await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('workspace').set('notificationDefaults', { volume: 1 })), lead, 'invalid-value', 'NTF3');
    await expectAccepted(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('workspace').set('notificationDefaults', defaults)), lead);
    expect(live.doc.getMap('workspace').get('notificationDefaults')).toEqual(defaults);
  });

  it('CONV7: accepts a note whose mention covers an "@Name" and refuses broken or misplaced mentions', async () => {
    const live = await h.open(CONV);
    await expectAccepted(
      live,
      new ClientCopy(live.doc).edit((doc) => doc.getArray('messages').insert(0, [note({ mentions: [{ agentId: 'agent4', start: 19, end: 29 }] })])),
      dana,
    );
    const bad: unknown[] = [
      note({ mentions: [{ agentId: 'agent4', start: 0, end: 29 }] }),
      note({ mentions: [{ agentId: 'agent4', start: 19, end: 99 }] }),
      note({ kind: 'message', mentions: [{ agentId: 'agent4', start: 19, end: 29 }] }),
      { ...note(), mentions: [{ agentId: 'agent4', start: 19, end: 29, extra: 1 }] },
      { ...note(), mentions: 'agent4' },
    ];
    for (const value of bad) {
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getArray('messages').insert(1, [value])), dana, 'invalid-value', 'CONV7');
    }
  });
});
