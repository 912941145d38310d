import { z } from '../zod.ts';
import { isId } from '../ids.ts';

/**
 * Routing and presence settings: the `routing` map of the workspace settings document, one key
 * per setting (so two admins editing different settings merge), written by admins and leads and
 * validated per key (RTE6). Missing keys take the defaults below.
 *
 *   enabled             boolean        auto-routing on or off
 *   policy              'least-loaded' | 'round-robin'
 *   defaultCapacity     int            open conversations an agent may hold before routing skips them
 *   capacity:<agentId>  int            that agent's own capacity
 *   reassign            'keep' | 'reroute'   a conversation whose assignee is not Online when the
 *                                      contact writes again or it is reopened
 *   rerouteGraceMs      int            …is re-routed once the assignee has not been Online this long
 *   presenceGraceMs     int            all devices gone this long → Offline (auto)
 *   idleAwayMs          int            no input on any device this long → Away (auto)
 */
export const ROUTING_ROOT = 'routing';
export const CAPACITY_PREFIX = 'capacity:';

export const ROUTING_POLICIES = ['least-loaded', 'round-robin'] as const;
export type RoutingPolicy = (typeof ROUTING_POLICIES)[number];
export const REASSIGN_MODES = ['keep', 'reroute'] as const;
export type ReassignMode = (typeof REASSIGN_MODES)[number];

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const MAX_CAPACITY = 500;

/** Each key's value schema. */
export const RoutingKeys = {
  enabled: z.boolean(),
  policy: z.enum(ROUTING_POLICIES),
  defaultCapacity: z.int().check(z.gte(1), z.lte(MAX_CAPACITY)),
  reassign: z.enum(REASSIGN_MODES),
  rerouteGraceMs: z.int().check(z.gte(0), z.lte(DAY)),
  presenceGraceMs: z.int().check(z.gte(5_000), z.lte(DAY)),
  idleAwayMs: z.int().check(z.gte(MINUTE), z.lte(DAY)),
} as const;
export const CapacitySchema = z.int().check(z.gte(0), z.lte(MAX_CAPACITY));

export interface RoutingSettings {
  enabled: boolean;
  policy: RoutingPolicy;
  defaultCapacity: number;
  /** Per-agent capacities (agent id → open conversations). */
  capacity: Record<string, number>;
  reassign: ReassignMode;
  rerouteGraceMs: number;
  presenceGraceMs: number;
  idleAwayMs: number;
}

export const DEFAULT_ROUTING: RoutingSettings = {
  enabled: true,
  policy: 'least-loaded',
  defaultCapacity: 10,
  capacity: {},
  reassign: 'reroute',
  rerouteGraceMs: 5 * MINUTE,
  presenceGraceMs: 2 * MINUTE,
  idleAwayMs: 15 * MINUTE,
};

/** The key of an agent's capacity in the `routing` map. */
export const capacityKey = (agentId: string) => `${CAPACITY_PREFIX}${agentId}`;

/** Whether `value` is allowed under `key` of the `routing` map (RTE6); a reason when not. */
export function checkRoutingEntry(key: string, value: unknown): string | null {
  if (key.startsWith(CAPACITY_PREFIX)) {
    if (!isId(key.slice(CAPACITY_PREFIX.length))) return `${key}: not an agent id`;
    return CapacitySchema.safeParse(value).success ? null : `${key}: a whole number from 0 to ${MAX_CAPACITY}`;
  }
  const schema = (RoutingKeys as Record<string, z.ZodMiniType>)[key];
  if (!schema) return `${key}: not a routing setting`;
  const parsed = schema.safeParse(value);
  return parsed.success ? null : `${key}: ${parsed.error.issues[0]?.message ?? 'invalid value'}`;
}

/** Reads the settings from the `routing` map's entries, defaults for what is missing or invalid. */
export function readRoutingSettings(entries: Iterable<[string, unknown]>): RoutingSettings {
  const settings: RoutingSettings = { ...DEFAULT_ROUTING, capacity: {} };
  for (const [key, value] of entries) {
    if (checkRoutingEntry(key, value) !== null) continue;
    if (key.startsWith(CAPACITY_PREFIX)) settings.capacity[key.slice(CAPACITY_PREFIX.length)] = value as number;
    else (settings as unknown as Record<string, unknown>)[key] = value;
  }
  return settings;
}

/** An agent's capacity under `settings`. */
export const capacityOf = (settings: RoutingSettings, agentId: string) => settings.capacity[agentId] ?? settings.defaultCapacity;
