import { existsSync } from 'node:fs';
import type { Fragment } from '../devlog/fragment.js';
import { devlogPath, writeDevlog } from '../devlog/write.js';
import { gitInfo } from '../git.js';
import { OutputError } from '../output/output-error.js';
import { saveDevlogOffset, type SessionRow } from '../state/sessions.js';
import type { RunContext, RunOutcome } from './run-types.js';

/**
 * Brings the session's devlog document in the repository up to the stored cursor: the
 * fragment's finalized entries and the open ones, rewritten whole. A refused write (a planted
 * symlink, a foreign owner) is reported in the outcome and tried again next run; it never holds
 * back the changelog.
 */
export async function writeDevlogFile(
  ctx: Pick<RunContext, 'db' | 'log' | 'config'> & { now: () => string },
  session: { sessionId: string; repo: string; row: SessionRow; fragment: Fragment; openEntries: () => string[] },
  outcome: Pick<RunOutcome, 'devlogPath' | 'devlogError'>,
): Promise<void> {
  const { db, log, config } = ctx;
  const { sessionId, repo, row } = session;
  if (!config.devlog.enabled) return;
  // Not "lines were read": a run may have stored its cursor and died before writing the file.
  if (row.devlog_offset === row.offset && existsSync(devlogPath(repo, sessionId))) return;
  const git = await gitInfo(repo);
  try {
    const header = { session_id: sessionId, timestamp: row.last_event_at ?? ctx.now(), project_dir: repo, git };
    outcome.devlogPath = writeDevlog(repo, header, session.fragment, session.openEntries(), config.devlog.commit);
    row.devlog_offset = row.offset;
    saveDevlogOffset(db, sessionId, row.offset);
  } catch (err) {
    if (!(err instanceof OutputError)) throw err;
    outcome.devlogError = err.message;
    log.warn({ session: sessionId, code: err.code, message: err.message }, 'devlog not written');
  }
}
