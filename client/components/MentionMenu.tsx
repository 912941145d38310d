import { createEffect, For, Show } from 'solid-js';

export interface MentionCandidate {
  id: string;
  name: string;
  email: string;
}

export const mentionOptionId = (menuId: string, index: number) => `${menuId}-opt-${index}`;

/**
 * The `@` member picker of an internal note: a listbox the textarea controls through
 * aria-activedescendant (focus stays in the textarea; arrows move, Enter or Tab picks, Esc
 * closes), like the `/` quick-reply menu.
 */
export function MentionMenu(props: {
  id: string;
  items: readonly MentionCandidate[];
  active: number;
  query: string;
  position: { left: number; top: number };
  onPick: (member: MentionCandidate) => void;
  onHover: (index: number) => void;
}) {
  let list: HTMLUListElement | undefined;
  createEffect(() => {
    list?.querySelector(`#${CSS.escape(mentionOptionId(props.id, props.active))}`)?.scrollIntoView({ block: 'nearest' });
  });
  return (
    <div class="qr-menu mention-menu" style={{ left: `${props.position.left}px`, bottom: `calc(100% - ${props.position.top}px + 4px)` }}>
      <div class="qr-menu__head">Mention a teammate · ↑↓ to move, Enter to pick, Esc to close</div>
      <Show when={props.items.length > 0} fallback={<p class="qr-menu__empty" role="status">No teammate matches “{props.query}”.</p>}>
        <ul ref={list} class="qr-menu__list" role="listbox" id={props.id} aria-label="Teammates">
          <For each={props.items}>
            {(member, i) => (
              <li
                id={mentionOptionId(props.id, i())}
                role="option"
                class="qr-menu__option"
                aria-selected={i() === props.active}
                onMouseDown={(e) => e.preventDefault()}
                onMouseMove={() => props.onHover(i())}
                onClick={() => props.onPick(member)}
              >
                <span class="qr-menu__name">{member.name}</span>
                <span class="qr-menu__category">{member.email}</span>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}
