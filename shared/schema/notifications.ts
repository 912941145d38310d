import { IdSchema, z } from '../zod.ts';

/**
 * Notification preferences and the notification feed (docs/notifications.md).
 *
 * Preferences live in the agent document's `prefs` map under `notifications` (one plain value,
 * replaced whole, synced to all of the agent's devices: NTF2), and the workspace defaults that
 * new agents start from in the settings document's `workspace` map under
 * `notificationDefaults` (admins and leads: SET1; shape: NTF3).
 *
 * The feed is the agent document's `notifications` root, a Y.Map written only by the server
 * (NTF1): conversation id → the latest NotificationItem of that conversation. One key per
 * conversation is what coalesces a burst: 20 messages update one item (and one notification
 * with the same tag) instead of adding 20.
 */

/** The events an agent can be notified of. */
export const NOTIFICATION_KINDS = ['message', 'assigned', 'mention'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_KIND_LABELS: Record<NotificationKind, string> = {
  message: 'New messages',
  assigned: 'New assignments',
  mention: 'Mentions in internal notes',
};

/** The bundled alert sounds (public/sounds/<id>.wav, synthesised by scripts/generateSounds.ts). */
export const SOUNDS = ['chime', 'ping', 'pop', 'bell', 'knock'] as const;
export type SoundId = (typeof SOUNDS)[number];
export const SOUND_LABELS: Record<SoundId, string> = { chime: 'Chime', ping: 'Ping', pop: 'Pop', bell: 'Bell', knock: 'Knock' };
export const soundUrl = (id: SoundId) => `/sounds/${id}.wav`;

/** Key of the preferences in the agent document's `prefs` map. */
export const NOTIFICATION_PREFS_KEY = 'notifications';
/** Key of the workspace defaults in the settings document's `workspace` map. */
export const NOTIFICATION_DEFAULTS_KEY = 'notificationDefaults';
/** Root of the notification feed in the agent document (server-written, NTF1). */
export const NOTIFICATION_FEED_ROOT = 'notifications';
/** The feed keeps this many conversations; the server drops the oldest beyond it. */
export const MAX_FEED_ITEMS = 100;

const Channels = z.strictObject({ browser: z.boolean(), sound: z.boolean(), push: z.boolean() });
export type ChannelPrefs = z.infer<typeof Channels>;

const HHMM = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'));

export const QuietHoursSchema = z.strictObject({
  enabled: z.boolean(),
  /** Local time (in `timeZone`) when quiet hours start and end; start > end spans midnight. */
  start: HHMM,
  end: HHMM,
  /** IANA time zone name, e.g. Europe/Paris; the agent's browser zone when set. */
  timeZone: z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9_+\-/]+$/)),
});
export type QuietHours = z.infer<typeof QuietHoursSchema>;

export const NotificationPrefsSchema = z.strictObject({
  events: z.strictObject({ message: Channels, assigned: Channels, mention: Channels }),
  sounds: z.strictObject({ message: z.enum(SOUNDS), assigned: z.enum(SOUNDS), mention: z.enum(SOUNDS) }),
  /** 0 (silent) to 1. */
  volume: z.number().check(z.gte(0), z.lte(1)),
  /** Also notify of new messages in conversations nobody is assigned to. */
  unassigned: z.boolean(),
  quietHours: QuietHoursSchema,
});
export type NotificationPrefs = z.infer<typeof NotificationPrefsSchema>;

export const DEFAULT_NOTIFICATION_PREFS: NotificationPrefs = {
  events: {
    message: { browser: true, sound: true, push: true },
    assigned: { browser: true, sound: true, push: true },
    mention: { browser: true, sound: true, push: true },
  },
  sounds: { message: 'chime', assigned: 'bell', mention: 'ping' },
  volume: 0.6,
  unassigned: false,
  quietHours: { enabled: false, start: '22:00', end: '07:00', timeZone: 'UTC' },
};

/**
 * The preferences in force: the agent's own when valid, else the workspace defaults when valid,
 * else the built-in defaults. Invalid stored values (an older client) never break notifying.
 */
export function effectivePrefs(agentValue: unknown, workspaceDefault: unknown): NotificationPrefs {
  const own = NotificationPrefsSchema.safeParse(agentValue);
  if (own.success) return own.data;
  const ws = NotificationPrefsSchema.safeParse(workspaceDefault);
  if (ws.success) return ws.data;
  return DEFAULT_NOTIFICATION_PREFS;
}

/** One conversation's entry in the feed (NTF1): the latest event, coalesced with its burst. */
export const NotificationItemSchema = z.strictObject({
  /** New on every change: tells devices that this item changed since they last showed it. */
  id: IdSchema,
  conversationId: IdSchema,
  kind: z.enum(NOTIFICATION_KINDS),
  /** Notification title, e.g. "Ana Pérez" or "Dana Reyes mentioned you". */
  title: z.string().check(z.maxLength(200)),
  /** At most the preview of the latest message. */
  body: z.string().check(z.maxLength(300)),
  /** Events coalesced into this item since its burst started. */
  count: z.int().check(z.gte(1)),
  /** When the burst started and when the latest event happened (ms). */
  burstStart: z.int().check(z.nonnegative()),
  at: z.int().check(z.nonnegative()),
});
export type NotificationItem = z.infer<typeof NotificationItemSchema>;

/** What a push message carries (encrypted, RFC 8291): no more than the notification itself. */
export interface PushPayload {
  tag: string;
  title: string;
  body: string;
  /** Path to open on click: /c/<conversationId>. */
  url: string;
  kind: NotificationKind;
  count: number;
  /** False for an update of a burst already shown: replace silently. */
  renotify: boolean;
}

/** The notification tag of a conversation: one notification per conversation, updated in place. */
export const notificationTag = (conversationId: string) => `conv:${conversationId}`;
export const SUMMARY_TAG = 'summary';
