import { closeSync, ftruncateSync, openSync, readFileSync, readdirSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import * as decoding from 'lib0/decoding';

export interface LogRecord {
  name: string;
  seq: number;
  update: Uint8Array;
}

/**
 * Append-only files of document updates (`doc-updates.<n>.log` in the data directory): the
 * durable first home of every update SqliteDocStore appends, until the document writer has moved
 * it into SQLite. Appending is one write() per batch; once it returns the records survive a
 * killed process. `rotate` closes the current file and starts the next, so a file can be
 * removed as a whole once everything in it is in SQLite.
 *
 * Record layout (little-endian):
 *
 *   u32 bodyLength | u32 crc32(body) | body = varString docName | varUint seq | update bytes
 */
export class UpdateLog {
  private fd: number;
  private size = 0;
  /** Id of the file being appended to. */
  current: number;

  /** Opens the log in `dir` and returns it with the records earlier runs left (oldest first). */
  static open(dir: string): { log: UpdateLog; leftover: { records: LogRecord[]; files: number[]; discardedBytes: number } } {
    const files = listLogFiles(dir);
    const records: LogRecord[] = [];
    let discardedBytes = 0;
    for (const id of files) {
      const data = readFileSync(logPath(dir, id));
      const decoded = decodeRecords(data);
      records.push(...decoded.records);
      discardedBytes += data.length - decoded.validBytes;
    }
    const log = new UpdateLog(dir, (files.at(-1) ?? 0) + 1);
    return { log, leftover: { records, files, discardedBytes } };
  }

  private constructor(
    private readonly dir: string,
    first: number,
  ) {
    this.current = first;
    this.fd = openSync(logPath(dir, first), 'a');
  }

  /**
   * Appends whole records with one write. If the write fails part-way the file is cut back to
   * its last whole record and the error is thrown; if even that fails, `broken` is returned so
   * the caller stops appending (a torn record would hide every later one from the replay).
   */
  write(buf: Uint8Array): void {
    try {
      let written = 0;
      while (written < buf.byteLength) written += writeSync(this.fd, buf, written, buf.byteLength - written);
      this.size += buf.byteLength;
    } catch (err) {
      try {
        ftruncateSync(this.fd, this.size);
      } catch {
        throw new BrokenLogError(String(err));
      }
      throw err;
    }
  }

  /** Whether the current file holds anything. */
  get empty(): boolean {
    return this.size === 0;
  }

  /** Closes the current file and starts the next; returns the id of the closed one. */
  rotate(): number {
    const closed = this.current;
    closeSync(this.fd);
    this.current++;
    this.fd = openSync(logPath(this.dir, this.current), 'a');
    this.size = 0;
    return closed;
  }

  /** Deletes files whose records are all in SQLite (missing files are fine). */
  remove(ids: readonly number[]): void {
    for (const id of ids) {
      try {
        unlinkSync(logPath(this.dir, id));
      } catch {
        // already gone, or undeletable: replayed (and ignored) at the next start
      }
    }
  }

  /** Closes the current file, deleting it when it is empty. */
  close(): void {
    closeSync(this.fd);
    if (this.size === 0) this.remove([this.current]);
  }
}

/** The log could not be written nor cut back to whole records. */
export class BrokenLogError extends Error {}

const FILE_PATTERN = /^doc-updates\.(\d+)\.log$/;

function logPath(dir: string, id: number): string {
  return join(dir, `doc-updates.${id}.log`);
}

function listLogFiles(dir: string): number[] {
  return readdirSync(dir)
    .map((f) => FILE_PATTERN.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** One record (see UpdateLog for the layout). */
export function encodeRecord(name: string, seq: number, update: Uint8Array): Buffer {
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

function varUintLength(n: number): number {
  let len = 1;
  while (n > 0x7f) {
    n = Math.floor(n / 0x80);
    len++;
  }
  return len;
}

/** lib0's varUint at `at`; returns the offset after it. */
function writeVarUint(buf: Buffer, at: number, n: number): number {
  while (n > 0x7f) {
    buf[at++] = 0x80 | (n & 0x7f);
    n = Math.floor(n / 0x80);
  }
  buf[at++] = n;
  return at;
}

/** Reads whole, intact records from the start of `data`; stops at the first torn or corrupt one. */
export function decodeRecords(data: Uint8Array): { records: LogRecord[]; validBytes: number } {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const records: LogRecord[] = [];
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
