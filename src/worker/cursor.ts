import type { Logger } from '../log.js';
import { Fragment } from '../devlog/fragment.js';
import type { Db } from '../state/db.js';
import { resetSubagentCursors, type SessionRow } from '../state/sessions.js';
import { type CursorCheck, checkCursor, type Fingerprint, fingerprintAt } from '../tail/fingerprint.js';
import { RunError } from './run-error.js';

/**
 * The session's byte cursor into its transcript: where a run starts reading, and what it stores
 * once the bytes before a point count. A transcript replaced, rewritten or cut under the cursor,
 * or a devlog fragment lost, is read again from its start (a re-sync), never silently skipped.
 */

export interface CursorStart {
  /** The stored row, reset to the transcript's start on a re-sync. */
  row: SessionRow;
  /** The devlog's finalized entries, at the length the row committed. */
  fragment: Fragment;
  /** On a re-sync, the old cursor: events before it were already counted in the window. */
  ignoreWindowUntil: number;
  /** Why the run re-syncs, if it does. */
  resync: string | null;
}

/** Where this run starts reading `fd` (`size` bytes), the transcript (or its lines) at `transcriptPath`. */
export function startAtCursor(
  state: { db: Db; log: Logger },
  stored: SessionRow,
  at: { sessionId: string; transcriptPath: string; fd: number; size: number; fragmentPath: string },
): CursorStart {
  const { db, log } = state;
  let row = stored;
  let fragment = Fragment.open(at.fragmentPath, row.frag_bytes);
  try {
    const check = cursorCheck(row, at.transcriptPath, fragment, at.fd);
    let ignoreWindowUntil = 0;
    let resync: string | null = null;
    if (check.kind === 'resync' && row.offset > 0) {
      log.warn(
        {
          session: at.sessionId,
          transcript: at.transcriptPath,
          reason: check.reason,
          oldOffset: row.offset,
          size: at.size,
        },
        'transcript changed under the cursor; re-syncing from the start',
      );
      resync = check.reason;
      // The conversation is rebuilt from scratch; the window keeps what it already counted.
      ignoreWindowUntil = row.offset;
      db.transaction(() => resetSubagentCursors(db, at.sessionId))();
      fragment?.reset();
      row = { ...row, ...FROM_THE_START, transcript_path: at.transcriptPath };
    }
    // Lost (shorter than committed): the re-sync above starts the conversation over.
    fragment ??= Fragment.open(at.fragmentPath, 0);
    if (!fragment) throw new RunError(`cannot open ${at.fragmentPath}`, 'EFRAGMENT');
    row.transcript_path = at.transcriptPath;
    return { row, fragment, ignoreWindowUntil, resync };
  } catch (err) {
    fragment?.close();
    throw err;
  }
}

type Resync = { kind: 'resync'; reason: string };

function cursorCheck(
  row: SessionRow,
  transcriptPath: string,
  fragment: Fragment | null,
  fd: number,
): CursorCheck | Resync {
  if (row.transcript_path !== transcriptPath) return { kind: 'resync', reason: 'replaced' };
  if (fragment === null) return { kind: 'resync', reason: 'devlog-state-lost' };
  return checkCursor(fd, { offset: row.offset, inode: row.inode, headHash: row.head_hash, tailHash: row.tail_hash });
}

/** A row's reading state at the transcript's start: nothing read, no conversation, no devlog. */
const FROM_THE_START = {
  offset: 0,
  head_hash: '',
  tail_hash: '',
  adapter_state: null,
  devlog_state: null,
  frag_bytes: 0,
  devlog_offset: -1,
} satisfies Partial<SessionRow>;

/** What a run reads: `fd` up to `end`; a transcript document is `fileSize` bytes on disk. */
export interface ReadSource {
  fd: number;
  kind: 'lines' | 'document';
  end: number;
  fileSize: number;
}

export type StoredCursor = Pick<SessionRow, 'offset' | 'source_size' | 'head_hash' | 'tail_hash'>;

/**
 * The cursor to store once the bytes before `offset` count. Taken before the commit waits on git,
 * so it describes the bytes this run read.
 */
export function cursorAt(source: ReadSource, offset: number, row: Pick<SessionRow, 'source_size'>): StoredCursor {
  const fp: Fingerprint = fingerprintAt(source.fd, offset);
  // A document's own size counts once all its messages are read (a killed run reads it again).
  const sourceSize = source.kind === 'lines' ? offset : offset === source.end ? source.fileSize : row.source_size;
  return { offset, source_size: sourceSize, head_hash: fp.headHash, tail_hash: fp.tailHash };
}
