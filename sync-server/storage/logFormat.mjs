// Byte formats of the document store: the update log's records and the packs a checkpoint
// stores in SQLite. Plain JavaScript (types in logFormat.d.mts) because the document writer's
// worker thread (docWriter.worker.mjs) reads the log with it too, under tsx, vitest and plain node.
//
// Record (a log file is records back to back; little-endian):
//
//   u32 bodyLength | u32 crc32(body) | body = varString docName | varUint seq | update bytes
//
// Pack (one `doc_update_packs` row: consecutive updates of one document, increasing seq):
//
//   (varUint seq | varUint8Array update)*
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import * as decoding from 'lib0/decoding';

/** One record (see the layout above). */
export function encodeRecord(name, seq, update) {
  const nameBytes = Buffer.byteLength(name, 'utf8');
  const bodyLength = varUintLength(nameBytes) + nameBytes + varUintLength(seq) + update.byteLength;
  const out = Buffer.allocUnsafe(8 + bodyLength);
  let at = writeVarUint(out, 8, nameBytes);
  at += out.write(name, at, 'utf8');
  at = writeVarUint(out, at, seq);
  out.set(update, at);
  out.writeUInt32LE(bodyLength, 0);
  out.writeUInt32LE(crc32(out.subarray(8)), 4);
  return out;
}

/** Reads whole, intact records from the start of `data`; stops at the first torn or corrupt one. */
export function decodeRecords(data) {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const records = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const bodyLength = buf.readUInt32LE(at);
    if (at + 8 + bodyLength > buf.length) break;
    const body = buf.subarray(at + 8, at + 8 + bodyLength);
    if (crc32(body) !== buf.readUInt32LE(at + 4)) break;
    try {
      const decoder = decoding.createDecoder(body);
      const name = decoding.readVarString(decoder);
      const seq = decoding.readVarUint(decoder);
      records.push({ name, seq, update: new Uint8Array(body.subarray(decoder.pos)) });
    } catch {
      break;
    }
    at += 8 + bodyLength;
  }
  return { records, validBytes: at };
}

/** The updates of a pack (views into `data`, no copies). Throws on a truncated pack. */
export function decodePack(data) {
  const dec = decoding.createDecoder(data);
  const out = [];
  while (decoding.hasContent(dec)) {
    const seq = decoding.readVarUint(dec);
    out.push({ seq, update: decoding.readVarUint8Array(dec) });
  }
  return out;
}

/**
 * The intact records of closed log files as one pack per document, built straight from the
 * file bytes: per record only offsets are kept (no update copies, no per-record strings), and
 * each pack is written once at its exact size. This is the document writer's checkpoint work.
 * A missing file is skipped: only a start-up replay removes files it did not write, after
 * putting their records into SQLite.
 */
export function packLogFiles(paths) {
  /** latin1 key of the name's UTF-8 bytes → the document's name, its records' parts (file buffer, seq start, update start, end) and pack size. */
  const docs = new Map();
  for (const path of paths) {
    let buf;
    try {
      buf = readFileSync(path);
    } catch (err) {
      if (err && err.code === 'ENOENT') continue;
      throw err;
    }
    let at = 0;
    while (at + 8 <= buf.length) {
      const bodyLength = buf.readUInt32LE(at);
      const bodyStart = at + 8;
      const end = bodyStart + bodyLength;
      if (end > buf.length || bodyLength === 0) break;
      if (crc32(buf.subarray(bodyStart, end)) !== buf.readUInt32LE(at + 4)) break;
      let pos = bodyStart;
      let nameLength = 0;
      for (let shift = 1; ; shift *= 0x80) {
        const b = buf[pos++];
        nameLength += (b & 0x7f) * shift;
        if (b < 0x80) break;
      }
      const nameStart = pos;
      pos += nameLength;
      const seqStart = pos;
      let seq = 0;
      for (let shift = 1; pos < end; shift *= 0x80) {
        const b = buf[pos++];
        seq += (b & 0x7f) * shift;
        if (b < 0x80) break;
      }
      if (pos > end) break;
      const key = buf.latin1Slice(nameStart, nameStart + nameLength);
      let doc = docs.get(key);
      if (!doc) docs.set(key, (doc = { name: buf.toString('utf8', nameStart, nameStart + nameLength), parts: [], bytes: 0, lastSeq: 0 }));
      const updateLength = end - pos;
      doc.parts.push(buf, seqStart, pos, end);
      doc.bytes += pos - seqStart + varUintLength(updateLength) + updateLength;
      doc.lastSeq = seq;
      at = end;
    }
  }
  const packs = [];
  for (const doc of docs.values()) {
    const data = Buffer.allocUnsafe(doc.bytes);
    let at = 0;
    const parts = doc.parts;
    for (let i = 0; i < parts.length; i += 4) {
      const buf = parts[i];
      const seqStart = parts[i + 1];
      const updateStart = parts[i + 2];
      const end = parts[i + 3];
      at += buf.copy(data, at, seqStart, updateStart);
      at = writeVarUint(data, at, end - updateStart);
      at += buf.copy(data, at, updateStart, end);
    }
    packs.push({ name: doc.name, lastSeq: doc.lastSeq, data });
  }
  return packs;
}

function varUintLength(n) {
  let len = 1;
  while (n > 0x7f) {
    n = Math.floor(n / 0x80);
    len++;
  }
  return len;
}

/** lib0's varUint at `at`; returns the offset after it. */
function writeVarUint(buf, at, n) {
  while (n > 0x7f) {
    buf[at++] = 0x80 | (n & 0x7f);
    n = Math.floor(n / 0x80);
  }
  buf[at++] = n;
  return at;
}
