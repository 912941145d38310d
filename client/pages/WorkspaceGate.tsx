import { type JSX, onCleanup } from 'solid-js';
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
 * Starts the agent's local database and sync client (both open in the background), reads the
 * list snapshot (synchronous, localStorage) and provides the workspace stores. The first render
 * waits for nothing: the list paints from the snapshot while IndexedDB opens and the socket
 * connects.
 */
export function WorkspaceGate(props: WorkspaceGateProps) {
  const opened = openWorkspaceSync(props.session, () => props.onSignInRequired());
  props.onReady?.(opened);
  onCleanup(() => void opened.close(false));
  const snapshot = readIndexSnapshot(opened.db.name);
  mark('snapshot-read');
  const workspace = createWorkspace(props.session, opened, snapshot);
  mark('workspace-created');
  return <WorkspaceContext.Provider value={workspace}>{props.children}</WorkspaceContext.Provider>;
}
