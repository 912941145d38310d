/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

/**
 * Switchboard's service worker: precaches the app shell (the build injects the list) and answers
 * every navigation with the cached index.html, so the inbox opens offline after the first load.
 * The documents themselves live in IndexedDB, not here. /demo/, /webchat/, the API and the sync
 * socket are never served from the cache.
 */
declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<PrecacheEntry | string> };

/** Paths that belong to the server or to other apps on the same origin. */
const NOT_THE_APP = [/^\/api\//, /^\/sync(\/|$)/, /^\/webchat(\/|$)/, /^\/demo(\/|$)/, /^\/healthz$/, /^\/metrics$/];

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: NOT_THE_APP }));

// The page asks before a new version takes over (the "A new version is available" prompt).
self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
// The first install takes control at once, so the very first load already works offline next time.
clientsClaim();

/** What a push carries (shared/schema/notifications.ts PushPayload; decrypted by the browser). */
interface PushPayload {
  title?: string;
  body?: string;
  /** Path to open on click, e.g. /c/<conversationId>. */
  url?: string;
  /** One notification per conversation: a burst replaces it (NTF8). */
  tag?: string;
  kind?: string;
  count?: number;
  /** False for an update of a burst already shown: replace silently. */
  renotify?: boolean;
}

/**
 * A Web Push message. With a focused window of the app, it is handed to that window, which shows
 * it in-app (or not at all, if it shows that conversation): no duplicate system notification
 * (NTF7). Otherwise (no tab open, or all in the background) it becomes a system notification.
 */
self.addEventListener('push', (event) => {
  let payload: PushPayload = {};
  try {
    payload = (event.data?.json() ?? {}) as PushPayload;
  } catch {
    payload = { body: event.data?.text() ?? '' };
  }
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const focused = windows.find((c) => c.focused && c.visibilityState === 'visible' && new URL(c.url).origin === self.location.origin);
      if (focused) {
        focused.postMessage({ type: 'push', payload });
        return;
      }
      const options: NotificationOptions & { renotify?: boolean } = {
        body: payload.body ?? '',
        icon: '/icons/icon-192.png',
        badge: '/icons/icon-192.png',
        data: { url: typeof payload.url === 'string' && payload.url.startsWith('/') ? payload.url : '/' },
      };
      if (payload.tag) {
        options.tag = payload.tag;
        if (payload.renotify !== false) options.renotify = true;
      }
      await self.registration.showNotification(payload.title ?? 'Switchboard', options);
    })(),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = (event.notification.data as { url?: string } | null)?.url ?? '/';
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      for (const client of windows) {
        if (new URL(client.url).origin !== self.location.origin) continue;
        // The app routes in place (no reload): see client/pwa/listenForServiceWorker.ts.
        client.postMessage({ type: 'open', url });
        await client.focus();
        return;
      }
      await self.clients.openWindow(url);
    })(),
  );
});
