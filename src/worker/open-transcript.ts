import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import type { TranscriptFormat } from '../agents/agent.js';
import { DocumentError, documentRecords, linesFile, readDocument } from '../tail/document.js';
import { RunError } from './run-error.js';

/** Opens a transcript for reading without blocking on a FIFO, and refuses anything but a file. */
export function openTranscript(path: string): number {
  let fd: number;
  try {
    // Transcripts are regular files the agent wrote; a symbolic link in their place could point
    // anywhere (and its target would end up in the repository), so it is not followed.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EOPEN';
    if (code === 'ELOOP')
      throw new RunError(`transcript ${path} is a symbolic link; not followed`, 'ESYMLINK', { cause: err });
    throw new RunError(`cannot open transcript ${path}: ${code}`, code, { cause: err });
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new RunError(`transcript ${path} is not a regular file`, 'ENOTFILE');
  }
  return fd;
}

/**
 * The transcript as lines a run reads from a byte cursor: the file itself for an appended JSONL
 * transcript; for a document the client rewrites, its records in a file of the run's own under
 * `linesDir` (src/tail/document.ts). `size` is the transcript file's own size, which tells the
 * sweep and backfill whether it changed since; `inode` is null where the file read is not the
 * transcript (the lines file is new each run).
 */
export function openSource(
  format: TranscriptFormat,
  path: string,
  linesDir: string,
  redact: (text: string) => string,
): { fd: number; size: number; inode: number | null } {
  const fd = openTranscript(path);
  const st = fstatSync(fd);
  if (format.kind === 'lines') return { fd, size: st.size, inode: st.ino };
  try {
    const records = documentRecords(readDocument(fd, path), path, format.records, redact);
    return { fd: linesFile(records, linesDir), size: st.size, inode: null };
  } catch (err) {
    if (err instanceof DocumentError) throw new RunError(err.message, err.code, { cause: err });
    throw err;
  } finally {
    closeSync(fd);
  }
}
