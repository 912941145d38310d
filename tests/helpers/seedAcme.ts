import type { SessionInfo } from '../../shared/protocol/rest.ts';
import type { TestApp } from './startApp.ts';

export const ACME_WS = 'acme';
export const ACME_PASSWORD = 'switchboard';

/**
 * Creates workspace `acme` with Dana (admin), Lee (lead) and Sam (agent), and workspace `other`
 * with its admin Eve, then signs all four in.
 */
export async function seedAcme(app: TestApp): Promise<{ admin: SessionInfo; lead: SessionInfo; agent: SessionInfo; outsider: SessionInfo }> {
  const dir = app.server.directory;
  dir.createWorkspace(ACME_WS, 'Acme Support');
  dir.createWorkspace('other', 'Other Co');
  await dir.createAgent({ workspaceId: ACME_WS, email: 'dana@example.com', name: 'Dana Reyes', role: 'admin', password: ACME_PASSWORD });
  await dir.createAgent({ workspaceId: ACME_WS, email: 'lee@example.com', name: 'Lee Chen', role: 'lead', password: ACME_PASSWORD });
  await dir.createAgent({ workspaceId: ACME_WS, email: 'sam@example.com', name: 'Sam Patel', role: 'agent', password: ACME_PASSWORD });
  await dir.createAgent({ workspaceId: 'other', email: 'eve@example.com', name: 'Eve Other', role: 'admin', password: ACME_PASSWORD });
  return {
    admin: await app.signIn('dana@example.com', ACME_PASSWORD),
    lead: await app.signIn('lee@example.com', ACME_PASSWORD),
    agent: await app.signIn('sam@example.com', ACME_PASSWORD),
    outsider: await app.signIn('eve@example.com', ACME_PASSWORD),
  };
}
