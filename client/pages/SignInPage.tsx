import { createSignal, Show } from 'solid-js';
import { InboxIcon } from '../components/icons.tsx';
import type { SessionStore } from '../stores/createSession.ts';

/** Sign-in form: email and password, errors announced (role="alert"). */
export function SignInPage(props: { session: SessionStore; onSignedIn: () => void }) {
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let emailInput: HTMLInputElement | undefined;

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const email = String(data.get('email') ?? '');
    const password = String(data.get('password') ?? '');
    if (!email || !password) {
      setError('Enter your email and password.');
      return;
    }
    setBusy(true);
    setError(null);
    const result = await props.session.signIn(email, password);
    setBusy(false);
    if (result.ok) props.onSignedIn();
    else {
      setError(result.message);
      emailInput?.focus();
    }
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
        <h1 class="signin__title">Sign in to your inbox</h1>
        <form class="signin__form" onSubmit={submit} noValidate aria-describedby={error() ? 'signin-error' : undefined}>
          <div class="field">
            <label for="signin-email">Email</label>
            <input ref={emailInput} id="signin-email" name="email" type="email" autocomplete="username" required autofocus />
          </div>
          <div class="field">
            <label for="signin-password">Password</label>
            <input id="signin-password" name="password" type="password" autocomplete="current-password" required />
          </div>
          <Show when={error()}>
            <p id="signin-error" class="signin__error" role="alert">
              {error()}
            </p>
          </Show>
          <button type="submit" class="button button--primary button--block" disabled={busy()}>
            {busy() ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
