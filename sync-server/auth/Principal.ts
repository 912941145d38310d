import type { Role } from '../../shared/schema/roles.ts';

/** Who is on the other end of a connection or request, as established by a session token. */
export interface Principal {
  agentId: string;
  workspaceId: string;
  role: Role;
  name: string;
  sessionId: string;
}

/** Resolves a session token (null when absent) to its principal, or null if missing/expired/revoked. */
export type Authenticate = (token: string | null) => Principal | null;
