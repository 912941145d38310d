import { type Accessor, createSignal, onCleanup } from 'solid-js';

/** Whether a CSS media query matches, live (false where matchMedia does not exist). */
export function createMediaQuery(query: string): Accessor<boolean> {
  if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return () => false;
  const list = window.matchMedia(query);
  const [matches, setMatches] = createSignal(list.matches);
  const onChange = (e: MediaQueryListEvent) => setMatches(e.matches);
  list.addEventListener('change', onChange);
  onCleanup(() => list.removeEventListener('change', onChange));
  return matches;
}

/** Where the sidebar is a bar above the list (inbox.css: up to 1100px wide). */
export const COMPACT_LAYOUT = '(max-width: 1100px)';
