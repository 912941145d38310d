import { For, Show, createSignal, onCleanup } from 'solid-js';
import { AVAILABILITIES, type AgentPresence, type Availability } from '../../shared/schema/presence.ts';
import { availabilityText } from '../stores/createAvailability.ts';
import { Avatar } from './Avatar.tsx';
import { PresenceDot } from './PresenceDot.tsx';

const LABEL: Record<Availability, string> = { online: 'Online', away: 'Away', offline: 'Offline' };
const HINT: Record<Availability, string> = {
  online: 'Receives auto-assigned conversations',
  away: 'Skipped by auto-routing',
  offline: 'Skipped by auto-routing, no notifications',
};

/**
 * The avatar button at the bottom left: opens a menu with Online / Away / Offline (menuitemradio,
 * arrow keys, Escape closes and returns focus to the button).
 */
export function StatusMenu(props: { name: string; presence: AgentPresence | undefined; onChoose: (status: Availability) => void }) {
  const [open, setOpen] = createSignal(false);
  let button!: HTMLButtonElement;
  let menu: HTMLDivElement | undefined;
  const items = () => [...(menu?.querySelectorAll<HTMLElement>('[role="menuitemradio"]') ?? [])];
  const openMenu = () => {
    setOpen(true);
    queueMicrotask(() => {
      const list = items();
      (list.find((el) => el.getAttribute('aria-checked') === 'true') ?? list[0])?.focus();
    });
  };
  const close = (focusButton = true) => {
    setOpen(false);
    if (focusButton) button.focus();
  };
  const choose = (status: Availability) => {
    props.onChoose(status);
    close();
  };
  const onDocument = (e: PointerEvent) => {
    if (open() && menu && !menu.contains(e.target as Node) && !button.contains(e.target as Node)) close(false);
  };
  document.addEventListener('pointerdown', onDocument);
  onCleanup(() => document.removeEventListener('pointerdown', onDocument));
  const onMenuKey = (e: KeyboardEvent) => {
    const list = items();
    const at = list.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = (at + (e.key === 'ArrowDown' ? 1 : list.length - 1)) % list.length;
      list[next]?.focus();
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      list[e.key === 'Home' ? 0 : list.length - 1]?.focus();
    } else if (e.key === 'Escape' || e.key === 'Tab') {
      e.preventDefault();
      close();
    }
  };
  return (
    <div class="status-menu">
      <button
        ref={button}
        type="button"
        class="status-menu__button"
        aria-haspopup="menu"
        aria-expanded={open() ? 'true' : 'false'}
        aria-controls="status-menu"
        aria-label={`Your status: ${availabilityText(props.presence)}. Change status`}
        onClick={() => (open() ? close() : openMenu())}
        onKeyDown={(e) => {
          if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
            e.preventDefault();
            openMenu();
          }
        }}
      >
        <span class="status-menu__avatar">
          <Avatar name={props.name} />
          <PresenceDot presence={props.presence} />
        </span>
      </button>
      <Show when={open()}>
        <div ref={menu} id="status-menu" class="status-menu__list" role="menu" aria-label="Set your status" onKeyDown={onMenuKey}>
          <For each={AVAILABILITIES}>
            {(status) => (
              <div
                role="menuitemradio"
                tabIndex={-1}
                class="status-menu__item"
                aria-checked={props.presence?.chosen === status ? 'true' : 'false'}
                onClick={() => choose(status)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    choose(status);
                  }
                }}
              >
                <span class={`presence-dot presence-dot--${status}`} aria-hidden="true" />
                <span class="status-menu__label">{LABEL[status]}</span>
                <span class="status-menu__hint">{HINT[status]}</span>
              </div>
            )}
          </For>
        </div>
      </Show>
    </div>
  );
}
