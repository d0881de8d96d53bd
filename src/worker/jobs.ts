import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isErrno } from '../kit/errno.js';
import { HookJob } from '../hooks/payload.js';
import { tryParseJson } from '../try-json.js';
import type { Logger } from '../log.js';

export interface SpooledJob {
  file: string;
  job: HookJob;
}

/** Where jobs that cannot be read are kept, beside the session folders: `spool/.bad/`. */
export const BAD_JOBS_DIR = '.bad';

/**
 * The router writes `<name>.json.part` and renames it to `<name>.json` (src/worker/route-inbox.ts).
 * A `.part` this old belongs to a hook that was killed between the two steps: it is looked at
 * like a job (it may be whole), so nothing the hook managed to write is lost.
 */
const ORPHAN_PART_MS = 60_000;

/**
 * The jobs the hooks left for one session, oldest first. A job that does not parse or fails the
 * schema is moved to spool/.bad/ and logged, never deleted: it is the only copy of a trigger.
 */
export function takeJobs(spoolDir: string, log: Logger, now = Date.now()): SpooledJob[] {
  let names: string[];
  try {
    names = readdirSync(spoolDir);
  } catch (err) {
    if (isErrno(err) && err.code === 'ENOENT') return [];
    throw err;
  }
  const jobs: SpooledJob[] = [];
  for (const name of names
    .filter((n) => n.endsWith('.json') || (n.endsWith('.json.part') && isOrphanPart(join(spoolDir, n), now)))
    .sort()) {
    const file = join(spoolDir, name);
    let raw: string;
    try {
      raw = readFileSync(file, 'utf8');
    } catch (err) {
      // Another worker of this session removed it between readdir and read: nothing to do.
      if (isErrno(err) && err.code === 'ENOENT') continue;
      throw err;
    }
    const job = HookJob.safeParse(tryParseJson(raw));
    if (!job.success) {
      const kept = moveAside(file);
      log.warn(
        {
          file,
          kept,
          bytes: raw.length,
          issues: job.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
        },
        'unreadable hook job moved aside',
      );
      continue;
    }
    jobs.push({ file, job: job.data });
  }
  return jobs;
}

export function hasJobs(spoolDir: string): boolean {
  try {
    return readdirSync(spoolDir).some((n) => n.endsWith('.json'));
  } catch (err) {
    if (isErrno(err) && err.code === 'ENOENT') return false;
    throw err;
  }
}

/** Called only once the run that took these jobs has committed. */
export function removeJobs(jobs: SpooledJob[]): void {
  for (const j of jobs) rmSync(j.file, { force: true });
}

/** Moves a bad job to spool/.bad/<session>-<name>; returns where it went. */
function moveAside(file: string): string {
  const session = basename(dirname(file));
  const badDir = join(dirname(dirname(file)), BAD_JOBS_DIR);
  mkdirSync(badDir, { recursive: true, mode: 0o700 });
  const target = join(badDir, `${session}-${basename(file)}`);
  try {
    renameSync(file, target);
  } catch (err) {
    // Another worker moved (or took) it first: it is kept either way.
    if (!(isErrno(err) && err.code === 'ENOENT')) throw err;
  }
  return target;
}

function isOrphanPart(file: string, now: number): boolean {
  try {
    return now - statSync(file).mtimeMs > ORPHAN_PART_MS;
  } catch (err) {
    // Renamed to its .json name by its hook since the listing: taken as a job next time.
    if (isErrno(err) && err.code === 'ENOENT') return false;
    throw err;
  }
}
