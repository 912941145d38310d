import type { AgentPresence } from '../../shared/schema/presence.ts';
import { createEffect, createMemo, For, on, Show } from 'solid-js';
import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';
import { createRowWindow } from '../lib/createRowWindow.ts';
import { mark } from '../lib/mark.ts';
import { ConversationRow } from './ConversationRow.tsx';

export const ROW_HEIGHT = 84;

export interface ConversationListProps {
  /** Ids in display order. */
  ids: string[];
  /** Rows the list stands for, when `ids` are only the first of them (first-screen snapshot). */
  total?: number;
  summary: (id: string) => ConversationSummary | undefined;
  unread: (id: string) => number;
  assigneeName: (id: string) => string | null;
  /** The assignee's availability (dot on the row). */
  assigneePresence?: (id: string) => AgentPresence | undefined;
  /** Whether the conversation has an unsent draft on this agent's document. */
  hasDraft?: (id: string) => boolean;
  /** Whether the conversation's contact is composing right now. */
  contactTyping?: (id: string) => boolean;
  /** Whether this device has changes to the conversation the server has not had yet. */
  unsynced?: (id: string) => boolean;
  selectedId: string | null;
  now: number;
  emptyText: string;
  /** Accessible name of the list. */
  label: string;
}

/**
 * The conversation list, virtualised: only the rows in view (plus a few) are in the DOM, so
 * 10,000 conversations scroll smoothly. Rows are keyed by conversation id, so a row that moves
 * (new activity) keeps its element, its selection and its keyboard focus. Arrow keys, Home, End,
 * PageUp and PageDown move between rows.
 */
export function ConversationList(props: ConversationListProps) {
  let scroller: HTMLDivElement | undefined;
  const rows = createRowWindow({ count: () => props.ids.length, rowHeight: ROW_HEIGHT, overscan: 8, scroller: () => scroller });

  const visible = createMemo(() => {
    const ids = props.ids;
    const { start, end } = rows.range();
    const shown: { id: string; index: number; start: number }[] = [];
    for (let index = start; index < end; index++) shown.push({ id: ids[index] as string, index, start: index * ROW_HEIGHT });
    return shown;
  });
  createEffect(
    on(
      () => props.ids.length > 0,
      (shown) => {
        if (shown) mark('list-rendered');
      },
    ),
  );
  const visibleIds = createMemo(() => visible().map((row) => row.id), [], {
    equals: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]),
  });
  const positions = createMemo(() => new Map(visible().map((row) => [row.id, row])));

  const focusRow = (index: number) => {
    const id = props.ids[index];
    if (id === undefined) return;
    rows.scrollToIndex(index, 'auto');
    const attempt = (tries: number) => {
      const el = scroller?.querySelector<HTMLElement>(`[data-conversation-id="${id}"]`);
      if (el) el.focus();
      else if (tries > 0) requestAnimationFrame(() => attempt(tries - 1));
    };
    attempt(5);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const target = event.target as HTMLElement;
    const id = target.closest<HTMLElement>('[data-conversation-id]')?.dataset.conversationId;
    if (!id) return;
    const index = props.ids.indexOf(id);
    const page = Math.max(1, Math.floor((scroller?.clientHeight ?? ROW_HEIGHT * 8) / ROW_HEIGHT) - 1);
    let next: number;
    switch (event.key) {
      case 'ArrowDown':
        next = index + 1;
        break;
      case 'ArrowUp':
        next = index - 1;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = props.ids.length - 1;
        break;
      case 'PageDown':
        next = index + page;
        break;
      case 'PageUp':
        next = index - page;
        break;
      default:
        return;
    }
    event.preventDefault();
    focusRow(Math.max(0, Math.min(props.ids.length - 1, next)));
  };

  // A deep link (or a selection made elsewhere) scrolls its row into view once.
  createEffect(
    on(
      () => props.selectedId,
      (id) => {
        if (!id) return;
        // Measured in the next frame: reading layout now would force it in the middle of rendering.
        requestAnimationFrame(() => {
          const index = props.ids.indexOf(id);
          if (index < 0 || !scroller) return;
          const top = index * ROW_HEIGHT;
          if (top < scroller.scrollTop || top + ROW_HEIGHT > scroller.scrollTop + scroller.clientHeight) {
            rows.scrollToIndex(index, 'center');
          }
        });
      },
    ),
  );

  return (
    <div class="list-scroller" ref={scroller} onKeyDown={onKeyDown}>
      <Show when={props.ids.length > 0} fallback={<p class="list-empty">{props.emptyText}</p>}>
        <ul class="conversation-list" aria-label={props.label} style={{ height: `${rows.totalSize()}px` }}>
          <For each={visibleIds()}>
            {(id) => {
              const position = () => positions().get(id);
              return (
                <li
                  class="conversation-list__item"
                  aria-setsize={props.total ?? props.ids.length}
                  aria-posinset={(position()?.index ?? 0) + 1}
                  style={{ transform: `translateY(${position()?.start ?? 0}px)`, height: `${ROW_HEIGHT}px` }}
                >
                  <Show when={props.summary(id)}>
                    {(summary) => (
                      <ConversationRow
                        summary={summary()}
                        unread={props.unread(id)}
                        assigneeName={props.assigneeName(id)}
                        assigneePresence={props.assigneePresence?.(id)}
                        hasDraft={props.hasDraft?.(id) ?? false}
                        contactTyping={props.contactTyping?.(id) ?? false}
                        unsynced={props.unsynced?.(id) ?? false}
                        selected={props.selectedId === id}
                        now={props.now}
                        tabIndex={rowTabIndex(id, props.selectedId, visibleIds())}
                      />
                    )}
                  </Show>
                </li>
              );
            }}
          </For>
        </ul>
      </Show>
    </div>
  );
}

/** One row is in the tab order (the selected one, else the first shown); arrows move between rows. */
function rowTabIndex(id: string, selectedId: string | null, shown: string[]): number {
  if (selectedId && shown.includes(selectedId)) return id === selectedId ? 0 : -1;
  return id === shown[0] ? 0 : -1;
}
