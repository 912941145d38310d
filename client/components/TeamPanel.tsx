import { createSignal, For, Show } from 'solid-js';
import { COMPACT_LAYOUT, createMediaQuery } from '../lib/createMediaQuery.ts';
import type { AgentPresence } from '../../shared/schema/presence.ts';
import type { MemberSummary } from '../../shared/schema/workspaceIndex.ts';
import { availabilityText } from '../stores/createAvailability.ts';
import { PresenceDot } from './PresenceDot.tsx';

/**
 * Who is available: each active member with a green / yellow / gray dot and its state ("auto"
 * when derived). Admins and leads get "Set Offline" for others who are not Offline (PRS2).
 * Where the sidebar is a bar above the list (tablet and phone widths), the list folds behind its
 * heading, a disclosure button, so it does not push the conversations off the screen.
 */
export function TeamPanel(props: {
  members: MemberSummary[];
  presence: (agentId: string) => AgentPresence | undefined;
  me: string;
  canManage: boolean;
  onSetOffline: (agentId: string) => void;
}) {
  const online = () => props.members.filter((m) => props.presence(m.id)?.status === 'online').length;
  const compact = createMediaQuery(COMPACT_LAYOUT);
  const [unfolded, setUnfolded] = createSignal(false);
  const title = () => (
    <>
      Team <span class="team-panel__count">{online()} online</span>
    </>
  );
  return (
    <section class="team-panel" classList={{ 'team-panel--unfolded': compact() && unfolded() }} aria-labelledby="team-panel-title">
      <h2 class="team-panel__title" id="team-panel-title">
        <Show when={compact()} fallback={title()}>
          <button
            type="button"
            class="team-panel__toggle"
            aria-expanded={unfolded() ? 'true' : 'false'}
            aria-controls="team-panel-list"
            onClick={() => setUnfolded(!unfolded())}
          >
            {title()}
          </button>
        </Show>
      </h2>
      <ul class="team-panel__list" id="team-panel-list" hidden={compact() && !unfolded()}>
        <For each={props.members}>
          {(m) => (
            <li class="team-panel__member" data-agent-id={m.id}>
              <PresenceDot presence={props.presence(m.id)} />
              <span class="team-panel__name">{m.id === props.me ? `${m.name} (you)` : m.name}</span>
              <span class="team-panel__state">{availabilityText(props.presence(m.id))}</span>
              <Show when={props.canManage && m.id !== props.me && (props.presence(m.id)?.chosen ?? 'offline') !== 'offline'}>
                <button
                  type="button"
                  class="link-button team-panel__action"
                  aria-label={`Set ${m.name} Offline`}
                  title={setOfflineHint(m.name, props.presence(m.id))}
                  onClick={() => props.onSetOffline(m.id)}
                >
                  Set Offline
                </button>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </section>
  );
}

/** What Set Offline changes: the state the agent chose, which also holds when they come back. */
function setOfflineHint(name: string, p: AgentPresence | undefined): string {
  const first = name.split(' ')[0] ?? name;
  if (p?.status !== 'offline') return `Routing stops sending ${first} conversations until they choose Online again.`;
  const chosen = p.chosen === 'away' ? 'Away' : 'Online';
  return `${first} shows Offline because no device is connected, but chose ${chosen}: they would be ${chosen} again when they reconnect. Set Offline keeps them Offline until they choose otherwise.`;
}
