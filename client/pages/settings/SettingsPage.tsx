import { createEffect, For, Match, onCleanup, Switch } from 'solid-js';
import { ConnectionIndicator } from '../../components/ConnectionIndicator.tsx';
import { ArrowLeftIcon, SettingsIcon } from '../../components/icons.tsx';
import { Link } from '../../router/Link.tsx';
import { type SettingsSection, settingsPath } from '../../router/router.ts';
import { useWorkspace } from '../../stores/createWorkspace.ts';
import { LibrarySettings } from './LibrarySettings.tsx';

const SECTIONS: ReadonlyArray<{ section: SettingsSection; label: string }> = [
  { section: 'quick-replies', label: 'Quick replies' },
  { section: 'canned-responses', label: 'Canned responses' },
];

/** The settings area: its navigation beside the chosen section. */
export function SettingsPage(props: { section: SettingsSection }) {
  const w = useWorkspace();
  const label = () => SECTIONS.find((s) => s.section === props.section)?.label ?? 'Settings';

  createEffect(() => {
    document.title = `${label()} · Settings · Switchboard`;
  });
  onCleanup(() => {
    document.title = 'Switchboard';
  });

  return (
    <div class="settings">
      <nav class="settings-nav" aria-label="Settings">
        <Link href="/" class="settings-nav__back">
          <ArrowLeftIcon />
          Back to inbox
        </Link>
        <div class="settings-nav__brand">
          <span class="sidebar__logo" aria-hidden="true">
            <SettingsIcon size={18} />
          </span>
          <div class="sidebar__titles">
            <span class="sidebar__product">Settings</span>
            <span class="sidebar__workspace">{w.workspaceName()}</span>
          </div>
        </div>
        <ul class="settings-nav__list">
          <For each={SECTIONS}>
            {(s) => (
              <li>
                <Link
                  href={settingsPath(s.section)}
                  class="settings-nav__item"
                  aria-current={props.section === s.section ? 'page' : undefined}
                >
                  {s.label}
                </Link>
              </li>
            )}
          </For>
        </ul>
        <div class="sidebar__spacer" />
        <ConnectionIndicator state={w.connection()} onReload={() => location.reload()} />
      </nav>
      <main class="settings-main" id="main">
        <Switch>
          <Match when={props.section === 'quick-replies'}>
            <LibrarySettings kind="quickReplies" />
          </Match>
          <Match when={props.section === 'canned-responses'}>
            <LibrarySettings kind="cannedResponses" />
          </Match>
        </Switch>
      </main>
    </div>
  );
}
