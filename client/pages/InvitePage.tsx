import { createResource, createSignal, Show } from 'solid-js';
import type { SessionInfo } from '../../shared/protocol/rest.ts';
import type { Role } from '../../shared/schema/roles.ts';
import { postJson } from '../api/postJson.ts';
import { InboxIcon } from '../components/icons.tsx';
import type { SessionStore } from '../stores/createSession.ts';

interface InviteInfo {
  email: string;
  name: string;
  role: Role;
  workspace: { id: string; name: string };
}

/**
 * `/invite#<token>`: a one-time invite link (TEAM3). The invitee sees who invited them where,
 * chooses a password and is signed in. The token stays in the fragment, so it never appears in
 * a request line or a server log.
 */
export function InvitePage(props: { session: SessionStore; onJoined: () => void }) {
  const token = decodeURIComponent(location.hash.replace(/^#/, ''));
  const [info] = createResource(async () => {
    if (!token) return { ok: false as const, message: 'This invite link is incomplete. Ask an admin for a new one.' };
    return postJson<InviteInfo>('/api/invites/lookup', { token });
  });
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const password = String(data.get('password') ?? '');
    const confirm = String(data.get('confirm') ?? '');
    if (password !== confirm) return setError('The two passwords are not the same.');
    setBusy(true);
    const result = await postJson<SessionInfo>('/api/invites/accept', { token, password });
    setBusy(false);
    if (!result.ok) return setError(result.message);
    history.replaceState(null, '', '/'); // the link is used up: drop it from the address bar
    props.session.adopt(result.value);
    props.onJoined();
  };

  return (
    <main class="signin">
      <div class="signin__card">
        <div class="signin__brand">
          <span class="sidebar__logo" aria-hidden="true">
            <InboxIcon size={20} />
          </span>
          <span class="signin__product">Switchboard</span>
        </div>
        <Show when={info()} fallback={<p role="status">Checking your invite…</p>}>
          {(result) => (
            <Show
              when={result().ok && (result() as { value: InviteInfo }).value}
              fallback={
                <>
                  <h1 class="signin__title">This invite does not work</h1>
                  <p class="signin__error" role="alert">
                    {(result() as { message?: string }).message ?? 'This invite link is invalid, used or expired.'}
                  </p>
                  <a href="/signin">Go to sign in</a>
                </>
              }
            >
              {(invite) => (
                <>
                  <h1 class="signin__title">Join {invite().workspace.name}</h1>
                  <p class="signin__intro">
                    Welcome, {invite().name}. Choose a password to finish setting up {invite().email}.
                  </p>
                  <form class="signin__form" onSubmit={submit} noValidate>
                    <input type="email" name="email" autocomplete="username" value={invite().email} hidden readOnly />
                    <div class="field">
                      <label for="invite-password">New password</label>
                      <input id="invite-password" name="password" type="password" autocomplete="new-password" minLength={8} required autofocus />
                    </div>
                    <div class="field">
                      <label for="invite-confirm">Repeat password</label>
                      <input id="invite-confirm" name="confirm" type="password" autocomplete="new-password" required />
                    </div>
                    <Show when={error()}>
                      <p class="signin__error" role="alert">
                        {error()}
                      </p>
                    </Show>
                    <button type="submit" class="button button--primary button--block" disabled={busy()}>
                      {busy() ? 'Joining…' : 'Join and sign in'}
                    </button>
                  </form>
                </>
              )}
            </Show>
          )}
        </Show>
      </div>
    </main>
  );
}
