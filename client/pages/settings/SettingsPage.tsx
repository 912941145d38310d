import { createEffect, For, type JSX, onCleanup, Show } from 'solid-js';
import { ConnectionIndicator } from '../../components/ConnectionIndicator.tsx';
import { ArrowLeftIcon, SettingsIcon } from '../../components/icons.tsx';
import { Link } from '../../router/Link.tsx';
import { type SettingsSection, settingsPath } from '../../router/router.ts';
import { useWorkspace } from '../../stores/createWorkspace.ts';
import { LibrarySettings } from './LibrarySettings.tsx';
import { NotificationSettings } from './NotificationSettings.tsx';
import { RoutingSettingsPage } from './RoutingSettings.tsx';
import { TeamSettings } from './TeamSettings.tsx';

/** The settings navigation, in order: one line per section (add a section here and in SETTINGS_SECTIONS). */
const SECTIONS: ReadonlyArray<{ section: SettingsSection; label: string; view: () => JSX.Element }> = [
  { section: 'quick-replies', label: 'Quick replies', view: () => <LibrarySettings kind="quickReplies" /> },
  { section: 'canned-responses', label: 'Canned responses', view: () => <LibrarySettings kind="cannedResponses" /> },
  { section: 'team', label: 'Team members', view: () => <TeamSettings /> },
  { section: 'notifications', label: 'Notifications', view: () => <NotificationSettings /> },
  { section: 'routing', label: 'Routing', view: () => <RoutingSettingsPage /> },
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
        <Show when={SECTIONS.find((s) => s.section === props.section)} keyed>
          {(s) => s.view()}
        </Show>
      </main>
    </div>
  );
}
