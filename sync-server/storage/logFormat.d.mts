// Types of logFormat.mjs (byte formats of the update log and of checkpoint packs).

/** One update as the log holds it. */
export interface LogRecord {
  name: string;
  seq: number;
  update: Uint8Array;
}

/** One update inside a pack. */
export interface PackedUpdate {
  seq: number;
  update: Uint8Array;
}

/** Consecutive updates of one document as one `doc_update_packs` row. */
export interface Pack {
  name: string;
  lastSeq: number;
  data: Uint8Array;
}

export function encodeRecord(name: string, seq: number, update: Uint8Array): Buffer;
export function decodeRecords(data: Uint8Array): { records: LogRecord[]; validBytes: number };
export function decodePack(data: Uint8Array): PackedUpdate[];
export function packLogFiles(paths: readonly string[]): Pack[];
