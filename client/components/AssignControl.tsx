import { For, Show } from 'solid-js';
import type { AgentPresence } from '../../shared/schema/presence.ts';
import type { MemberSummary } from '../../shared/schema/workspaceIndex.ts';
import { availabilityText } from '../stores/createAvailability.ts';

/**
 * The thread header's assignee control (RTE3): admins and leads pick any active member or
 * Unassigned; an agent sees "Take conversation" while it is unassigned. The server decides.
 */
export function AssignControl(props: {
  assigneeId: string | null;
  members: MemberSummary[];
  presence: (agentId: string) => AgentPresence | undefined;
  me: string;
  canManage: boolean;
  disabled: boolean;
  onAssign: (assigneeId: string | null) => void;
}) {
  return (
    <Show
      when={props.canManage}
      fallback={
        <Show when={props.assigneeId === null}>
          <button type="button" class="button" disabled={props.disabled} onClick={() => props.onAssign(props.me)}>
            Take conversation
          </button>
        </Show>
      }
    >
      <label class="assign-control">
        <span class="visually-hidden">Assignee</span>
        <select
          class="select assign-control__select"
          aria-label="Assignee"
          disabled={props.disabled}
          value={props.assigneeId ?? ''}
          onChange={(e) => props.onAssign(e.currentTarget.value || null)}
        >
          <option value="">Unassigned</option>
          <For each={props.members}>
            {(m) => (
              <option value={m.id} selected={m.id === props.assigneeId}>
                {`${m.name} · ${availabilityText(props.presence(m.id))}`}
              </option>
            )}
          </For>
        </select>
      </label>
    </Show>
  );
}
