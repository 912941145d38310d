import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * A pack: several updates of one document, stored as one SQLite row (`doc_update_packs`) by a
 * checkpoint, so the writer inserts one row per document instead of one per update.
 *
 *   pack = (varUint seq | varUint8Array update)*     in increasing seq order
 */
export interface PackedUpdate {
  seq: number;
  update: Uint8Array;
}

export function encodePack(updates: readonly PackedUpdate[]): Uint8Array {
  const enc = encoding.createEncoder();
  for (const { seq, update } of updates) {
    encoding.writeVarUint(enc, seq);
    encoding.writeVarUint8Array(enc, update);
  }
  return encoding.toUint8Array(enc);
}

/** The updates of a pack (views into `data`, no copies). Throws on a truncated pack. */
export function decodePack(data: Uint8Array): PackedUpdate[] {
  const dec = decoding.createDecoder(data);
  const out: PackedUpdate[] = [];
  while (decoding.hasContent(dec)) {
    const seq = decoding.readVarUint(dec);
    out.push({ seq, update: decoding.readVarUint8Array(dec) });
  }
  return out;
}
