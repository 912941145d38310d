import { type Accessor, createSignal } from 'solid-js';
import type { AgentPresence, Availability } from '../../shared/schema/presence.ts';

export interface AvailabilityStore {
  /** The derived availability of an agent (server-written, PRS1), or undefined before it is known. */
  of(agentId: string | null | undefined): AgentPresence | undefined;
  /** Sets the signed-in agent's own availability (PRS2). */
  setMine(status: Availability): Promise<boolean>;
  /** Sets another agent Offline (admins and leads, PRS2/PRS3). */
  setOffline(agentId: string): Promise<boolean>;
  /** Assigns a conversation (null unassigns) or takes it (RTE3). */
  assign(conversationId: string, assigneeId: string | null): Promise<boolean>;
  /** The last refusal, for a notice. */
  error: Accessor<string | null>;
}

/** Availability and assignment: reads presence from the index, changes go through the REST API. */
export function createAvailability(options: { presence: Record<string, AgentPresence>; token: string; origin?: string }): AvailabilityStore {
  const [error, setError] = createSignal<string | null>(null);
  const origin = options.origin ?? '';
  const call = async (method: string, path: string, body: unknown): Promise<boolean> => {
    try {
      const res = await fetch(`${origin}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
        body: JSON.stringify(body),
      });
      if (res.ok) {
        setError(null);
        return true;
      }
      const json = (await res.json().catch(() => ({}))) as { message?: string };
      setError(json.message ?? `The server answered ${res.status}`);
    } catch {
      setError('Could not reach the server; try again when online');
    }
    return false;
  };
  return {
    of: (id) => (id ? options.presence[id] : undefined),
    setMine: (status) => call('PUT', '/api/availability', { status }),
    setOffline: (agentId) => call('PUT', '/api/availability', { agentId, status: 'offline' }),
    assign: (conversationId, assigneeId) => call('POST', '/api/assignment', { conversationId, assigneeId }),
    error,
  };
}

/** "Online", "Away (auto)", "Offline (set by Lee Chen)": what a person reads next to a dot. */
export function availabilityText(p: AgentPresence | undefined): string {
  if (!p) return 'Offline';
  const label = p.status === 'online' ? 'Online' : p.status === 'away' ? 'Away' : 'Offline';
  if (p.auto) return `${label} (auto)`;
  if (p.chosenBy && p.status === p.chosen) return `${label} (set by ${p.chosenBy.name})`;
  return label;
}
