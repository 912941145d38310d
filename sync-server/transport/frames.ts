import * as encoding from 'lib0/encoding';
import type { ServerControl } from '../../shared/protocol/control.ts';
import { MessageType } from '../../shared/protocol/messageTypes.ts';

/**
 * Frames the server sends (layouts: docs/protocol.md). A y-websocket frame is
 *
 *   varUint messageType | payload
 *
 *   sync step 1   0 | varUint 0 | varUint8Array stateVector
 *   sync step 2   0 | varUint 1 | varUint8Array update
 *   sync update   0 | varUint 2 | varUint8Array update
 *   awareness     1 | varUint8Array awarenessUpdate
 *   auth denied   2 | varUint 0 | varString reason
 *   control     100 | varString JSON (shared/protocol/control.ts)
 *
 * On a multiplexed connection every frame is prefixed with `varString docName` (see
 * shared/protocol/multiplex.ts); connection-wide control frames use the empty name.
 */

export const SyncMessage = { step1: 0, step2: 1, update: 2 } as const;

/** y-protocols/auth: the only auth message type. */
export const AUTH_PERMISSION_DENIED = 0;

/**
 * A sync frame, allocated once at its exact size as a Buffer (ws sends a Buffer without
 * wrapping it again, and the same one goes to every subscriber).
 */
export function syncFrame(kind: number, payload: Uint8Array): Uint8Array {
  const len = payload.byteLength;
  let lenBytes = 1;
  for (let n = len; n > 0x7f; n = Math.floor(n / 0x80)) lenBytes++;
  const out = Buffer.allocUnsafe(2 + lenBytes + len);
  out[0] = MessageType.sync;
  out[1] = kind;
  let at = 2;
  let n = len;
  while (n > 0x7f) {
    out[at++] = 0x80 | (n & 0x7f);
    n = Math.floor(n / 0x80);
  }
  out[at++] = n;
  out.set(payload, at);
  return out;
}

export function awarenessFrame(update: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.awareness);
  encoding.writeVarUint8Array(enc, update);
  return encoding.toUint8Array(enc);
}

export function permissionDeniedFrame(reason: string): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.auth);
  encoding.writeVarUint(enc, AUTH_PERMISSION_DENIED);
  encoding.writeVarString(enc, reason);
  return encoding.toUint8Array(enc);
}

export function controlFrame(message: ServerControl): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.control);
  encoding.writeVarString(enc, JSON.stringify(message));
  return encoding.toUint8Array(enc);
}

/** `varString(docName) | frame`, from a precomputed name prefix. */
export function prefixed(prefix: Uint8Array, frame: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(prefix.length + frame.length);
  out.set(prefix, 0);
  out.set(frame, prefix.length);
  return out;
}

/** The `varString(docName)` prefix of a document's multiplexed frames. */
export function muxPrefix(docName: string): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarString(enc, docName);
  return encoding.toUint8Array(enc);
}

/**
 * A frame sent to many connections (a broadcast update, an awareness relay): encoded once, and
 * also framed once as an unmasked binary WebSocket frame (RFC 6455 §5.2) that connections can
 * write straight to their socket.
 */
export class SharedFrame {
  private framed: Buffer | null = null;

  constructor(readonly payload: Uint8Array) {}

  /** FIN + binary opcode, 7/16/64-bit length, payload: built on first use. */
  wsFrame(): Buffer {
    if (this.framed) return this.framed;
    const len = this.payload.byteLength;
    const head = len < 126 ? 2 : len < 0x10000 ? 4 : 10;
    const out = Buffer.allocUnsafe(head + len);
    out[0] = 0x82;
    if (len < 126) {
      out[1] = len;
    } else if (len < 0x10000) {
      out[1] = 126;
      out.writeUInt16BE(len, 2);
    } else {
      out[1] = 127;
      out.writeUInt32BE(Math.floor(len / 0x100000000), 2);
      out.writeUInt32BE(len >>> 0, 6);
    }
    out.set(this.payload, head);
    this.framed = out;
    return out;
  }
}
