import { For, Show } from 'solid-js';
import type { AgentPresence } from '../../shared/schema/presence.ts';
import type { MemberSummary } from '../../shared/schema/workspaceIndex.ts';
import { availabilityText } from '../stores/createAvailability.ts';
import { PresenceDot } from './PresenceDot.tsx';

/**
 * Who is available: each active member with a green / yellow / gray dot and its state ("auto"
 * when derived). Admins and leads get "Set Offline" for others who are not Offline (PRS2).
 */
export function TeamPanel(props: {
  members: MemberSummary[];
  presence: (agentId: string) => AgentPresence | undefined;
  me: string;
  canManage: boolean;
  onSetOffline: (agentId: string) => void;
}) {
  const online = () => props.members.filter((m) => props.presence(m.id)?.status === 'online').length;
  return (
    <section class="team-panel" aria-labelledby="team-panel-title">
      <h2 class="team-panel__title" id="team-panel-title">
        Team <span class="team-panel__count">{online()} online</span>
      </h2>
      <ul class="team-panel__list">
        <For each={props.members}>
          {(m) => (
            <li class="team-panel__member" data-agent-id={m.id}>
              <PresenceDot presence={props.presence(m.id)} />
              <span class="team-panel__name">{m.id === props.me ? `${m.name} (you)` : m.name}</span>
              <span class="team-panel__state">{availabilityText(props.presence(m.id))}</span>
              <Show when={props.canManage && m.id !== props.me && (props.presence(m.id)?.chosen ?? 'offline') !== 'offline'}>
                <button type="button" class="link-button team-panel__action" aria-label={`Set ${m.name} Offline`} onClick={() => props.onSetOffline(m.id)}>
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
