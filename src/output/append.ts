import { closeSync, fstatSync, fsyncSync, ftruncateSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { acquireAppendLock, type AppendLock, type AppendLockOptions } from './append-lock.js';
import { OutputError } from './output-error.js';
import { checkOutputFile, fsyncFolder, openOutputFile } from './safe-open.js';

/**
 * Appends JSONL records under a lock (append-lock.ts), each at most once per `runId`: a retried,
 * concurrent or crashed-and-rerun worker never writes the same window twice.
 * - The file is opened, read and checked only once the lock is held, and written with O_APPEND,
 *   so no write ever goes to an offset worked out before a wait.
 * - A last line without its newline is kept when it parses (a hand edit, a merge, an editor
 *   that adds no final newline): a newline is written before the new records. One that does not
 *   parse is a writer killed mid-append: it is moved to `<file>.torn`, not destroyed, and cut off
 *   before the duplicate check, so a torn copy can never pass for a written one (its window was
 *   not marked written, so it is appended again whole).
 * - Output files are opened with O_NOFOLLOW and must be regular files of this user (safe-open.ts).
 * All records of one call share one lock, one read and one fsync.
 */
export interface AppendResult {
  written: boolean;
}

export interface Keyed {
  runId: string;
  /** The record as one line of JSON, without its newline: serialised once by the caller. */
  json: string;
}

export type AppendOptions = AppendLockOptions;

export async function appendOnce(
  file: string,
  runId: string,
  record: object,
  opts: AppendOptions,
): Promise<AppendResult> {
  const [result] = await appendAllOnce(file, [{ runId, json: JSON.stringify(record) }], opts);
  return result ?? { written: false };
}

export async function appendAllOnce(file: string, records: Keyed[], opts: AppendOptions): Promise<AppendResult[]> {
  // Refused before any lock is made for it.
  checkOutputFile(file);
  for (let attempt = 1; ; attempt++) {
    const lock = await acquireAppendLock(file, opts);
    let written: boolean[] | null;
    try {
      written = appendLocked(file, records, lock);
    } finally {
      lock.release();
    }
    if (written) return written.map((w) => ({ written: w }));
    if (attempt === LOCK_ATTEMPTS)
      throw new OutputError(
        `the append lock of ${file} was lost ${LOCK_ATTEMPTS} times (its lock file removed while held); nothing was written`,
        'ELOCKLOST',
      );
  }
}

const LOCK_ATTEMPTS = 3;

/** What was written, or null when the lock was lost before anything was (the caller retries). */
function appendLocked(file: string, records: Keyed[], lock: AppendLock): boolean[] | null {
  const { fd, created } = openOutputFile(file, 'append');
  try {
    if (!lock.stillHeld()) return null;
    const content = readAll(fd);
    let end = content.length;
    let prefix = '';
    if (end > 0 && content[end - 1] !== 0x0a) {
      const start = content.lastIndexOf(0x0a, end - 1) + 1;
      const last = content.subarray(start, end);
      if (parses(last)) {
        prefix = '\n';
      } else {
        moveAside(`${file}.torn`, last);
        ftruncateSync(fd, start);
        end = start;
      }
    }
    const existing = content.subarray(0, end);
    const seen = new Set<string>();
    const written = records.map(({ runId }) => {
      const dup = seen.has(runId) || existing.includes(Buffer.from(`"run_id":${JSON.stringify(runId)}`));
      seen.add(runId);
      return !dup;
    });
    const lines = records
      .filter((_, i) => written[i])
      .map((r) => `${r.json}\n`)
      .join('');
    if (lines !== '') {
      // Checked again at the last moment. A loss after this point is harmless: the write is
      // one O_APPEND at the end of the file, and the run_id check stops a second copy.
      if (!lock.stillHeld()) return null;
      writeAll(fd, Buffer.from(prefix + lines));
      fsyncSync(fd);
    }
    if (created) fsyncFolder(dirname(file));
    return written;
  } finally {
    closeSync(fd);
  }
}

function parses(line: Buffer): boolean {
  try {
    JSON.parse(line.toString('utf8'));
    return true;
  } catch {
    // Not JSON: the tail of a writer killed mid-line, which the caller moves aside.
    return false;
  }
}

/** Keeps a torn line in `<file>.torn` (durably, before it is cut from the file). */
function moveAside(torn: string, line: Buffer): void {
  const { fd, created } = openOutputFile(torn, 'append');
  try {
    writeAll(fd, Buffer.concat([line, Buffer.from('\n')]));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (created) fsyncFolder(dirname(torn));
}

function readAll(fd: number): Buffer {
  const size = fstatSync(fd).size;
  const content = Buffer.alloc(size);
  let read = 0;
  while (read < size) {
    const n = readSync(fd, content, read, size - read, read);
    if (n === 0) break;
    read += n;
  }
  return content.subarray(0, read);
}

/** O_APPEND: each write goes to the end of the file as it is then, so no position is given. */
function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}
