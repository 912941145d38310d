import { navigate } from '../router/router.ts';

/** A notification click asks the open window to show a conversation (see client/sw/sw.ts). */
export function listenForServiceWorker(): void {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('message', (event) => {
    const data = event.data as { type?: string; url?: string } | null;
    if (data?.type === 'open' && typeof data.url === 'string' && data.url.startsWith('/')) navigate(data.url);
  });
}
