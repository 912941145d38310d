/** Runs `fn` once the browser has painted the current frame (or soon, where there are no frames). */
export function afterPaint(fn: () => void): void {
  if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && document.visibilityState === 'visible') {
    requestAnimationFrame(() => setTimeout(fn, 0));
  } else setTimeout(fn, 0);
}
