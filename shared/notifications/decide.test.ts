import { describe, expect, it } from 'vitest';
import { DEFAULT_NOTIFICATION_PREFS, type NotificationItem, type NotificationPrefs } from '../schema/notifications.ts';
import {
  type Activity,
  type Availability,
  BURST_GAP_MS,
  coalesce,
  describe as describeActivity,
  deviceDelivery,
  inQuietHours,
  recipientsOf,
  shiftSummary,
  shouldPush,
} from './decide.ts';

const prefs = (patch: Partial<NotificationPrefs> = {}): NotificationPrefs => ({ ...DEFAULT_NOTIFICATION_PREFS, ...patch });
const members = [
  { id: 'dana', active: true },
  { id: 'lee', active: true },
  { id: 'sam', active: true },
  { id: 'gone', active: false },
];
const ctx = (opts: { availability?: Record<string, Availability>; unassigned?: string[] } = {}) => ({
  members,
  prefsOf: (id: string) => prefs({ unassigned: opts.unassigned?.includes(id) ?? false }),
  availabilityOf: (id: string) => opts.availability?.[id] ?? 'online',
});

const contactMessage = (assigneeId: string | null, text = 'Where is my order?'): Activity => ({
  type: 'entry',
  conversationId: 'c1',
  kind: 'message',
  author: { type: 'contact', id: 'k1' },
  authorName: 'Ana Pérez',
  contactName: 'Ana Pérez',
  text,
  at: 1_000,
  assigneeId,
  mentions: [],
});
const agentEntry = (author: string, kind: 'message' | 'note', assigneeId: string | null, mentions: string[] = []): Activity => ({
  type: 'entry',
  conversationId: 'c1',
  kind,
  author: { type: 'agent', id: author },
  authorName: author === 'dana' ? 'Dana Reyes' : author,
  contactName: 'Ana Pérez',
  text: 'Looking into it',
  at: 1_000,
  assigneeId,
  mentions,
});
const assigned = (assigneeId: string, byAgentId: string | null): Activity => ({
  type: 'assigned',
  conversationId: 'c1',
  contactName: 'Ana Pérez',
  assigneeId,
  byAgentId,
  byName: byAgentId ? 'Dana Reyes' : null,
  at: 1_000,
});

const item = (patch: Partial<NotificationItem> = {}): NotificationItem => ({
  id: 'n1',
  conversationId: 'c1',
  kind: 'message',
  title: 'Ana Pérez',
  body: 'Hello',
  count: 1,
  burstStart: 1_000,
  at: 1_000,
  ...patch,
});

describe('who gets notified (recipientsOf)', () => {
  it('NTF4: a new message in a conversation notifies its assignee', () => {
    expect(recipientsOf(contactMessage('sam'), ctx())).toEqual([{ agentId: 'sam', kind: 'message' }]);
  });

  it('NTF4: a reply by another agent in my conversation notifies me', () => {
    expect(recipientsOf(agentEntry('dana', 'message', 'sam'), ctx())).toEqual([{ agentId: 'sam', kind: 'message' }]);
  });

  it('NTF4: an unassigned conversation notifies only the agents who opted in', () => {
    expect(recipientsOf(contactMessage(null), ctx())).toEqual([]);
    expect(recipientsOf(contactMessage(null), ctx({ unassigned: ['lee', 'gone'] }))).toEqual([{ agentId: 'lee', kind: 'message' }]);
  });

  it('NTF4: a conversation newly assigned to me notifies me', () => {
    expect(recipientsOf(assigned('sam', 'dana'), ctx())).toEqual([{ agentId: 'sam', kind: 'assigned' }]);
    expect(recipientsOf(assigned('sam', null), ctx())).toEqual([{ agentId: 'sam', kind: 'assigned' }]);
  });

  it('NTF4: an @mention in an internal note notifies the mentioned agents, a mention wins over the message', () => {
    expect(recipientsOf(agentEntry('dana', 'note', 'sam', ['sam', 'lee']), ctx())).toEqual([
      { agentId: 'sam', kind: 'mention' },
      { agentId: 'lee', kind: 'mention' },
    ]);
  });

  it('NTF4: a note without mentions notifies nobody', () => {
    expect(recipientsOf(agentEntry('dana', 'note', 'sam'), ctx())).toEqual([]);
  });

  it('NTF5: nothing for my own actions (my reply, my note mentioning me, taking a conversation myself)', () => {
    expect(recipientsOf(agentEntry('sam', 'message', 'sam'), ctx())).toEqual([]);
    expect(recipientsOf(agentEntry('sam', 'note', 'sam', ['sam']), ctx())).toEqual([]);
    expect(recipientsOf(assigned('sam', 'sam'), ctx())).toEqual([]);
    expect(recipientsOf(agentEntry('lee', 'message', null), ctx({ unassigned: ['lee'] }))).toEqual([]);
  });

  it('NTF6: nothing while Offline; Away still notifies', () => {
    expect(recipientsOf(contactMessage('sam'), ctx({ availability: { sam: 'offline' } }))).toEqual([]);
    expect(recipientsOf(assigned('sam', 'dana'), ctx({ availability: { sam: 'offline' } }))).toEqual([]);
    expect(recipientsOf(agentEntry('dana', 'note', null, ['sam']), ctx({ availability: { sam: 'offline' } }))).toEqual([]);
    expect(recipientsOf(contactMessage('sam'), ctx({ availability: { sam: 'away' } }))).toEqual([{ agentId: 'sam', kind: 'message' }]);
  });

  it('deactivated members are never notified', () => {
    expect(recipientsOf(contactMessage('gone'), ctx())).toEqual([]);
    expect(recipientsOf(agentEntry('dana', 'note', null, ['gone']), ctx())).toEqual([]);
  });
});

describe('what the notification says (describe)', () => {
  it('names the sender and the conversation, and carries only a preview', () => {
    const long = `${'a'.repeat(200)}`;
    const d = describeActivity(contactMessage('sam', long), 'message');
    expect(d.title).toBe('Ana Pérez');
    expect(d.body.length).toBe(140);
    expect(describeActivity(agentEntry('dana', 'message', 'sam'), 'message').title).toBe('Dana Reyes · Ana Pérez');
    expect(describeActivity(agentEntry('dana', 'note', 'sam', ['sam']), 'mention')).toEqual({ title: 'Dana Reyes mentioned you', body: 'Ana Pérez: Looking into it' });
    expect(describeActivity(assigned('sam', 'dana'), 'assigned').title).toBe('Assigned to you: Ana Pérez');
  });
});

describe('bursts (coalesce)', () => {
  const event = (at: number, kind: 'message' | 'mention' = 'message') => ({ id: `n${at}`, conversationId: 'c1', kind, title: 'Ana Pérez', body: `m${at}`, at });

  it('NTF8: 20 messages in a burst make one item that counts them', () => {
    let current: NotificationItem | undefined;
    for (let i = 0; i < 20; i++) current = coalesce(current, event(1_000 + i * 1_000));
    expect(current).toMatchObject({ count: 20, burstStart: 1_000, at: 20_000, body: '20 new messages · m20000' });
  });

  it('NTF8: a gap longer than the burst window starts a new burst', () => {
    const first = coalesce(undefined, event(1_000));
    const next = coalesce(first, event(1_000 + BURST_GAP_MS));
    expect(next).toMatchObject({ count: 1, burstStart: 1_000 + BURST_GAP_MS });
  });

  it('NTF8: a mention within a burst of messages keeps its kind', () => {
    const mention = coalesce(coalesce(undefined, event(1_000)), event(2_000, 'mention'));
    const after = coalesce(mention, event(3_000));
    expect(after.kind).toBe('mention');
    expect(after.count).toBe(3);
  });
});

describe('quiet hours', () => {
  const at = (iso: string) => Date.parse(iso);
  it('NTF9: spans midnight in the agent’s time zone', () => {
    const quiet = { enabled: true, start: '22:00', end: '07:00', timeZone: 'Europe/Paris' };
    expect(inQuietHours(quiet, at('2026-01-15T21:30:00Z'))).toBe(true); // 22:30 in Paris
    expect(inQuietHours(quiet, at('2026-01-15T05:59:00Z'))).toBe(true); // 06:59
    expect(inQuietHours(quiet, at('2026-01-15T06:00:00Z'))).toBe(false); // 07:00
    expect(inQuietHours(quiet, at('2026-01-15T12:00:00Z'))).toBe(false);
    expect(inQuietHours({ ...quiet, enabled: false }, at('2026-01-15T21:30:00Z'))).toBe(false);
  });

  it('NTF9: a daytime range does not wrap', () => {
    const quiet = { enabled: true, start: '12:00', end: '13:00', timeZone: 'UTC' };
    expect(inQuietHours(quiet, at('2026-01-15T12:30:00Z'))).toBe(true);
    expect(inQuietHours(quiet, at('2026-01-15T13:00:00Z'))).toBe(false);
  });

  it('NTF9: no push and no sound or system notification in quiet hours, a silent toast instead', () => {
    const quietPrefs = prefs({ quietHours: { enabled: true, start: '00:00', end: '23:59', timeZone: 'UTC' } });
    const noon = at('2026-01-15T12:00:00Z');
    expect(shouldPush('message', quietPrefs, noon)).toBe(false);
    expect(shouldPush('message', prefs(), noon)).toBe(true);
    expect(deviceDelivery(item(), quietPrefs, { focus: 'background', now: noon, permission: 'granted', availability: 'online' })).toEqual({ system: false, sound: false, toast: true });
  });
});

describe('how a device presents it (deviceDelivery)', () => {
  const base = { now: 1_000, permission: 'granted' as const, availability: 'online' as const };

  it('NTF7: nothing for the conversation the focused window shows', () => {
    expect(deviceDelivery(item(), prefs(), { ...base, focus: 'this-conversation' })).toEqual({ system: false, sound: false, toast: false });
  });

  it('NTF7: a focused window elsewhere in the app gets a toast and a sound, not a system notification', () => {
    expect(deviceDelivery(item(), prefs(), { ...base, focus: 'app' })).toEqual({ system: false, sound: true, toast: true });
  });

  it('a window in the background gets a system notification and a sound', () => {
    expect(deviceDelivery(item(), prefs(), { ...base, focus: 'background' })).toEqual({ system: true, sound: true, toast: false });
  });

  it('without permission the background gets a toast (seen on return) instead of failing silently', () => {
    expect(deviceDelivery(item(), prefs(), { ...base, focus: 'background', permission: 'denied' })).toEqual({ system: false, sound: true, toast: true });
  });

  it('each channel follows its own preference per event kind', () => {
    const p = prefs({
      events: {
        message: { browser: false, sound: true, push: true },
        assigned: { browser: true, sound: false, push: true },
        mention: { browser: true, sound: true, push: false },
      },
    });
    expect(deviceDelivery(item(), p, { ...base, focus: 'background' })).toEqual({ system: false, sound: true, toast: true });
    expect(deviceDelivery(item({ kind: 'assigned' }), p, { ...base, focus: 'background' })).toEqual({ system: true, sound: false, toast: false });
    expect(shouldPush('mention', p, 0)).toBe(false);
    expect(deviceDelivery(item(), prefs({ volume: 0 }), { ...base, focus: 'app' }).sound).toBe(false);
  });

  it('NTF8: an update of a burst already shown makes no sound', () => {
    expect(deviceDelivery(item({ count: 5 }), prefs(), { ...base, focus: 'background' })).toEqual({ system: true, sound: false, toast: false });
  });

  it('NTF6: nothing on a device while its agent is Offline', () => {
    expect(deviceDelivery(item(), prefs(), { ...base, focus: 'background', availability: 'offline' })).toEqual({ system: false, sound: false, toast: false });
  });
});

describe('start-of-shift summary', () => {
  const conversations = [
    { id: 'a', assigneeId: 'sam', inboundCount: 5, status: 'open' },
    { id: 'b', assigneeId: 'sam', inboundCount: 3, status: 'open' },
    { id: 'c', assigneeId: 'lee', inboundCount: 9, status: 'open' },
    { id: 'd', assigneeId: null, inboundCount: 4, status: 'open' },
    { id: 'e', assigneeId: 'sam', inboundCount: 2, status: 'open' },
  ];

  it('NTF10: counts unread messages in my conversations as one summary', () => {
    expect(shiftSummary({ conversations, read: { a: 1, e: 2 } }, 'sam', prefs())).toEqual({ messages: 7, conversations: 2, text: '7 new messages in 2 of your conversations' });
  });

  it('NTF10: includes unassigned conversations when opted in, and says nothing when all is read', () => {
    expect(shiftSummary({ conversations, read: {} }, 'sam', prefs({ unassigned: true }))?.text).toBe('14 new messages in 4 conversations assigned to you or unassigned');
    expect(shiftSummary({ conversations, read: { a: 5, b: 3, e: 2 } }, 'sam', prefs())).toBeNull();
    expect(shiftSummary({ conversations: [conversations[0]!], read: { a: 4 } }, 'sam', prefs())?.text).toBe('1 new message in 1 of your conversations');
  });
});

describe('availability from presence', async () => {
  const { availabilityFromPresence } = await import('./availability.ts');
  it('NTF6: Offline by choice silences; Offline only because every device disconnected does not', () => {
    expect(availabilityFromPresence(undefined)).toBe('online');
    expect(availabilityFromPresence({ status: 'offline', chosen: 'offline', auto: null })).toBe('offline');
    expect(availabilityFromPresence({ status: 'offline', chosen: 'online', auto: 'disconnected' })).toBe('online');
    expect(availabilityFromPresence({ status: 'offline', chosen: 'away', auto: 'disconnected' })).toBe('away');
    expect(availabilityFromPresence({ status: 'away', chosen: 'online', auto: 'idle' })).toBe('away');
  });
});
