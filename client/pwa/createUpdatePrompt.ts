import { type Accessor, createSignal } from 'solid-js';
import { registerSW } from 'virtual:pwa-register';

export interface UpdatePrompt {
  needRefresh: Accessor<boolean>;
  /** Activates the waiting service worker and reloads. */
  update(): void;
  dismiss(): void;
}

/** Registers the service worker and exposes "a new version is waiting". */
export function createUpdatePrompt(): UpdatePrompt {
  const [needRefresh, setNeedRefresh] = createSignal(false);
  let updateSW: ((reload?: boolean) => Promise<void>) | null = null;
  if (typeof navigator !== 'undefined' && 'serviceWorker' in navigator) {
    updateSW = registerSW({
      immediate: true,
      onNeedRefresh: () => setNeedRefresh(true),
      onRegisterError: () => undefined,
    });
  }
  return {
    needRefresh,
    update: () => {
      if (!updateSW) return;
      // Reload once the waiting worker has taken over. Not workbox-window's own reload: it reloads
      // only when the page had a controller when it registered, so a tab open since the very first
      // install (no controller then) would activate the new version and never reload.
      navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload(), { once: true });
      void updateSW(false);
    },
    dismiss: () => setNeedRefresh(false),
  };
}
