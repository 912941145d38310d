/** Performance marks of the start-up path ("sb:…"), readable by perf tests via performance.getEntriesByType('mark'). */
export function mark(name: string): void {
  if (typeof performance !== 'undefined' && typeof performance.mark === 'function') performance.mark(`sb:${name}`);
}
