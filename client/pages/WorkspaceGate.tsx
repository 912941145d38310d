import { createResource, type JSX, onCleanup, Show } from 'solid-js';
import type { SessionInfo } from '../../shared/protocol/rest.ts';
import { createWorkspace, WorkspaceContext } from '../stores/createWorkspace.ts';
import { mark } from '../lib/mark.ts';
import { readIndexSnapshot } from '../stores/indexSnapshot.ts';
import { openWorkspaceSync, type WorkspaceSync } from '../sync/openWorkspaceSync.ts';

export interface WorkspaceGateProps {
  session: SessionInfo;
  /** Close 4401 or HTTP 401: the session is gone. */
  onSignInRequired: () => void;
  /** Receives the sync so sign-out can close it (and forget local data). */
  onReady?: (sync: WorkspaceSync) => void;
  children: JSX.Element;
}

/**
 * Starts the agent's local database and sync client, reads the list snapshot (usually already
 * fetched by index.html's boot script), then provides the workspace stores. The list renders
 * from IndexedDB while the socket is still connecting.
 */
export function WorkspaceGate(props: WorkspaceGateProps) {
  const [sync] = createResource(async () => {
    const opened = openWorkspaceSync(props.session, () => props.onSignInRequired());
    props.onReady?.(opened);
    const snapshot = await readIndexSnapshot(opened.db);
    mark('snapshot-read');
    return { opened, snapshot };
  });
  onCleanup(() => void sync()?.opened.close(false));
  return (
    <Show when={sync()} keyed fallback={<AppShellPlaceholder />}>
      {({ opened, snapshot }) => {
        mark('workspace-start');
        const workspace = createWorkspace(props.session, opened, snapshot);
        mark('workspace-created');
        return <WorkspaceContext.Provider value={workspace}>{props.children}</WorkspaceContext.Provider>;
      }}
    </Show>
  );
}

/** The empty frame shown for the few milliseconds before IndexedDB opens. */
function AppShellPlaceholder() {
  return (
    <div class="inbox" aria-busy="true">
      <nav class="sidebar" aria-label="Inbox" />
      <section class="list-pane">
        <p class="list-empty" role="status">
          Loading…
        </p>
      </section>
      <main class="thread-pane" />
    </div>
  );
}
