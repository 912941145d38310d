import { createEffect, createSignal, lazy, Match, onMount, Switch } from 'solid-js';
import { Notices } from './components/Notices.tsx';
import { afterPaint } from './lib/afterPaint.ts';
import { NotificationCenter } from './components/notifications/NotificationCenter.tsx';
import { InboxPage } from './pages/InboxPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { WorkspaceGate } from './pages/WorkspaceGate.tsx';
import type { UpdatePrompt } from './pwa/createUpdatePrompt.ts';
import { currentPath, navigate, parseRoute } from './router/router.ts';
import type { SessionStore } from './stores/createSession.ts';
import { useWorkspace } from './stores/createWorkspace.ts';
import type { WorkspaceSync } from './sync/openWorkspaceSync.ts';

/** Pages off the inbox's start-up path load as their own chunks, when first shown. */
const InvitePage = lazy(() => import('./pages/InvitePage.tsx').then((m) => ({ default: m.InvitePage })));
const SettingsPage = lazy(() => import('./pages/settings/SettingsPage.tsx').then((m) => ({ default: m.SettingsPage })));

/**
 * Routes: /signin, / (inbox), /c/<id> (a conversation), /settings/<section>. Signed out,
 * everything goes to /signin (and back after signing in).
 */
export function App(props: { session: SessionStore; updates: UpdatePrompt | null }) {
  const route = () => parseRoute(currentPath());
  const selectedId = () => {
    const r = route();
    return r.name === 'conversation' ? r.id : null;
  };
  const settingsSection = () => {
    const r = route();
    return r.name === 'settings' ? r.section : null;
  };
  let sync: WorkspaceSync | null = null;
  let returnTo = '/';

  createEffect(() => {
    const signedIn = props.session.session() !== null;
    const r = route();
    if (r.name === 'invite') return; // an invite link works signed in or out (it signs in anew)
    if (!signedIn && r.name !== 'signin') {
      if (r.name === 'conversation' || r.name === 'settings') returnTo = currentPath();
      navigate('/signin', { replace: true });
    } else if (signedIn && (r.name === 'signin' || r.name === 'not-found')) navigate('/', { replace: true });
    else if (r.name === 'settings' && currentPath() !== r.path) navigate(r.path, { replace: true });
  });

  // Checked with the server once the first screen is up (starting a fetch costs a few ms of the
  // start-up task); until then, and offline, the app works from the stored session.
  onMount(() => afterPaint(() => void props.session.verify()));

  const signOut = async () => {
    const s = sync;
    sync = null;
    await s?.close(true);
    await props.session.signOut();
    navigate('/signin', { replace: true });
  };

  const [dismissedUpdate, setDismissedUpdate] = createSignal(false);

  return (
    <>
      <Switch>
        <Match when={route().name === 'invite'}>
          <InvitePage session={props.session} onJoined={() => navigate('/', { replace: true })} />
        </Match>
        <Match when={!props.session.session()}>
          <SignInPage
            session={props.session}
            onSignedIn={() => {
              navigate(returnTo, { replace: true });
              returnTo = '/';
            }}
          />
          <Notices
            rejections={[]}
            onDismiss={() => {}}
            updateAvailable={(props.updates?.needRefresh() ?? false) && !dismissedUpdate()}
            onUpdate={() => props.updates?.update()}
            onDismissUpdate={() => setDismissedUpdate(true)}
          />
        </Match>
        <Match when={props.session.session()?.token} keyed>
          {(_token) => {
            const session = props.session.session();
            if (!session) return null;
            return (
              <WorkspaceGate session={session} onSignInRequired={() => props.session.expire()} onReady={(s) => (sync = s)}>
                <NotificationCenter selectedId={selectedId}>
                  <Switch>
                    <Match when={settingsSection()}>{(section) => <SettingsPage section={section()} />}</Match>
                    <Match when={true}>
                      <InboxPage selectedId={selectedId()} onSignOut={() => void signOut()} />
                    </Match>
                  </Switch>
                </NotificationCenter>
                <WorkspaceNotices
                  updateAvailable={(props.updates?.needRefresh() ?? false) && !dismissedUpdate()}
                  onUpdate={() => props.updates?.update()}
                  onDismissUpdate={() => setDismissedUpdate(true)}
                />
              </WorkspaceGate>
            );
          }}
        </Match>
      </Switch>
    </>
  );
}

function WorkspaceNotices(props: { updateAvailable: boolean; onUpdate: () => void; onDismissUpdate: () => void }) {
  const w = useWorkspace();
  const [dismissedLocalCopy, setDismissedLocalCopy] = createSignal(false);
  return (
    <Notices
      rejections={w.client.rejections()}
      onDismiss={(r) => w.client.dismissRejection(r)}
      updateAvailable={props.updateAvailable}
      onUpdate={props.onUpdate}
      onDismissUpdate={props.onDismissUpdate}
      localCopyUnavailable={w.localCopyUnavailable() && !dismissedLocalCopy()}
      onDismissLocalCopy={() => setDismissedLocalCopy(true)}
    />
  );
}
