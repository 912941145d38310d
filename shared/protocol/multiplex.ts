import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * Framing of a multiplexed sync connection (`/sync` with no document in the path): many
 * documents over one websocket. Every binary frame is
 *
 *   varString docName | varUint messageType | payload (as y-websocket for that type)
 *
 * i.e. a y-websocket frame prefixed with the document name. Control frames that concern the
 * whole connection (hello) use the empty document name. A single-document connection
 * (`/sync/<docName>`, what a stock WebsocketProvider opens) carries y-websocket frames unprefixed.
 * The first sync step 1 a client sends for a document subscribes it; `unsubscribe` ends it.
 */
export function encodeMuxFrame(docName: string, frame: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, docName);
  encoding.writeUint8Array(encoder, frame);
  return encoding.toUint8Array(encoder);
}

/** Splits a multiplexed frame; throws on a truncated one (callers treat that as malformed). */
export function decodeMuxFrame(data: Uint8Array): { docName: string; frame: Uint8Array } {
  const decoder = decoding.createDecoder(data);
  const docName = decoding.readVarString(decoder);
  const frame = data.subarray(decoder.pos);
  if (frame.length === 0) throw new Error('empty frame');
  return { docName, frame };
}
