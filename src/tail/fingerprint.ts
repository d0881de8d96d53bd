import { createHash } from 'node:crypto';
import { fstatSync, readSync } from 'node:fs';
import { z } from 'zod';

/**
 * Hashes of the bytes around a cursor, stored with it so the next run can tell whether the bytes
 * it already consumed are still the same bytes, without re-reading the transcript.
 *
 * Two windows because the two common ways a transcript stops being an append-only log differ:
 * a rewrite from scratch (e.g. a compacted or restored session) changes the head, and an editor or
 * tool rewriting the recent end changes the tail. A change confined to the middle of a large file
 * is not detected; that is the price of O(1) checks.
 */
export interface Fingerprint {
  headHash: string;
  tailHash: string;
}

const FINGERPRINT_WINDOW_BYTES = 4096;
const HASH_HEX_CHARS = 32;

const hashHex = z.string().regex(/^[0-9a-f]{32}$/);
export const FingerprintSchema = z.object({ headHash: hashHex, tailHash: hashHex }) satisfies z.ZodType<Fingerprint>;

export interface CursorPosition extends Fingerprint {
  offset: number;
  /** Inode of the file when the cursor was stored; null when unknown (the check is skipped). */
  inode: number | null;
}

export type CursorCheck = { kind: 'ok' } | { kind: 'resync'; reason: 'truncated' | 'replaced' | 'rewritten' };

/** Null when the file ends before `start + length`, e.g. it was truncated after an fstat. */
function readExactly(fd: number, start: number, length: number): Buffer | null {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, start + got);
    if (n === 0) return null;
    got += n;
  }
  return buf;
}

function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex').slice(0, HASH_HEX_CHARS);
}

function tryFingerprintAt(fd: number, offset: number): Fingerprint | null {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new RangeError(`offset must be a non-negative integer, got ${offset}`);
  }
  const head = readExactly(fd, 0, Math.min(offset, FINGERPRINT_WINDOW_BYTES));
  if (head === null) return null;
  const tailStart = Math.max(0, offset - FINGERPRINT_WINDOW_BYTES);
  // Small files: both windows are [0, offset), so one read and one hash serve both.
  if (tailStart === 0) {
    const hash = sha256(head);
    return { headHash: hash, tailHash: hash };
  }
  const tail = readExactly(fd, tailStart, offset - tailStart);
  if (tail === null) return null;
  return { headHash: sha256(head), tailHash: sha256(tail) };
}

/**
 * Fingerprint of the file as it is at `offset`: sha256 of bytes [0, min(offset, 4096)) and of the
 * up to 4096 bytes ending at `offset`. Throws if the file is shorter than `offset`, because a
 * fingerprint of bytes that do not exist could never match and would only hide the mistake.
 */
export function fingerprintAt(fd: number, offset: number): Fingerprint {
  const fp = tryFingerprintAt(fd, offset);
  if (fp === null) {
    throw new RangeError(`cannot fingerprint at offset ${offset}: the file is shorter than that`);
  }
  return fp;
}

/**
 * Whether a stored cursor still points into the same byte history. The inode is checked before
 * the size because a replaced file that happens to be shorter is better described as replaced.
 */
export function checkCursor(fd: number, cursor: CursorPosition): CursorCheck {
  if (cursor.offset === 0) return { kind: 'ok' };
  const stat = fstatSync(fd);
  if (cursor.inode !== null && stat.ino !== cursor.inode) return { kind: 'resync', reason: 'replaced' };
  if (stat.size < cursor.offset) return { kind: 'resync', reason: 'truncated' };
  const now = tryFingerprintAt(fd, cursor.offset);
  // Null: the file shrank between the fstat and the reads.
  if (now === null) return { kind: 'resync', reason: 'truncated' };
  if (now.headHash !== cursor.headHash || now.tailHash !== cursor.tailHash) {
    return { kind: 'resync', reason: 'rewritten' };
  }
  return { kind: 'ok' };
}
