import { type Accessor, createEffect, createMemo, createSignal, on, onCleanup } from 'solid-js';
import type * as Y from 'yjs';
import { availabilityFromPresence, PRESENCE_ROOT } from '../../shared/notifications/availability.ts';
import { type Availability, type DeviceFocus, deviceDelivery, inQuietHours, shiftSummary } from '../../shared/notifications/decide.ts';
import {
  effectivePrefs,
  NOTIFICATION_DEFAULTS_KEY,
  NOTIFICATION_FEED_ROOT,
  NOTIFICATION_PREFS_KEY,
  type NotificationItem,
  type NotificationKind,
  type NotificationPrefs,
  notificationTag,
  SUMMARY_TAG,
} from '../../shared/schema/notifications.ts';
import type { Workspace } from '../stores/createWorkspace.ts';
import { createSoundPlayer, type SoundPlayer } from './createSoundPlayer.ts';
import { createNotificationPermission, type PermissionStatus } from './notificationPermission.ts';
import { closeSystemNotifications, showSystemNotification } from './showSystemNotification.ts';

export interface Toast {
  id: string;
  title: string;
  body: string;
  /** Where "Open" leads; null for the summary (the inbox). */
  conversationId: string | null;
  kind: NotificationKind | 'summary';
}

export interface NotifierStore {
  permission: Accessor<PermissionStatus>;
  /** Asks the browser for permission (from the explainer's "Enable" button only). */
  requestPermission(): Promise<PermissionStatus>;
  prefs: Accessor<NotificationPrefs>;
  availability: Accessor<Availability>;
  toasts: Accessor<readonly Toast[]>;
  dismissToast(id: string): void;
  sound: SoundPlayer;
}

const TOAST_MS = 8_000;

/** Whether this window is focused (and visible), reactively. */
function createWindowFocus(): Accessor<boolean> {
  const focused = () => typeof document !== 'undefined' && document.visibilityState === 'visible' && document.hasFocus();
  const [value, setValue] = createSignal(focused());
  const update = () => setValue(focused());
  if (typeof window !== 'undefined') {
    window.addEventListener('focus', update);
    window.addEventListener('blur', update);
    document.addEventListener('visibilitychange', update);
    onCleanup(() => {
      window.removeEventListener('focus', update);
      window.removeEventListener('blur', update);
      document.removeEventListener('visibilitychange', update);
    });
  }
  return value;
}

/**
 * This device's side of notifications (docs/notifications.md). The server writes one item per
 * conversation into the agent document's feed (NTF1, NTF4–NTF6, NTF8); here each change is
 * presented as the pure `deviceDelivery` decides (NTF7, NTF9): nothing for the conversation the
 * focused window shows, a toast when focused elsewhere, a system notification in the background,
 * a sound for the first event of a burst. What arrived while the app was closed, or while the
 * agent was Offline, becomes one summary once the documents are in step (NTF10).
 */
export function createNotifier(w: Workspace, opts: { selectedId: Accessor<string | null>; open: (url: string) => void }): NotifierStore {
  const me = w.session.agent.id;
  const { permission, request } = createNotificationPermission();
  const sound = createSoundPlayer();
  const focused = createWindowFocus();
  const prefs = createMemo(() => effectivePrefs(w.agent.prefs[NOTIFICATION_PREFS_KEY], w.settings[NOTIFICATION_DEFAULTS_KEY]));
  const [presence, setPresence] = createSignal<unknown>(undefined);
  createEffect(() => {
    const handle = w.index.handle();
    if (!handle || !handle.loaded()) return;
    const map = handle.doc().getMap(PRESENCE_ROOT);
    const read = () => setPresence(map.get(me));
    read();
    map.observe(read);
    onCleanup(() => map.unobserve(read));
  });
  const availability = createMemo(() => availabilityFromPresence(presence()));
  const [toasts, setToasts] = createSignal<readonly Toast[]>([]);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  onCleanup(() => {
    for (const t of timers.values()) clearTimeout(t);
  });

  const dismissToast = (id: string) => {
    const t = timers.get(id);
    if (t) clearTimeout(t);
    timers.delete(id);
    setToasts((list) => list.filter((x) => x.id !== id));
  };
  const toast = (t: Toast) => {
    setToasts((list) => [...list.filter((x) => x.id !== t.id), t].slice(-4));
    const old = timers.get(t.id);
    if (old) clearTimeout(old);
    timers.set(
      t.id,
      setTimeout(() => dismissToast(t.id), TOAST_MS),
    );
  };

  const focusOf = (conversationId: string | null): DeviceFocus =>
    !focused() ? 'background' : conversationId !== null && opts.selectedId() === conversationId ? 'this-conversation' : 'app';

  /**
   * Several tabs of the app in one browser all see the feed: one of them presents each item (a
   * Web Lock per item), a focused tab first (the others wait a moment), so one sound plays and
   * a tab showing the conversation can decide "nothing".
   */
  const once = (itemId: string, run: () => void) => {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (!locks) return run();
    const claim = () =>
      locks
        .request(`switchboard-notify:${itemId}`, { ifAvailable: true }, async (lock) => {
          if (!lock) return;
          run();
          // Held a while, so a slower tab's request finds it taken.
          await new Promise((resolve) => setTimeout(resolve, 10_000));
        })
        .catch(() => undefined);
    if (focused()) void claim();
    else setTimeout(() => void claim(), 300);
  };

  const present = (item: NotificationItem) => once(item.id, () => presentHere(item));
  const presentHere = (item: NotificationItem) => {
    const p = prefs();
    const delivery = deviceDelivery(item, p, { focus: focusOf(item.conversationId), now: Date.now(), permission: permission(), availability: availability() });
    if (delivery.sound) void sound.play(p.sounds[item.kind], p.volume);
    const id = notificationTag(item.conversationId);
    if (delivery.toast) toast({ id, title: item.title, body: item.body, conversationId: item.conversationId, kind: item.kind });
    if (delivery.system) {
      void showSystemNotification({ title: item.title, body: item.body, tag: id, renotify: item.count === 1, url: `/c/${item.conversationId}` }, opts.open);
    }
  };

  // ---- the feed -------------------------------------------------------------------------------
  /** Feed item ids already shown (or summarised) on this device. */
  const seen = new Map<string, string>();
  const [settled, setSettled] = createSignal(false);
  createEffect(() => {
    const doc = w.agent.handle.doc();
    if (!w.agent.loaded()) return;
    const feed = doc.getMap<NotificationItem>(NOTIFICATION_FEED_ROOT);
    const observer = (event: Y.YMapEvent<NotificationItem>) => {
      for (const key of event.keysChanged) {
        const item = feed.get(key);
        if (!item || seen.get(key) === item.id) continue;
        seen.set(key, item.id);
        if (settled()) present(item);
      }
    };
    for (const [key, item] of feed.entries()) seen.set(key, item.id);
    feed.observe(observer);
    onCleanup(() => feed.unobserve(observer));
  });

  // ---- the start-of-shift summary (NTF10) ---------------------------------------------------
  const summarise = () => {
    const summary = shiftSummary({ conversations: w.index.conversations.values(), read: { ...w.agent.read } }, me, prefs());
    if (!summary) return;
    const p = prefs();
    const quiet = inQuietHours(p.quietHours, Date.now());
    const title = 'While you were away';
    if (!focused() && permission() === 'granted' && !quiet) {
      void showSystemNotification({ title, body: summary.text, tag: SUMMARY_TAG, renotify: true, url: '/' }, opts.open);
    } else {
      toast({ id: SUMMARY_TAG, title, body: summary.text, conversationId: null, kind: 'summary' });
    }
    if (!quiet && p.events.message.sound) void sound.play(p.sounds.message, p.volume);
  };
  createEffect(() => {
    if (settled() || !w.agent.handle.synced() || !w.index.synced() || !w.index.docLoaded()) return;
    // Everything in the feed by now happened while this device was away: one summary.
    const feed = w.agent.handle.doc().getMap<NotificationItem>(NOTIFICATION_FEED_ROOT);
    for (const [key, item] of feed.entries()) seen.set(key, item.id);
    setSettled(true);
    if (availability() !== 'offline') summarise();
  });
  // Coming back Online after being Offline: the same summary, not a flood.
  createEffect(
    on(availability, (now, before) => {
      if (settled() && before === 'offline' && now !== 'offline') summarise();
    }),
  );

  // Opening a conversation clears its notification here (and its toast).
  createEffect(() => {
    const id = opts.selectedId();
    if (!id || !focused()) return;
    const tag = notificationTag(id);
    dismissToast(tag);
    void closeSystemNotifications(tag);
  });

  // A push that arrives while a window is focused is shown in-app (client/sw/sw.ts, NTF7).
  if (typeof navigator !== 'undefined' && navigator.serviceWorker) {
    const onMessage = (event: MessageEvent) => {
      const data = event.data as { type?: string; payload?: { tag?: string; title?: string; body?: string; url?: string; kind?: NotificationKind } } | null;
      if (data?.type !== 'push' || !data.payload?.tag) return;
      const conversationId = data.payload.url?.startsWith('/c/') ? data.payload.url.slice(3) : null;
      if (focusOf(conversationId) === 'this-conversation') return;
      toast({ id: data.payload.tag, title: data.payload.title ?? 'Switchboard', body: data.payload.body ?? '', conversationId, kind: data.payload.kind ?? 'message' });
    };
    navigator.serviceWorker.addEventListener('message', onMessage);
    onCleanup(() => navigator.serviceWorker.removeEventListener('message', onMessage));
  }

  return { permission, requestPermission: request, prefs, availability, toasts, dismissToast, sound };
}
