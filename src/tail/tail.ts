import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * One item per complete line. `end` is the offset just after the line's `\n`, i.e. the cursor to
 * store once the line has been handled. An `oversized` line was skipped without being held in
 * memory; the caller records it and moves its cursor past it like any other line.
 */
export type TailItem =
  | { kind: 'line'; text: string; start: number; end: number }
  | { kind: 'oversized'; start: number; end: number };

export interface ReadLinesOptions {
  /**
   * Longest line, in bytes excluding its `\n` (a `\r` before it counts), that is decoded and
   * yielded. Longer lines become one `oversized` item. Default 8 MiB.
   */
  maxLineBytes?: number;
  /** Bytes asked of each read. Default 1 MiB. */
  chunkBytes?: number;
  /**
   * Offset to stop reading at. Default: the file size when iteration starts, so bytes a writer
   * appends while we iterate are left for the next run instead of racing with it.
   */
  endOffset?: number;
}

const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;
const DEFAULT_CHUNK_BYTES = 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}

function offset(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}

/** The options with their defaults, checked, and the offset the read stops at. */
function checkedRange(
  fd: number,
  fromOffset: number,
  opts: ReadLinesOptions,
): { maxLineBytes: number; chunkBytes: number; endOffset: number } {
  const maxLineBytes = positiveInteger('maxLineBytes', opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  const chunkBytes = positiveInteger('chunkBytes', opts.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  offset('fromOffset', fromOffset);
  const endOffset = offset('endOffset', opts.endOffset ?? fstatSync(fd).size);
  if (fromOffset > endOffset) {
    // A cursor past the end means the file shrank; yielding nothing would silently hide that.
    throw new RangeError(
      `fromOffset ${fromOffset} is past endOffset ${endOffset}; the file was truncated (check the cursor first)`,
    );
  }
  return { maxLineBytes, chunkBytes, endOffset };
}

/**
 * `buf`, or a copy of its first `filled` bytes in a buffer sized for the next read of `want` bytes.
 * Called once per read, never per line.
 */
function sizedForRead(buf: Buffer, filled: number, want: number, chunkBytes: number, maxCapacity: number): Buffer {
  if (buf.length > 2 * chunkBytes && filled <= chunkBytes) {
    // A long line made the buffer grow; give the memory back once it has passed.
    const shrunk = Buffer.allocUnsafe(chunkBytes + Math.max(filled, 1));
    buf.copy(shrunk, 0, 0, filled);
    buf = shrunk;
  }
  if (filled + want > buf.length) {
    // Only a line longer than the buffer gets here; filled <= maxLineBytes is guaranteed by
    // readLines' skip check, so capacity never exceeds chunkBytes + maxLineBytes. Two chunks
    // hold any line that merely straddles a read; a line longer than that goes to the cap at
    // once: pages of a fresh allocation cost memory only once written, where doubling held
    // each buffer and its copy together (17 MiB at the last step of a line that ends up
    // skipped at 8 MiB) and copied the line once per step.
    const capacity =
      buf.length < 2 * chunkBytes ? Math.min(maxCapacity, Math.max(filled + want, 2 * chunkBytes)) : maxCapacity;
    const grown = Buffer.allocUnsafe(capacity);
    buf.copy(grown, 0, 0, filled);
    buf = grown;
  }
  return buf;
}

/** The item for the line in [lineStart, nl) of `buf`, whose byte 0 is at file offset `base`. */
function lineItem(buf: Buffer, base: number, lineStart: number, nl: number, maxLineBytes: number): TailItem {
  const start = base + lineStart;
  const end = base + nl + 1;
  // Same verdict whether the line arrived in one chunk or many, so results never depend on chunkBytes.
  if (nl - lineStart > maxLineBytes) return { kind: 'oversized', start, end };
  const textEnd = nl > lineStart && buf[nl - 1] === CR ? nl - 1 : nl;
  return { kind: 'line', text: buf.toString('utf8', lineStart, textEnd), start, end };
}

/**
 * Yields the complete lines of `fd` between `fromOffset` and `endOffset`. A trailing line without
 * its `\n` is not yielded: the caller's cursor stays at that line's start and a later run, after
 * the writer has finished the line, reads it whole.
 *
 * Reads use explicit positions (pread), so the fd's own file position is neither used nor moved
 * and the same fd can be shared with fingerprint checks.
 *
 * Memory: one buffer that starts at min(chunkBytes, bytes to read) and only grows while a single
 * line is longer than it, up to chunkBytes + maxLineBytes. Lines are decoded from the buffer in one
 * `toString` call each, which is both what keeps split UTF-8 sequences intact (a line is decoded
 * only once all its bytes are present) and what makes this faster than readline's per-chunk
 * StringDecoder plus string splitting.
 */
export function* readLines(
  fd: number,
  fromOffset: number,
  opts: ReadLinesOptions = {},
): Generator<TailItem, void, undefined> {
  const { maxLineBytes, chunkBytes, endOffset } = checkedRange(fd, fromOffset, opts);
  if (fromOffset === endOffset) return;

  const maxCapacity = chunkBytes + maxLineBytes;
  let buf: Buffer = Buffer.allocUnsafe(Math.min(chunkBytes, endOffset - fromOffset));
  // Invariants: buf[0] is at file offset `base`; bytes [0, filled) are valid; the next read
  // starts at base + filled; [lineStart, filled) is the current partial line and holds no LF.
  let base = fromOffset;
  let filled = 0;
  let lineStart = 0;
  // While skipping, nothing is kept in buf: bytes are read and dropped until the next LF.
  let skipping = false;
  let skipStart = 0;

  for (;;) {
    const pos = base + filled;
    if (pos >= endOffset) return;
    const want = Math.min(chunkBytes, endOffset - pos);

    if (lineStart > 0) {
      // Move the partial line to the front so the buffer never grows for lines that merely
      // straddle a chunk boundary.
      if (filled > lineStart) buf.copyWithin(0, lineStart, filled);
      base += lineStart;
      filled -= lineStart;
      lineStart = 0;
    }
    buf = sizedForRead(buf, filled, want, chunkBytes, maxCapacity);

    const n = readSync(fd, buf, filled, want, base + filled);
    // Fewer bytes than fstat promised: the file was truncated under us. Stop at what exists;
    // the next run's cursor check reports the truncation.
    if (n === 0) return;
    const scanFrom = filled;
    filled += n;

    // indexOf on the whole buffer could match stale bytes past `filled`.
    const view = filled === buf.length ? buf : buf.subarray(0, filled);
    let nl = view.indexOf(LF, scanFrom);
    while (nl !== -1) {
      if (skipping) {
        skipping = false;
        yield { kind: 'oversized', start: skipStart, end: base + nl + 1 };
      } else {
        yield lineItem(buf, base, lineStart, nl, maxLineBytes);
      }
      lineStart = nl + 1;
      nl = view.indexOf(LF, lineStart);
    }

    if (!skipping && filled - lineStart > maxLineBytes) {
      skipping = true;
      skipStart = base + lineStart;
    }
    if (skipping) {
      base += filled;
      filled = 0;
      lineStart = 0;
    }
  }
}

/**
 * Opens `path`, yields its complete lines from `fromOffset` like {@link readLines}, and closes the
 * file when iteration ends, including on `break` or a thrown error.
 */
export function* readAppended(
  path: string,
  fromOffset: number,
  opts: ReadLinesOptions = {},
): Generator<TailItem, void, undefined> {
  const fd = openSync(path, 'r');
  try {
    yield* readLines(fd, fromOffset, opts);
  } finally {
    closeSync(fd);
  }
}

/**
 * The file's lines from the start, or null when it cannot be opened or read: for the quick looks
 * (format, working folder) taken before a run, which reports the real error with its path.
 */
export function peekLines<T>(path: string, opts: ReadLinesOptions, take: (lines: Iterable<TailItem>) => T): T | null {
  try {
    return take(readAppended(path, 0, opts));
  } catch {
    // Unreadable, gone, a directory: the caller treats it as unknown.
    return null;
  }
}

/** The file's first line if it is whole and at most `maxLineBytes`; null otherwise (as peekLines). */
export function peekFirstLine(path: string, maxLineBytes: number): string | null {
  return peekLines(path, { maxLineBytes }, (lines) => {
    for (const item of lines) return item.kind === 'line' ? item.text : null;
    return null;
  });
}

/** The file's first `bytes` bytes as text; '' when it cannot be read (the run that follows says why). */
export function peekHead(path: string, bytes: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } catch {
    // Missing or unreadable: the caller treats it as unknown.
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
