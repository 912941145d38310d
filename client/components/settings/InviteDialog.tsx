import { createSignal, For, onMount, Show } from 'solid-js';
import { ROLES, type Role } from '../../../shared/schema/roles.ts';

const ROLE_HELP: Record<Role, string> = {
  agent: 'Agent: answers conversations',
  lead: 'Lead: also manages quick replies, canned responses and assignments',
  admin: 'Admin: also manages the team',
};

/** A modal form to invite a member: name, email, role. Resolves to an error text, or null when done. */
export function InviteDialog(props: { onSubmit: (input: { name: string; email: string; role: Role }) => Promise<string | null>; onCancel: () => void }) {
  let dialog: HTMLDialogElement | undefined;
  let nameInput: HTMLInputElement | undefined;
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  onMount(() => {
    dialog?.showModal();
    nameInput?.focus();
  });
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const name = String(data.get('name') ?? '').trim();
    const email = String(data.get('email') ?? '').trim();
    const role = String(data.get('role') ?? 'agent') as Role;
    if (!name || !email) return setError('Enter a name and an email address.');
    setBusy(true);
    const problem = await props.onSubmit({ name, email, role });
    setBusy(false);
    setError(problem);
  };
  return (
    <dialog ref={dialog} class="lib-editor" aria-labelledby="invite-title" onCancel={() => props.onCancel()} onClose={() => props.onCancel()}>
      <form class="lib-editor__form" onSubmit={submit} noValidate>
        <div class="lib-editor__head">
          <h2 id="invite-title">Invite a team member</h2>
        </div>
        <div class="lib-editor__fields">
          <label class="field">
            <span class="field__label">Name</span>
            <input ref={nameInput} class="field__control" name="name" autocomplete="off" maxLength={200} required />
          </label>
          <label class="field">
            <span class="field__label">Email</span>
            <input class="field__control" name="email" type="email" autocomplete="off" maxLength={320} required />
          </label>
          <label class="field">
            <span class="field__label">Role</span>
            <select class="field__control select" name="role">
              <For each={ROLES.slice().reverse()}>{(r) => <option value={r}>{ROLE_HELP[r]}</option>}</For>
            </select>
          </label>
          <p class="field__hint">You get a one-time invite link to send them; they choose their own password.</p>
        </div>
        <div class="lib-editor__foot">
          <Show when={error()}>
            <p class="lib-editor__message" role="alert">
              {error()}
            </p>
          </Show>
          <div class="lib-editor__actions">
            <button type="button" class="button" onClick={() => props.onCancel()}>
              Cancel
            </button>
            <button type="submit" class="button button--primary" disabled={busy()}>
              {busy() ? 'Inviting…' : 'Create invite link'}
            </button>
          </div>
        </div>
      </form>
    </dialog>
  );
}
