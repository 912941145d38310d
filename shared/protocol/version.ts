/**
 * Version of Switchboard's own wire messages (control messages, multiplex framing, webchat).
 * Stock y-protocols sync and awareness frames are not versioned here: they stay as y-protocols
 * defines them.
 *
 * History:
 *   1  first version: multiplexed /sync, control messages hello / update-rejected / unsubscribe,
 *      webchat JSON protocol.
 *   2  client control `activity` (input on a device, for derived presence; docs/presence-routing.md).
 *   3  server frame `stored` (101): the sender of an update is told once it is durable
 *      (./stored.ts); a webchat message has no `sent` receipt any more, stored is sent.
 *
 * protocol.test.ts hashes the wire schemas: changing one without bumping this number fails.
 */
export const PROTOCOL_VERSION = 3;
