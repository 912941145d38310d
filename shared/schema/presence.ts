/**
 * Agent availability and presence (docs/presence-routing.md).
 *
 * An agent *chooses* Online, Away or Offline (persisted per agent, the same on every device).
 * The server *derives* the state the team sees and routing uses from the choice, from all of the
 * agent's connections and from their input:
 *
 *   chosen offline                                    → offline
 *   no connection for the presence grace period       → offline (auto: 'disconnected')
 *   chosen away                                       → away
 *   no input on any device for the idle time          → away    (auto: 'idle')
 *   otherwise                                         → online
 *
 * Derived presence lives in the workspace index (`presence`, `presenceLog` roots), written only
 * by the server (PRS1): only changes travel, never heartbeats.
 */
export const AVAILABILITIES = ['online', 'away', 'offline'] as const;
export type Availability = (typeof AVAILABILITIES)[number];

export const isAvailability = (v: unknown): v is Availability =>
  typeof v === 'string' && (AVAILABILITIES as readonly string[]).includes(v);

/** Why the derived state differs from the chosen one. */
export type AutoReason = 'idle' | 'disconnected';

/** One agent's presence in the index's `presence` map (agent id → value, replaced whole). */
export interface AgentPresence {
  agentId: string;
  /** What the team sees and routing uses. */
  status: Availability;
  /** What the agent (or an admin or lead, for Offline) chose. */
  chosen: Availability;
  /** Set when `status` was derived automatically rather than chosen. */
  auto: AutoReason | null;
  /** When `status` last changed (ms). */
  since: number;
  /** Who last set `chosen`, when it was someone else (an admin or lead setting Offline). */
  chosenBy: { id: string; name: string } | null;
  chosenAt: number;
}

/** One line of the presence history (`presenceLog`): every change of a derived state. */
export interface PresenceEvent {
  id: string;
  agentId: string;
  status: Availability;
  auto: AutoReason | null;
  /** Who set it, when it was chosen by someone (the agent or an admin/lead); null when automatic. */
  by: { id: string; name: string } | null;
  at: number;
}

/** The history keeps this many lines (oldest dropped). */
export const PRESENCE_LOG_LIMIT = 200;

/** Colour names of the three states, for the UI (green / yellow / gray). */
export const AVAILABILITY_LABEL: Record<Availability, string> = { online: 'Online', away: 'Away', offline: 'Offline' };
