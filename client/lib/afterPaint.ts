/** Runs `fn` once the browser has painted the current frame (or soon, where there are no frames). */
export function afterPaint(fn: () => void): void {
  if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && document.visibilityState === 'visible') {
    requestAnimationFrame(() => setTimeout(fn, 0));
  } else setTimeout(fn, 0);
}

/**
 * Runs `fn` at the first idle moment at least `afterMs` from now (start-up is over by then: the
 * page is also idle while it waits for IndexedDB, before its first paint), within `timeoutMs`.
 */
export function whenIdle(fn: () => void, afterMs = 1000, timeoutMs = 2000): void {
  setTimeout(() => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => fn(), { timeout: timeoutMs });
    else fn();
  }, afterMs);
}
