import { type Accessor, createMemo, createSignal, onCleanup, onMount, untrack } from 'solid-js';

export interface RowWindowOptions {
  /** How many rows the list has. */
  count: Accessor<number>;
  /** Every row is this tall (px). */
  rowHeight: number;
  /** Rows rendered beyond each edge of the viewport, once the list has been scrolled. */
  overscan: number;
  /** The scrolling element (set by a ref, read once mounted). */
  scroller: () => HTMLElement | undefined;
}

export interface RowWindow {
  /** Indexes to render: [start, end). */
  range: Accessor<{ start: number; end: number }>;
  totalSize: Accessor<number>;
  /** Scrolls so the row is in view ('auto': only if it is not; 'center': centred). */
  scrollToIndex(index: number, align: 'auto' | 'center'): void;
}

/**
 * Which rows of a fixed-row-height list are in view. Pure arithmetic on the scroll position: no
 * per-row measurements (10,000 rows cost nothing) and no layout read while rendering. Until the
 * scroller has been laid out, the viewport is assumed as tall as the window (a few extra rows on
 * the first frame, never a forced layout); a ResizeObserver (called after layout) corrects it.
 */
export function createRowWindow(options: RowWindowOptions): RowWindow {
  const { rowHeight, overscan } = options;
  const [scrollTop, setScrollTop] = createSignal(0);
  // The first frame renders only what is in view (every extra row is layout before the first
  // paint); rows beyond the edges are added at the first scroll.
  const [scrolled, setScrolled] = createSignal(false);
  const [viewport, setViewport] = createSignal(typeof window === 'undefined' ? 800 : window.innerHeight || 800);

  onMount(() => {
    const el = options.scroller();
    if (!el) return;
    const onScroll = () => {
      setScrolled(true);
      setScrollTop(el.scrollTop);
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    let observer: ResizeObserver | null = null;
    if (typeof ResizeObserver === 'function') {
      observer = new ResizeObserver(() => {
        // Layout is clean when observers run: reading sizes here forces nothing. Before the first
        // scroll the estimate only grows: shrinking it would change the DOM (and lay it out
        // again) right before the first paint, to remove rows nobody sees.
        const height = el.clientHeight;
        if (height > 0) setViewport((current) => (untrack(scrolled) ? height : Math.max(current, height)));
        setScrollTop(el.scrollTop);
      });
      observer.observe(el);
    }
    onCleanup(() => {
      el.removeEventListener('scroll', onScroll);
      observer?.disconnect();
    });
  });

  const range = createMemo(
    () => {
      const count = options.count();
      const top = scrollTop();
      const first = Math.floor(top / rowHeight);
      const last = Math.ceil((top + viewport()) / rowHeight);
      const extra = scrolled() ? overscan : 0;
      return { start: Math.max(0, Math.min(count, first - extra)), end: Math.max(0, Math.min(count, last + extra)) };
    },
    { start: 0, end: 0 },
    { equals: (a, b) => a.start === b.start && a.end === b.end },
  );

  return {
    range,
    totalSize: () => options.count() * rowHeight,
    scrollToIndex(index, align) {
      const el = options.scroller();
      if (!el) return;
      const top = index * rowHeight;
      const height = el.clientHeight || viewport();
      let next: number | null = null;
      if (align === 'center') next = top - (height - rowHeight) / 2;
      else if (top < el.scrollTop) next = top;
      else if (top + rowHeight > el.scrollTop + height) next = top + rowHeight - height;
      if (next === null) return;
      el.scrollTop = Math.max(0, next);
      setScrolled(true);
      setScrollTop(el.scrollTop);
    },
  };
}
