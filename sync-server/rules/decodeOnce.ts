import * as Y from 'yjs';

/**
 * Decoding a client update's content once instead of twice.
 *
 * The server decodes every client update to validate it (`Y.decodeUpdate`), then Yjs decodes it
 * again to apply it (`Y.applyUpdate`): the message entries in it (`ContentAny`, lib0's readAny)
 * are read twice, which is most of what decoding costs. Yjs takes the decoder class as a
 * parameter of both, so validation decodes with a decoder that remembers every value it read and
 * where in the update it read it, and the apply replays those values at the same positions
 * instead of reading them again. A value is replayed only for the same bytes at the same
 * position (the same bytes are parsed in the same order); anything else is read again.
 *
 * The values are then shared by the document and the validator's `added` lists, which the
 * listeners of client updates only read (as they always could from the document itself).
 * Measured in-process (`tests/bench/runPipeline.ts`, three alternations): the sync layer's
 * update path 29–32 µs instead of 33–35, the product path 40–43 instead of 43–46.
 */
export interface DecodedValues {
  update: Uint8Array;
  values: unknown[];
  /** Byte offsets where each value starts and ends in `update`. */
  starts: number[];
  ends: number[];
}

let recording: DecodedValues | null = null;
let replaying: DecodedValues | null = null;

class RecordingDecoder extends Y.UpdateDecoderV1 {
  override readAny(): unknown {
    const start = this.restDecoder.pos;
    const value = super.readAny();
    if (recording) {
      recording.values.push(value);
      recording.starts.push(start);
      recording.ends.push(this.restDecoder.pos);
    }
    return value;
  }
}

class ReplayingDecoder extends Y.UpdateDecoderV1 {
  private next = 0;

  override readAny(): unknown {
    const r = replaying;
    const i = this.next;
    if (r && r.update === this.restDecoder.arr && i < r.values.length && r.starts[i] === this.restDecoder.pos) {
      this.next = i + 1;
      this.restDecoder.pos = r.ends[i]!;
      return r.values[i];
    }
    return super.readAny();
  }
}

/** `Y.decodeUpdate`, also returning the values it read for `applyDecoded`. */
export function decodeRecording(update: Uint8Array): { decoded: ReturnType<typeof Y.decodeUpdate>; values: DecodedValues } {
  const values: DecodedValues = { update, values: [], starts: [], ends: [] };
  recording = values;
  try {
    return { decoded: Y.decodeUpdateV2(update, RecordingDecoder), values };
  } finally {
    recording = null;
  }
}

/** `Y.applyUpdate` of the update `values` was recorded from, reusing the values read then. */
export function applyDecoded(doc: Y.Doc, update: Uint8Array, origin: unknown, values: DecodedValues | null): void {
  if (!values || values.update !== update) {
    Y.applyUpdate(doc, update, origin);
    return;
  }
  replaying = values;
  try {
    Y.applyUpdateV2(doc, update, origin, ReplayingDecoder);
  } finally {
    replaying = null;
  }
}
