import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import type { DocumentRecords } from '../agents/agent.js';
import type { TailItem } from './tail.js';
import { ShiplogError } from '../kit/shiplog-error.js';

/**
 * Transcripts the client rewrites whole (one JSON document per session, as Gemini CLI keeps
 * them) are read as lines: the agent splits the document into one record per message, in
 * order, and the run reads those lines like any appended JSONL transcript. Messages already
 * read are a byte prefix of the lines, so the cursor and its fingerprints (src/tail/
 * fingerprint.ts) say whether the messages read before are still there unchanged, and only
 * the new ones reach the adapter.
 */

/** Larger documents are refused with a clear error rather than read into memory. */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

export class DocumentError extends ShiplogError {
  constructor(message: string, code: string) {
    super(code, message);
    this.name = 'DocumentError';
  }
}

/** The whole document behind `fd` (a regular file the caller opened), as text. */
export function readDocument(fd: number, path: string): string {
  const size = fstatSync(fd).size;
  if (size > MAX_DOCUMENT_BYTES)
    throw new DocumentError(
      `${path} is ${size} bytes, over the ${MAX_DOCUMENT_BYTES}-byte limit for a session document`,
      'ETOOBIG',
    );
  const buf = Buffer.allocUnsafe(size);
  let n = 0;
  for (let got = -1; got !== 0 && n < size; n += got) got = readSync(fd, buf, n, size - n, n);
  return buf.subarray(0, n).toString('utf8');
}

/** The document's records, or the agent's reason it cannot read them. */
export function documentRecords(
  text: string,
  path: string,
  split: (text: string, fileName: string, redact?: (text: string) => string) => DocumentRecords,
  redact?: (text: string) => string,
): string[] {
  const r = split(text, basename(path), redact);
  if (!r.ok) throw new DocumentError(`${path}: ${r.reason}`, 'EBADDOC');
  return r.records;
}

/**
 * The records as lines in a file of the run's own, unlinked at once: the descriptor returned is
 * the only way to it, and the file goes when the run closes it (also when the run is killed).
 */
export function linesFile(records: string[], dir: string): number {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${process.pid}-${randomBytes(6).toString('hex')}.jsonl`);
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    unlinkSync(path);
    // In chunks: one string of a large session would double the memory it takes.
    let chunk: string[] = [];
    let chunkChars = 0;
    const flush = () => {
      const buf = Buffer.from(chunk.join(''));
      for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
      chunk = [];
      chunkChars = 0;
    };
    for (const r of records) {
      chunk.push(r, '\n');
      chunkChars += r.length + 1;
      if (chunkChars >= 1 << 20) flush();
    }
    flush();
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** The records as the line items a reader of the first lines (the cwd, the format) takes. */
export function* recordItems(records: string[]): Iterable<TailItem> {
  let start = 0;
  for (const text of records) {
    const end = start + Buffer.byteLength(text) + 1;
    yield { kind: 'line', text, start, end };
    start = end;
  }
}
