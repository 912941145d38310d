import { closeSync, ftruncateSync, openSync, readFileSync, readdirSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type LogRecord, decodeRecords } from './logFormat.mjs';

/**
 * Append-only files of document updates (`doc-updates.<n>.log` in the data directory): the
 * durable first home of every update SqliteDocStore appends, until the document writer has moved
 * it into SQLite. Appending is one write() per batch; once it returns the records survive a
 * killed process. `rotate` closes the current file and starts the next, so a file can be
 * removed as a whole once everything in it is in SQLite.
 *
 * Records are checksummed (layout in logFormat.mjs); a replay stops at the first torn one.
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

  /** The path of file `id` of this log. */
  pathOf(id: number): string {
    return logPath(this.dir, id);
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
