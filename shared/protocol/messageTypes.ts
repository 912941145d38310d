/**
 * First varUint of every frame on a sync connection. 0–3 are y-websocket's own and keep
 * exactly their y-protocols meaning; 100 and 101 are ours.
 *
 *   0  sync        y-protocols/sync: step 1 (state vector), step 2 (missing updates), update
 *   1  awareness   y-protocols/awareness update
 *   2  auth        y-protocols/auth: permission denied + reason (a stock provider logs it)
 *   3  query awareness
 * 100  control     varString JSON: a ControlMessage (./control.ts)
 * 101  stored      server → client, multiplexed only: what of the client's update is durable (./stored.ts)
 */
export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  control: 100,
  stored: 101,
} as const;
export type MessageTypeValue = (typeof MessageType)[keyof typeof MessageType];
