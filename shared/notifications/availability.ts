import type { Availability } from './decide.ts';

/**
 * The one place notifications read availability from: the presence entry of an agent in the
 * workspace index's `presence` map ({status, chosen, auto}, written by the presence service).
 * Offline *by choice* (the agent's own or a lead's) silences notifications (NTF6); Offline only
 * because every device disconnected does not, since reaching a closed app is what Web Push is
 * for. No entry (presence not known yet): Online.
 */
export const PRESENCE_ROOT = 'presence';

export function availabilityFromPresence(value: unknown): Availability {
  const p = value as { status?: unknown; chosen?: unknown; auto?: unknown } | undefined;
  if (!p || typeof p !== 'object') return 'online';
  if (p.chosen === 'offline') return 'offline';
  if (p.status === 'offline' && p.auto === 'disconnected') return p.chosen === 'away' ? 'away' : 'online';
  return p.status === 'away' || p.status === 'offline' ? p.status : 'online';
}
