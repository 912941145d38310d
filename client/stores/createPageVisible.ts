import { type Accessor, createSignal, onCleanup } from 'solid-js';

/** Whether the page is visible (a hidden tab does not mark conversations read). */
export function createPageVisible(): Accessor<boolean> {
  if (typeof document === 'undefined') return () => true;
  const [visible, setVisible] = createSignal(document.visibilityState !== 'hidden');
  const update = () => setVisible(document.visibilityState !== 'hidden');
  document.addEventListener('visibilitychange', update);
  onCleanup(() => document.removeEventListener('visibilitychange', update));
  return visible;
}
