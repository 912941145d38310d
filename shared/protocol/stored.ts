import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { MessageType } from './messageTypes.ts';

/**
 * The `stored` acknowledgement (MessageType.stored), server → client, multiplexed connections
 * only (a stock y-websocket provider would log an unknown message type):
 *
 *   101 | varUint n | n × (varUint clientID, varUint clock)
 *
 * "Everything these clientIDs wrote to this document below these clocks is stored (durable) on
 * the server." The server sends it to the connection whose update it acknowledges, once that
 * update is durable and before or with its relay to anyone else; the pairs are the update's own
 * clients and where each one's structs end. With the server's sync step 1 (its state vector,
 * sent only once what it covers is durable) and the updates the server relays (durable before
 * they are relayed), a client knows which of its own changes the server has: a webchat message
 * the server has stored is sent (docs/protocol.md, docs/document-model.md).
 */
export function encodeStored(clocks: ReadonlyMap<number, number>): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.stored);
  encoding.writeVarUint(encoder, clocks.size);
  for (const [client, clock] of clocks) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
  }
  return encoding.toUint8Array(encoder);
}

/** Reads the pairs after the message type; throws on a truncated frame. */
export function decodeStored(decoder: decoding.Decoder): Map<number, number> {
  const out = new Map<number, number>();
  const n = decoding.readVarUint(decoder);
  for (let i = 0; i < n; i++) {
    const client = decoding.readVarUint(decoder);
    out.set(client, decoding.readVarUint(decoder));
  }
  return out;
}
