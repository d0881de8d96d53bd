import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '../kit/errno.js';
import { isAlive, ProcessOwner, thisProcess } from '../state/session-lock.js';

/**
 * `spool/<session>/worker.alive` names the worker that is alive for a session and watching its
 * spool. The router that finds it alive only leaves the job there and does not start another
 * process. The worker removes the file before its last look at the spool, and the router writes
 * the job before it reads the file, so a job is always either seen by the leaving worker or
 * followed by a new one. `inbox/router.alive` works the same way between the sh hooks and the
 * router (src/worker/router.ts).
 */
export const ALIVE_FILE = 'worker.alive';

export class AliveFile {
  private readonly path: string;
  private readonly plain: boolean;
  private held = false;

  /**
   * `plain` writes "pid starttime" instead of JSON: the router's marker is read by the sh hooks
   * (hooks/lib/inbox.sh), which have no JSON parser.
   */
  constructor(dir: string, opts: { name?: string; plain?: boolean } = {}) {
    this.path = join(dir, opts.name ?? ALIVE_FILE);
    this.plain = opts.plain === true;
  }

  /** Claims the session for this process; false when another live worker already has it, or the spool folder is gone. */
  claim(): boolean {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(this.path, 'wx', 0o600);
        const me = thisProcess();
        writeSync(fd, this.plain ? `${me.pid} ${me.start ?? '-'}\n` : JSON.stringify(me));
        closeSync(fd);
        this.held = true;
        return true;
      } catch (err) {
        // The folder is gone: its last worker took the jobs and removed it since it was listed.
        if (isErrno(err) && err.code === 'ENOENT') return false;
        if (!(isErrno(err) && err.code === 'EEXIST')) throw err;
      }
      if (this.heldByOther()) return false;
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

  /** Whether a live process holds the marker (not this one's own claim). */
  heldByOther(): boolean {
    const owner = this.owner();
    return owner !== null && owner.pid !== process.pid && isAlive(owner.pid, owner.start);
  }

  private owner(): ProcessOwner | null {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      // Gone since EEXIST: no live owner.
      if (isErrno(err) && err.code !== 'ENOENT') throw err;
      return null;
    }
    // Half-written by a process killed while writing it: no live owner either.
    const plain = /^(\d+) (\d+|-)\n$/.exec(text);
    if (plain) return { pid: Number(plain[1]), start: plain[2] === '-' ? null : (plain[2] ?? null) };
    try {
      const parsed = ProcessOwner.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }
}
