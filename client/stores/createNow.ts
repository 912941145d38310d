import { type Accessor, createSignal, onCleanup } from 'solid-js';

/** The current time, refreshed every `intervalMs` (relative times in the list stay current). */
export function createNow(intervalMs = 30_000): Accessor<number> {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), intervalMs);
  onCleanup(() => clearInterval(timer));
  return now;
}
