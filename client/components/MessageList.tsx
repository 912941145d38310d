import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js';
import type { ScrollPosition } from '../../shared/schema/agentDoc.ts';
import type { ShownDelivery } from './DeliveryStatus.tsx';
import type { Author, MessageEntry } from '../../shared/schema/message.ts';
import { dayLabel, sameDay } from '../lib/formatTime.ts';
import { ArrowDownIcon } from './icons.tsx';
import type { Channel } from '../../shared/channels/capabilities.ts';
import { MessageBubble } from './MessageBubble.tsx';

/** Messages rendered at first and added per step when scrolling up. */
export const PAGE = 100;
const NEAR_TOP_PX = 400;
const AT_BOTTOM_PX = 48;

export interface MessageListProps {
  messages: readonly MessageEntry[];
  /** The delivery state shown under an entry (none: queued). */
  deliveryOf: (entry: MessageEntry) => ShownDelivery | undefined;
  authorName: (author: Author) => string;
  me: string;
  now: number;
  /** The conversation's channel (what receipts can say). */
  channel?: Channel | undefined;
  /** Where the agent left this thread (null anchor: at the bottom). */
  initialScroll: ScrollPosition | undefined;
  onScrollPosition: (position: ScrollPosition) => void;
  /** Accessible name of the log. */
  label: string;
}

/**
 * The thread as a `role="log"` list. Only the last PAGE entries are rendered at first (a
 * conversation of 5,000 messages opens as fast as one of 100); scrolling near the top renders
 * the previous page and keeps the view where it was. Stays at the bottom while new messages
 * arrive if it was there; otherwise offers a "New messages" button. The scroll position (anchor
 * message + offset) is reported, debounced, to be kept per conversation.
 */
export function MessageList(props: MessageListProps) {
  let scroller: HTMLDivElement | undefined;
  let list: HTMLOListElement | undefined;

  const initialStart = () => {
    const total = props.messages.length;
    const anchor = props.initialScroll?.anchor;
    let start = Math.max(0, total - PAGE);
    if (anchor) {
      const index = indexOfId(props.messages, anchor);
      if (index >= 0) start = Math.min(start, Math.max(0, index - 20));
    }
    return start;
  };
  const [start, setStart] = createSignal(initialStart());
  const [pinned, setPinned] = createSignal(!props.initialScroll?.anchor);
  const [unseen, setUnseen] = createSignal(0);
  const shown = createMemo(() => props.messages.slice(start()));
  /** Email entries whose subject starts the thread or changes it ("Re:" and "Fwd:" aside). */
  const subjectShown = createMemo(() => {
    const ids = new Set<string>();
    let current: string | null = null;
    for (const m of props.messages) {
      const subject = m.email?.subject;
      if (!subject) continue;
      const base = baseSubject(subject);
      if (base !== current) ids.add(m.id);
      current = base;
    }
    return ids;
  });

  const atBottom = () => (scroller ? scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < AT_BOTTOM_PX : true);
  const scrollToBottom = () => {
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
    setUnseen(0);
  };

  onMount(() => {
    const anchor = props.initialScroll?.anchor;
    const el = anchor ? list?.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(anchor)}"]`) : null;
    if (el && scroller) {
      scroller.scrollTop = el.offsetTop + (props.initialScroll?.offset ?? 0);
      setPinned(atBottom());
    } else scrollToBottom();
  });

  // New entries: follow them when at the bottom (or when the agent just sent one).
  createEffect(
    on(
      () => props.messages.length,
      (length, previous) => {
        if (previous === undefined || length <= previous) return;
        const last = props.messages[length - 1];
        const mineJustSent = last?.author.type === 'agent' && last.author.id === props.me;
        if (pinned() || mineJustSent) {
          // A big jump (first sync of an uncached thread) still renders one page only.
          if (length - start() > PAGE * 2) setStart(Math.max(0, length - PAGE));
          scrollToBottom();
          setPinned(true);
        } else setUnseen((n) => n + (length - previous));
      },
    ),
  );

  let pending: ScrollPosition | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const report = () => {
    timer = null;
    if (pending) props.onScrollPosition(pending);
    pending = null;
  };
  onCleanup(() => {
    if (timer) clearTimeout(timer);
    report();
  });

  const onScroll = () => {
    if (!scroller || !list) return;
    if (scroller.scrollTop < NEAR_TOP_PX && start() > 0) {
      const before = scroller.scrollHeight;
      const top = scroller.scrollTop;
      setStart((s) => Math.max(0, s - PAGE)); // Solid updates the DOM synchronously
      scroller.scrollTop = top + (scroller.scrollHeight - before);
    }
    const bottom = atBottom();
    setPinned(bottom);
    if (bottom) setUnseen(0);
    pending = bottom ? { anchor: null, offset: 0 } : anchorAt(list, scroller.scrollTop);
    if (timer) clearTimeout(timer);
    timer = setTimeout(report, 400);
  };

  return (
    <div class="thread-log">
      <div class="thread-log__scroller" ref={scroller} onScroll={onScroll} tabIndex={0} role="log" aria-label={props.label} aria-live="polite">
        <Show when={start() > 0}>
          <p class="thread-log__more">
            <button type="button" class="link-button" onClick={() => setStart((s) => Math.max(0, s - PAGE))}>
              Show earlier messages
            </button>
          </p>
        </Show>
        <Show when={props.messages.length === 0}>
          <p class="thread-log__empty">No messages yet.</p>
        </Show>
        <ol class="thread-log__list" ref={list}>
          <For each={shown()}>
            {(entry, i) => {
              const previous = () => (i() > 0 ? shown()[i() - 1] : props.messages[start() - 1]);
              const newDay = () => {
                const prev = previous();
                return !prev || !sameDay(new Date(prev.createdAt), new Date(entry.createdAt));
              };
              return (
                <>
                  <Show when={newDay()}>
                    <li class="day-separator" aria-hidden="true">
                      <span>{dayLabel(entry.createdAt, props.now)}</span>
                    </li>
                  </Show>
                  <MessageBubble
                    entry={entry}
                    receipt={props.deliveryOf(entry)}
                    authorName={props.authorName(entry.author)}
                    mine={entry.author.type === 'agent' && entry.author.id === props.me}
                    now={props.now}
                    channel={props.channel}
                    showSubject={subjectShown().has(entry.id)}
                  />
                </>
              );
            }}
          </For>
        </ol>
      </div>
      <Show when={unseen() > 0}>
        <button type="button" class="new-messages" onClick={scrollToBottom}>
          <ArrowDownIcon size={14} />
          {unseen() === 1 ? '1 new message' : `${unseen()} new messages`}
        </button>
      </Show>
    </div>
  );
}

/** "Re: Fwd: Order 1234" → "order 1234". */
export function baseSubject(subject: string): string {
  return subject.replace(/^(\s*(re|fwd?|aw|wg|sv|antw)\s*(\[\d+\])?\s*:\s*)+/i, '').trim().toLowerCase();
}

function indexOfId(messages: readonly MessageEntry[], id: string): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.id === id) return i;
  return -1;
}

/** The first message whose bottom is below the top of the viewport, and how far above it we are. */
function anchorAt(list: HTMLOListElement, scrollTop: number): ScrollPosition {
  const items = list.querySelectorAll<HTMLElement>('[data-message-id]');
  let lo = 0;
  let hi = items.length - 1;
  let found: HTMLElement | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const el = items[mid] as HTMLElement;
    if (el.offsetTop + el.offsetHeight > scrollTop) {
      found = el;
      hi = mid - 1;
    } else lo = mid + 1;
  }
  if (!found) return { anchor: null, offset: 0 };
  return { anchor: found.dataset.messageId ?? null, offset: scrollTop - found.offsetTop };
}
