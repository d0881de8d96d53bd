import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '../config/config.js';
import { HookJob } from '../hooks/payload.js';
import type { Logger } from '../log.js';

export interface SpooledJob {
  file: string;
  job: HookJob;
}

/** The jobs the hooks left for one session, oldest first. Invalid ones are logged and removed. */
export function takeJobs(spoolDir: string, log: Logger): SpooledJob[] {
  let names: string[];
  try {
    names = readdirSync(spoolDir).filter((n) => n.endsWith('.json')).sort();
  } catch (err) {
    if (isErrno(err) && err.code === 'ENOENT') return [];
    throw err;
  }
  const jobs: SpooledJob[] = [];
  for (const name of names) {
    const file = join(spoolDir, name);
    let raw: string;
    try {
      raw = readFileSync(file, 'utf8');
    } catch (err) {
      // Another worker of this session removed it between readdir and read: nothing to do.
      if (isErrno(err) && err.code === 'ENOENT') continue;
      throw err;
    }
    const parsed = safeJson(raw);
    const job = HookJob.safeParse(parsed);
    if (!job.success) {
      log.warn({ file, issues: job.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`) }, 'ignored an invalid hook job');
      rmSync(file, { force: true });
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

export function removeJobs(jobs: SpooledJob[]): void {
  for (const j of jobs) rmSync(j.file, { force: true });
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    // Reported by the schema check that follows (undefined is not a job).
    return undefined;
  }
}
