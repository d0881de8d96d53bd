import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '../config/config.js';
import { isAlive, ProcessOwner, thisProcess } from '../state/session-lock.js';

/**
 * `spool/<session>/worker.alive` names the worker that is alive for a session and watching its
 * spool. A hook that finds it alive only leaves its job there and does not start another
 * process (hooks/lib/hook-runtime.cjs reads the same file). The worker removes the file before
 * its last look at the spool, and hooks write their job before they read the file, so a job is
 * always either seen by the leaving worker or followed by a new one.
 */
export const ALIVE_FILE = 'worker.alive';


export class AliveFile {
  private readonly path: string;
  private held = false;

  constructor(spoolDir: string) {
    this.path = join(spoolDir, ALIVE_FILE);
  }

  /** Claims the session for this process; false when another live worker already has it, or the spool folder is gone. */
  claim(): boolean {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(this.path, 'wx', 0o600);
        writeSync(fd, JSON.stringify(thisProcess()));
        closeSync(fd);
        this.held = true;
        return true;
      } catch (err) {
        // The folder is gone: its last worker took the jobs and removed it since it was listed.
        if (isErrno(err) && err.code === 'ENOENT') return false;
        if (!(isErrno(err) && err.code === 'EEXIST')) throw err;
      }
      const owner = this.owner();
      if (owner && owner.pid !== process.pid && isAlive(owner.pid, owner.start)) return false;
      // Left behind by a worker that was killed: take it over.
      rmSync(this.path, { force: true });
    }
    return false;
  }

  release(): void {
    if (!this.held) return;
    rmSync(this.path, { force: true });
    this.held = false;
  }

  private owner(): ProcessOwner | null {
    try {
      const parsed = ProcessOwner.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch (err) {
      // Gone since EEXIST, or half-written by a worker killed while writing it: no live owner.
      if (isErrno(err) && err.code !== 'ENOENT') throw err;
      return null;
    }
  }
}
