import { type Accessor, createSignal } from 'solid-js';

/**
 * A tiny history router: the path is a signal, `navigate` pushes (or replaces) a history entry.
 * Routes are parsed by `parseRoute`; links are plain <a href> intercepted by `Link`.
 */
const initial = typeof location === 'undefined' ? '/' : location.pathname;
const [path, setPath] = createSignal(initial);

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => setPath(location.pathname));
}

export const currentPath: Accessor<string> = path;

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) {
    setPath(location.pathname);
    return;
  }
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  setPath(location.pathname);
}

export const SETTINGS_SECTIONS = ['quick-replies', 'canned-responses', 'team', 'notifications', 'routing'] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

export type Route =
  | { name: 'inbox' }
  | { name: 'conversation'; id: string }
  | { name: 'settings'; section: SettingsSection; path: string }
  | { name: 'signin' }
  | { name: 'invite' }
  | { name: 'not-found' };

/** Where a settings section lives; `/settings` alone is its first section. */
export const settingsPath = (section: SettingsSection) => `/settings/${section}`;

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { name: 'inbox' };
  if (pathname === '/signin') return { name: 'signin' };
  if (pathname === '/invite') return { name: 'invite' };
  const settings = /^\/settings(?:\/([a-z-]+))?\/?$/.exec(pathname);
  if (settings) {
    const section = (settings[1] ?? SETTINGS_SECTIONS[0]) as SettingsSection;
    return SETTINGS_SECTIONS.includes(section) ? { name: 'settings', section, path: settingsPath(section) } : { name: 'not-found' };
  }
  const match = /^\/c\/([A-Za-z0-9_-]{1,64})\/?$/.exec(pathname);
  if (match?.[1]) return { name: 'conversation', id: match[1] };
  return { name: 'not-found' };
}

/** Whether a click should be left to the browser (new tab, download, modifier keys…). */
export function isPlainLeftClick(event: MouseEvent): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey && !event.defaultPrevented;
}
