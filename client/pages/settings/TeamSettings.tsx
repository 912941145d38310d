import { createSignal, For, Show } from 'solid-js';
import { ROLES, type Role } from '../../../shared/schema/roles.ts';
import type { MemberSummary } from '../../../shared/schema/workspaceIndex.ts';
import { Avatar } from '../../components/Avatar.tsx';
import { PlusIcon } from '../../components/icons.tsx';
import { ConfirmDialog } from '../../components/settings/ConfirmDialog.tsx';
import { InviteDialog } from '../../components/settings/InviteDialog.tsx';
import { createTeam } from '../../stores/createTeam.ts';
import { useWorkspace } from '../../stores/createWorkspace.ts';

const ROLE_LABEL: Record<Role, string> = { admin: 'Admin', lead: 'Lead', agent: 'Agent' };
const STATE_LABEL = { active: 'Active', invited: 'Invited', deactivated: 'Deactivated' } as const;
const stateOf = (m: MemberSummary) => m.state ?? (m.active ? 'active' : 'deactivated');

/**
 * Settings > Team members: everyone sees who is on the team (live, from the index document);
 * admins invite, change roles, deactivate and reactivate. The server checks every action
 * (TEAM1–TEAM6); this page only hides what would be refused.
 */
export function TeamSettings() {
  const w = useWorkspace();
  const me = w.session.agent.id;
  const team = createTeam({ members: w.index.members, token: w.session.token, role: () => w.index.members[me]?.role ?? w.session.agent.role });
  const [inviting, setInviting] = createSignal(false);
  const [confirming, setConfirming] = createSignal<MemberSummary | null>(null);
  let copyButton: HTMLButtonElement | undefined;
  const [copied, setCopied] = createSignal(false);

  return (
    <section class="settings-section" aria-labelledby="settings-title">
      <header class="settings-section__head">
        <div class="settings-section__titles">
          <h1 id="settings-title" class="settings-section__title">
            Team members
          </h1>
          <p class="settings-section__intro">
            Who works in this inbox and what they may do. Admins manage the team and settings; leads manage settings and
            reassign; agents answer conversations.
          </p>
        </div>
        <Show when={team.isAdmin()}>
          <div class="settings-section__actions">
            <button type="button" class="button button--primary" onClick={() => setInviting(true)}>
              <PlusIcon size={15} />
              Invite member
            </button>
          </div>
        </Show>
      </header>

      <Show when={!team.isAdmin()}>
        <p class="settings-section__note" role="note">
          Only admins can invite, deactivate or change the role of team members.
        </p>
      </Show>

      <Show when={team.message()}>
        {(m) => (
          <p class={`team__message team__message--${m().kind}`} role={m().kind === 'error' ? 'alert' : 'status'}>
            {m().text}
          </p>
        )}
      </Show>

      <Show when={team.invite()}>
        {(link) => (
          <div class="team__invite" role="region" aria-label={`Invite link for ${link().member.name}`}>
            <p class="team__invite-title">
              Invite link for {link().member.name} ({link().member.email})
            </p>
            <p class="field__hint">
              Shown once: send it to them yourself (chat, email). It works once, until{' '}
              {new Date(link().expiresAt).toLocaleDateString('en-US', { month: 'short', day: 'numeric' })}; they choose their own
              password when they open it.
            </p>
            <div class="team__invite-row">
              <input
                class="field__control"
                readOnly
                aria-label="Invite link"
                value={link().url}
                onFocus={(e) => e.currentTarget.select()}
              />
              <button
                ref={copyButton}
                type="button"
                class="button"
                onClick={() => {
                  void navigator.clipboard?.writeText(link().url).then(
                    () => setCopied(true),
                    () => setCopied(false),
                  );
                }}
              >
                {copied() ? 'Copied' : 'Copy link'}
              </button>
              <button
                type="button"
                class="button"
                onClick={() => {
                  setCopied(false);
                  team.dismissInvite();
                }}
              >
                Done
              </button>
            </div>
          </div>
        )}
      </Show>

      <table class="team__table" aria-label="Team members">
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Role</th>
            <th scope="col">State</th>
            <Show when={team.isAdmin()}>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </Show>
          </tr>
        </thead>
        <tbody>
          <For each={team.members()}>
            {(m) => (
              <tr data-member-id={m.id} classList={{ 'team__row--inactive': !m.active }}>
                <th scope="row">
                  <div class="team__who">
                  <Avatar name={m.name} size="small" />
                  <span class="team__names">
                    <span class="team__name">
                      {m.name}
                      {m.id === me ? ' (you)' : ''}
                    </span>
                    <span class="team__email">{m.email}</span>
                  </span>
                  </div>
                </th>
                <td>
                  <Show when={team.isAdmin()} fallback={ROLE_LABEL[m.role]}>
                    <select
                      class="select"
                      aria-label={`Role of ${m.name}`}
                      value={m.role}
                      disabled={team.busy() || (team.isLastAdmin(m) && m.role === 'admin')}
                      title={team.isLastAdmin(m) ? 'The last admin cannot be demoted' : undefined}
                      onChange={(e) => {
                        const role = e.currentTarget.value as Role;
                        e.currentTarget.value = m.role; // shows the server's answer, not the wish
                        void team.setRole(m, role);
                      }}
                    >
                      <For each={ROLES}>{(r) => <option value={r}>{ROLE_LABEL[r]}</option>}</For>
                    </select>
                  </Show>
                </td>
                <td>
                  <span class={`team__state team__state--${stateOf(m)}`}>{STATE_LABEL[stateOf(m)]}</span>
                </td>
                <Show when={team.isAdmin()}>
                  <td>
                    <div class="team__actions">
                    <Show when={stateOf(m) === 'invited'}>
                      <button type="button" class="button button--small" disabled={team.busy()} onClick={() => void team.reinvite(m)} aria-label={`New invite link for ${m.name}`}>
                        New link
                      </button>
                    </Show>
                    <Show
                      when={m.active}
                      fallback={
                        <button type="button" class="button button--small" disabled={team.busy()} onClick={() => void team.reactivate(m)} aria-label={`Reactivate ${m.name}`}>
                          Reactivate
                        </button>
                      }
                    >
                      <button
                        type="button"
                        class="button button--small button--danger-outline"
                        disabled={team.busy() || team.isLastAdmin(m)}
                        title={team.isLastAdmin(m) ? 'The last admin cannot be deactivated' : undefined}
                        aria-label={`Deactivate ${m.name}`}
                        onClick={() => setConfirming(m)}
                      >
                        Deactivate
                      </button>
                    </Show>
                    </div>
                  </td>
                </Show>
              </tr>
            )}
          </For>
        </tbody>
      </table>

      <Show when={inviting()}>
        <InviteDialog
          onSubmit={async (input) => {
            const ok = await team.inviteMember(input);
            if (ok) {
              setInviting(false);
              queueMicrotask(() => copyButton?.focus());
            }
            return ok ? null : (team.message()?.text ?? 'The invite failed.');
          }}
          onCancel={() => setInviting(false)}
        />
      </Show>

      <Show when={confirming()}>
        {(m) => (
          <ConfirmDialog
            title={`Deactivate ${m().name}?`}
            message={`${m().name} is signed out everywhere at once and can no longer sign in. Their open conversations go back to Unassigned. You can reactivate them later.`}
            confirmLabel="Deactivate"
            onConfirm={() => {
              const member = m();
              setConfirming(null);
              void team.deactivate(member);
            }}
            onCancel={() => setConfirming(null)}
          />
        )}
      </Show>
    </section>
  );
}
