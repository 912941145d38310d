import { createEffect, For, Show } from 'solid-js';
import type { QuickReply } from '../../shared/schema/settings.ts';
import type { RenderedTemplate } from '../../shared/templates/renderTemplate.ts';
import { TemplatePreview } from './TemplatePreview.tsx';

export interface QuickReplyMenuProps {
  id: string;
  items: readonly QuickReply[];
  active: number;
  query: string;
  /** Where to draw, relative to the composer box. */
  position: { left: number; top: number };
  preview: (reply: QuickReply) => RenderedTemplate;
  onPick: (reply: QuickReply) => void;
  onHover: (index: number) => void;
}

export const optionId = (menuId: string, index: number) => `${menuId}-opt-${index}`;

/**
 * The `/` menu: a listbox the composer's textarea controls through aria-activedescendant (focus
 * stays in the textarea, arrows move the active option), with a preview of what the contact
 * will receive for the active reply.
 */
export function QuickReplyMenu(props: QuickReplyMenuProps) {
  let list: HTMLUListElement | undefined;
  createEffect(() => {
    const el = list?.querySelector(`#${CSS.escape(optionId(props.id, props.active))}`);
    el?.scrollIntoView({ block: 'nearest' });
  });
  const activeReply = () => props.items[props.active];
  return (
    <div class="qr-menu" style={{ left: `${props.position.left}px`, bottom: `calc(100% - ${props.position.top}px + 4px)` }}>
      <div class="qr-menu__head">
        Quick replies{props.query ? ` matching “${props.query}”` : ''} · ↑↓ to move, Enter to insert, Esc to close
      </div>
      <Show when={props.items.length > 0} fallback={<p class="qr-menu__empty" role="status">No quick reply matches “{props.query}”.</p>}>
        <ul ref={list} class="qr-menu__list" role="listbox" id={props.id} aria-label="Quick replies">
          <For each={props.items}>
            {(reply, i) => (
              <li
                id={optionId(props.id, i())}
                role="option"
                class="qr-menu__option"
                aria-selected={i() === props.active}
                onMouseDown={(e) => e.preventDefault()}
                onMouseMove={() => props.onHover(i())}
                onClick={() => props.onPick(reply)}
              >
                <span class="qr-menu__name">{reply.name}</span>
                <Show when={reply.shortcut}>
                  <span class="qr-menu__shortcut">/{reply.shortcut}</span>
                </Show>
                <Show when={reply.category}>
                  <span class="qr-menu__category">{reply.category}</span>
                </Show>
                <span class="qr-menu__text">{reply.text}</span>
              </li>
            )}
          </For>
        </ul>
        <Show when={activeReply()}>
          {(reply) => {
            const rendered = () => props.preview(reply());
            return (
              <div class="qr-menu__preview" aria-live="polite">
                <span class="qr-menu__preview-label">Contact will receive</span>
                <p class="qr-menu__preview-text">
                  <TemplatePreview segments={rendered().segments} />
                </p>
                <Show when={rendered().empty.length > 0}>
                  <p class="qr-menu__warn">Empty for this contact: {rendered().empty.map((n) => `{{${n}}}`).join(', ')}</p>
                </Show>
              </div>
            );
          }}
        </Show>
      </Show>
    </div>
  );
}
