import { For, Show, onCleanup } from 'solid-js';
import { settingsDoc } from '../../../shared/ids.ts';
import { canManage } from '../../../shared/schema/roles.ts';
import {
  MAX_CAPACITY,
  ROUTING_ROOT,
  type RoutingSettings,
  capacityKey,
  checkRoutingEntry,
  readRoutingSettings,
} from '../../../shared/schema/routing.ts';
import { createEditableWhenCurrent } from '../../stores/createEditableWhenCurrent.ts';
import { useWorkspace } from '../../stores/createWorkspace.ts';
import { createYMapStore } from '../../stores/yjsBridge.ts';

const MINUTE = 60_000;

/**
 * Settings > Routing (docs/presence-routing.md): policy, capacities, absent assignees, presence
 * timeouts. One key per setting in the settings document's `routing` map; admins and leads write
 * (SET1), the server validates each key (RTE6). Others see the values read-only.
 */
export function RoutingSettingsPage() {
  const w = useWorkspace();
  const handle = w.client.retain(settingsDoc(w.session.workspace.id));
  onCleanup(() => handle.release());
  const raw = createYMapStore<unknown>(() => handle.doc().getMap(ROUTING_ROOT));
  const settings = (): RoutingSettings => readRoutingSettings(Object.entries(raw));
  const manager = () => canManage(w.index.members[w.session.agent.id]?.role ?? w.session.agent.role);
  const ready = createEditableWhenCurrent(() => handle, w.connection);
  const set = (key: string, value: unknown) => {
    if (checkRoutingEntry(key, value) !== null) return;
    handle.doc().getMap(ROUTING_ROOT).set(key, value);
  };
  const minutes = (key: 'rerouteGraceMs' | 'presenceGraceMs' | 'idleAwayMs', label: string, hint: string, min: number) => (
    <div class="field">
      <label for={`routing-${key}`}>{label}</label>
      <input
        id={`routing-${key}`}
        class="input"
        type="number"
        min={min}
        max={1440}
        step="1"
        value={Math.round(settings()[key] / MINUTE)}
        aria-describedby={`routing-${key}-hint`}
        onChange={(e) => set(key, Math.round(Number(e.currentTarget.value) * MINUTE))}
      />
      <p class="field__hint" id={`routing-${key}-hint`}>
        {hint}
      </p>
    </div>
  );
  const members = () => Object.values(w.index.members).filter((m) => m.active).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section class="settings-section" aria-labelledby="settings-title">
      <header class="settings-section__head">
        <div class="settings-section__titles">
          <h1 id="settings-title" class="settings-section__title">
            Routing
          </h1>
          <p class="settings-section__intro">
            New and reopened unassigned conversations go only to Online agents below their capacity. With nobody Online they wait, and go
            out oldest first when someone comes Online.
          </p>
        </div>
      </header>
      <Show when={!manager()}>
        <p class="settings-section__note" role="note">
          Routing is changed only by admins and leads.
        </p>
      </Show>
      <form class="routing-form" onSubmit={(e) => e.preventDefault()}>
        <fieldset disabled={!manager() || !ready()} aria-busy={!ready()} class="routing-form__group">
          <legend>Auto-routing</legend>
          <label class="check">
            <input type="checkbox" checked={settings().enabled} onChange={(e) => set('enabled', e.currentTarget.checked)} />
            Assign new conversations automatically
          </label>
          <div class="field">
            <label for="routing-policy">Policy</label>
            <select id="routing-policy" class="select" value={settings().policy} onChange={(e) => set('policy', e.currentTarget.value)}>
              <option value="least-loaded">Least loaded (fewest open conversations; ties in turn)</option>
              <option value="round-robin">Round robin (in turn)</option>
            </select>
          </div>
          <div class="field">
            <label for="routing-capacity">Capacity per agent</label>
            <input
              id="routing-capacity"
              class="input"
              type="number"
              min="1"
              max={MAX_CAPACITY}
              value={settings().defaultCapacity}
              aria-describedby="routing-capacity-hint"
              onChange={(e) => set('defaultCapacity', Math.round(Number(e.currentTarget.value)))}
            />
            <p class="field__hint" id="routing-capacity-hint">
              Open conversations an agent holds before routing skips them.
            </p>
          </div>
          <div class="field">
            <label for="routing-reassign">When the assignee is not Online and the contact writes again or it is reopened</label>
            <select id="routing-reassign" class="select" value={settings().reassign} onChange={(e) => set('reassign', e.currentTarget.value)}>
              <option value="reroute">Re-route it after the grace period</option>
              <option value="keep">Keep the assignee</option>
            </select>
          </div>
          {minutes('rerouteGraceMs', 'Re-route grace period (minutes)', 'How long the assignee may be away before the conversation is re-routed.', 0)}
        </fieldset>
        <fieldset disabled={!manager() || !ready()} aria-busy={!ready()} class="routing-form__group">
          <legend>Presence</legend>
          {minutes('presenceGraceMs', 'Offline after all devices disconnect (minutes)', 'A closed tab or a phone going to sleep never shows an agent Offline sooner.', 1)}
          {minutes('idleAwayMs', 'Away after no input on any device (minutes)', 'Shown as “Away (auto)”; the next input brings the agent back Online.', 1)}
        </fieldset>
        <fieldset disabled={!manager() || !ready()} aria-busy={!ready()} class="routing-form__group">
          <legend>Capacity of each agent</legend>
          <For each={members()}>
            {(m) => (
              <div class="field field--inline">
                <label for={`capacity-${m.id}`}>{m.name}</label>
                <input
                  id={`capacity-${m.id}`}
                  class="input input--short"
                  type="number"
                  min="0"
                  max={MAX_CAPACITY}
                  value={settings().capacity[m.id] ?? settings().defaultCapacity}
                  onChange={(e) => set(capacityKey(m.id), Math.round(Number(e.currentTarget.value)))}
                />
              </div>
            )}
          </For>
        </fieldset>
      </form>
    </section>
  );
}
