import { IdSchema, z } from '../zod.ts';
import type { Role } from '../schema/roles.ts';

/**
 * REST API (JSON over HTTP, same port as sync). Every route but sign-in and the webchat visitor
 * route needs `Authorization: Bearer <token>`; websockets take `?token=`.
 *
 *   POST   /api/session             SignInRequest → SessionInfo       (401 on bad credentials)
 *   DELETE /api/session             sign out (token revoked)
 *   GET    /api/session             SessionInfo of the current token
 *   POST   /api/members/…           team members (sync-server/http/teamRoutes.ts, TEAM1–TEAM6)
 *   POST   /api/invites/…           invite links: lookup, accept (no session needed)
 *   POST   /api/contacts/…          contact profiles: update, merge (sync-server/http/contactRoutes.ts)
 *   GET    /healthz                 {status:'ok'}
 *   GET    /metrics                 Prometheus text format
 */
export const SignInRequest = z.object({ email: z.email().check(z.maxLength(320)), password: z.string().check(z.minLength(1), z.maxLength(500)) });
export type SignInRequest = z.infer<typeof SignInRequest>;

export interface SessionInfo {
  token: string;
  expiresAt: number;
  agent: { id: string; name: string; email: string; role: Role };
  workspace: { id: string; name: string };
}

export interface ApiError {
  error: string;
  message: string;
  /** The rule that refused the request (docs/rules.md), when one did. */
  rule?: string;
}

/**
 * Availability and assignment (docs/presence-routing.md):
 *
 *   PUT  /api/availability          SetAvailabilityRequest → AgentPresence   (PRS2, PRS3)
 *   POST /api/assignment            AssignRequest → {assigneeId}             (RTE3)
 */
export const SetAvailabilityRequest = z.object({
  /** Default: the signed-in agent. Another agent: admins and leads only, and only `offline`. */
  agentId: z.optional(IdSchema),
  status: z.enum(['online', 'away', 'offline']),
});
export type SetAvailabilityRequest = z.infer<typeof SetAvailabilityRequest>;

export const AssignRequest = z.object({
  conversationId: IdSchema,
  /** null unassigns (admins and leads). */
  assigneeId: z.nullable(IdSchema),
});
export type AssignRequest = z.infer<typeof AssignRequest>;
