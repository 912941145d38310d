import type { Author } from '../schema/message.ts';
import type { NotificationItem, NotificationKind, NotificationPrefs, QuietHours } from '../schema/notifications.ts';

/**
 * Who gets notified of what, and how: pure functions, shared by the server (which decides who
 * is concerned and sends Web Push) and the client (which decides, per device, between a system
 * notification, a sound, an in-app toast or nothing). Rules: docs/notifications.md (NTF4–NTF10).
 */

/** An agent's availability as presence reports it; only Offline silences notifications. */
export type Availability = 'online' | 'away' | 'offline';

/** Something that happened in a conversation, as the server saw it. */
export type Activity =
  | {
      type: 'entry';
      conversationId: string;
      /** `message` (contact or agent reply) or `note` (internal). History events never notify. */
      kind: 'message' | 'note';
      author: Author;
      /** Display name of the author (contact name or agent name). */
      authorName: string;
      contactName: string;
      text: string;
      at: number;
      /** The conversation's assignee when the entry arrived. */
      assigneeId: string | null;
      /** Agents mentioned (notes only). */
      mentions: readonly string[];
    }
  | {
      type: 'assigned';
      conversationId: string;
      contactName: string;
      assigneeId: string;
      /** Who assigned it: an agent, or null for the server (routing). */
      byAgentId: string | null;
      byName: string | null;
      at: number;
    };

export interface Member {
  id: string;
  active: boolean;
}

export interface RecipientContext {
  members: readonly Member[];
  prefsOf(agentId: string): NotificationPrefs;
  availabilityOf(agentId: string): Availability;
}

export interface Recipient {
  agentId: string;
  kind: NotificationKind;
}

/** Who is concerned by an activity, with the kind of notification each one gets. */
export function recipientsOf(activity: Activity, ctx: RecipientContext): Recipient[] {
  const actor = actorOf(activity);
  const active = new Set(ctx.members.filter((m) => m.active).map((m) => m.id));
  const out = new Map<string, NotificationKind>();
  const add = (agentId: string, kind: NotificationKind) => {
    // NTF5: nothing for my own actions. NTF6: nothing while Offline. Only active members.
    if (agentId === actor || !active.has(agentId) || out.has(agentId)) return;
    if (ctx.availabilityOf(agentId) === 'offline') return;
    out.set(agentId, kind);
  };
  if (activity.type === 'assigned') {
    add(activity.assigneeId, 'assigned');
  } else if (activity.kind === 'note') {
    // A mention is stronger than the message itself: a mentioned assignee gets "mention".
    for (const id of activity.mentions) add(id, 'mention');
  } else if (activity.assigneeId) {
    add(activity.assigneeId, 'message');
  } else {
    for (const m of ctx.members) if (ctx.prefsOf(m.id).unassigned) add(m.id, 'message');
  }
  return [...out].map(([agentId, kind]) => ({ agentId, kind }));
}

/** Who caused the activity (an agent's id), or null for a contact or the system (NTF5 never notifies the actor). */
export const actorOf = (a: Activity): string | null =>
  a.type === 'assigned' ? a.byAgentId : a.author.type === 'agent' ? a.author.id : null;

/** Title and body of the notification for one recipient (body: at most a preview). */
export function describe(activity: Activity, kind: NotificationKind): { title: string; body: string } {
  if (activity.type === 'assigned') {
    return {
      title: `Assigned to you: ${activity.contactName}`,
      body: activity.byName ? `${activity.byName} assigned you the conversation with ${activity.contactName}` : `New conversation with ${activity.contactName}`,
    };
  }
  const preview = previewText(activity.text);
  if (kind === 'mention') return { title: `${activity.authorName} mentioned you`, body: `${activity.contactName}: ${preview}` };
  const title = activity.author.type === 'contact' ? activity.contactName : `${activity.authorName} · ${activity.contactName}`;
  return { title, body: preview };
}

export const BODY_PREVIEW = 140;
export const previewText = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > BODY_PREVIEW ? `${flat.slice(0, BODY_PREVIEW - 1)}…` : flat;
};

/** A burst ends after this long without an event in the conversation. */
export const BURST_GAP_MS = 2 * 60_000;

/**
 * NTF8: folds an event into the conversation's feed item. Within a burst (events less than
 * BURST_GAP_MS apart) the item is updated, with a count, instead of notifying again.
 */
export function coalesce(
  previous: NotificationItem | undefined,
  next: { id: string; conversationId: string; kind: NotificationKind; title: string; body: string; at: number },
): NotificationItem {
  const continues = previous !== undefined && next.at - previous.at < BURST_GAP_MS && next.at >= previous.burstStart;
  const count = continues ? previous.count + 1 : 1;
  // Within a burst the strongest kind stays: a mention is not hidden by the messages after it.
  const kind = continues && rank(previous.kind) > rank(next.kind) ? previous.kind : next.kind;
  const body = count > 1 && next.kind === 'message' && kind === 'message' ? `${count} new messages · ${next.body}` : next.body;
  return {
    id: next.id,
    conversationId: next.conversationId,
    kind,
    title: kind === next.kind ? next.title : previous?.title ?? next.title,
    body: body.slice(0, 300),
    count,
    burstStart: continues ? previous.burstStart : next.at,
    at: next.at,
  };
}

const rank = (k: NotificationKind) => (k === 'mention' ? 2 : k === 'assigned' ? 1 : 0);

/** Whether an item is the first of its burst (alert: sound, renotify) or an update of it (silent). */
export const isFreshBurst = (item: NotificationItem) => item.count === 1;

/** NTF9: whether `now` falls in the quiet hours (local time in their time zone). */
export function inQuietHours(quiet: QuietHours, now: number): boolean {
  if (!quiet.enabled || quiet.start === quiet.end) return false;
  const minutes = localMinutes(now, quiet.timeZone);
  const start = hhmm(quiet.start);
  const end = hhmm(quiet.end);
  return start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}

const hhmm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

function localMinutes(now: number, timeZone: string): number {
  try {
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(now));
    const h = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
    const m = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
    return h * 60 + m;
  } catch {
    const d = new Date(now);
    return d.getUTCHours() * 60 + d.getUTCMinutes();
  }
}

/** Whether the server sends a Web Push for this kind now (NTF9 quiet hours, the push preference). */
export function shouldPush(kind: NotificationKind, prefs: NotificationPrefs, now: number): boolean {
  return prefs.events[kind].push && !inQuietHours(prefs.quietHours, now);
}

/**
 * Where this device's window is: focused on the conversation the notification is about, focused
 * elsewhere in the app, or in the background (hidden, minimised, another window focused).
 */
export type DeviceFocus = 'this-conversation' | 'app' | 'background';

export interface DeviceDelivery {
  /** A system notification (browser / OS). */
  system: boolean;
  sound: boolean;
  /** A toast inside the app. */
  toast: boolean;
}

const NOTHING: DeviceDelivery = { system: false, sound: false, toast: false };

/**
 * How one device presents a feed item (NTF7, NTF8, NTF9): nothing for the conversation the
 * focused window shows; a toast (no system notification) when the window is focused elsewhere;
 * a system notification when it is in the background. Sound only for the first event of a burst,
 * never in quiet hours; quiet hours also hold back system notifications.
 */
export function deviceDelivery(
  item: NotificationItem,
  prefs: NotificationPrefs,
  ctx: { focus: DeviceFocus; now: number; permission: 'granted' | 'denied' | 'default' | 'unsupported'; availability: Availability },
): DeviceDelivery {
  if (ctx.availability === 'offline' || ctx.focus === 'this-conversation') return NOTHING;
  const channels = prefs.events[item.kind];
  const quiet = inQuietHours(prefs.quietHours, ctx.now);
  const fresh = isFreshBurst(item);
  const sound = channels.sound && fresh && !quiet && prefs.volume > 0;
  if (ctx.focus === 'app') return { system: false, sound, toast: true };
  const system = channels.browser && ctx.permission === 'granted' && !quiet;
  return { system, sound, toast: !system };
}

/** Unread contact messages per conversation, as the workspace index and the read marks say. */
export interface UnreadSource {
  conversations: ReadonlyArray<{ id: string; assigneeId: string | null; inboundCount: number; status: string }>;
  read: Readonly<Record<string, number | undefined>>;
}

/**
 * NTF10: the start-of-shift summary, instead of one notification per thing that happened while
 * the app was closed: unread messages in conversations assigned to me (and unassigned ones if I
 * opted in). Null when there is nothing.
 */
export function shiftSummary(
  source: UnreadSource,
  me: string,
  prefs: NotificationPrefs,
): { messages: number; conversations: number; text: string } | null {
  let messages = 0;
  let conversations = 0;
  for (const c of source.conversations) {
    const mine = c.assigneeId === me || (c.assigneeId === null && prefs.unassigned);
    if (!mine) continue;
    const unread = Math.max(0, (Number.isFinite(c.inboundCount) ? c.inboundCount : 0) - (source.read[c.id] ?? 0));
    if (unread === 0) continue;
    messages += unread;
    conversations++;
  }
  if (messages === 0) return null;
  const m = `${messages} new ${messages === 1 ? 'message' : 'messages'}`;
  const c = `${conversations} ${conversations === 1 ? 'conversation' : 'conversations'}`;
  // Says whose: the list beside it counts every conversation's unread messages.
  const whose = prefs.unassigned ? `${c} assigned to you or unassigned` : conversations === 1 ? '1 of your conversations' : `${conversations} of your conversations`;
  return { messages, conversations, text: `${m} in ${whose}` };
}
