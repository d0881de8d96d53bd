import { rmSync } from 'node:fs';
import { isErrno } from '../kit/errno.js';

/**
 * What a child run leaves if shiplog exits in the middle of it (a second Ctrl-C in `shiplog
 * backfill`, which calls process.exit): the process group of git or an evaluator CLI, in a
 * session of its own so no terminal signal reaches it (see bounded-child.ts), and the temporary
 * folder holding a copy of the user's Codex login. Both are cleared on the way out; `finally`
 * blocks do not run on process.exit.
 */
const groups = new Set<number>();
const dirs = new Set<string>();
let hooked = false;

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const pid of groups) killGroup(pid, 'SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
}

export function trackGroup(pid: number): () => void {
  hook();
  groups.add(pid);
  return () => groups.delete(pid);
}

export function trackDir(dir: string): () => void {
  hook();
  dirs.add(dir);
  return () => dirs.delete(dir);
}

export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    // ESRCH: the group is already empty, which is the goal.
    if (!(isErrno(err) && err.code === 'ESRCH')) throw err;
  }
}
