import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What tests of hard deadlines look at: which processes and process groups are still running. */

export function recordedPids(file: string): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

/** The pids of /proc whose file `file` reads true for `keep` (a process that ends meanwhile is left out). */
function processesWhere(file: 'stat' | 'cmdline', keep: (text: string, pid: number) => boolean): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${name}/${file}`, 'utf8');
    } catch {
      // The process ended while the list was read.
      continue;
    }
    if (keep(text, Number(name))) out.push(Number(name));
  }
  return out;
}

/** Processes still running (zombies run nothing) in process group `pgid`. */
export function groupMembers(pgid: number): number[] {
  return processesWhere('stat', (stat) => {
    // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] !== 'Z' && Number(fields[2]) === pgid;
  });
}

/** Running processes whose command line holds `text`. */
export function processesWith(text: string): number[] {
  return processesWhere('cmdline', (cmdline, pid) => cmdline.includes(text) && running(pid));
}

export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Kills each recorded process and the members of its group, if they are still the test's: the
 * fakes run with the test's folder (the pid file's) in their environment (FAKE_PIDS, PATH). A
 * recorded pid whose process ended may since belong to anyone (the kernel reuses pids), and
 * `kill(-pid)` on it once took another suite's whole process group.
 */
export function killRecorded(file: string): void {
  const tag = dirname(file);
  const ours = (pid: number) => environOf(pid).includes(tag);
  for (const pid of recordedPids(file)) {
    for (const target of new Set([pid, ...groupMembers(pid)])) {
      if (!ours(target)) continue;
      try {
        process.kill(target, 'SIGKILL');
      } catch (err) {
        // ESRCH: gone already, which is what the test asserts anyway.
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      }
    }
  }
}

/** A process's environment, or '' when it ended (or is not the user's to read). */
function environOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    return '';
  }
}

/** Waits (polling /proc, bounded) until `done()` holds; false when the bound passed first. */
export async function eventually(done: () => boolean, boundMs = 20_000): Promise<boolean> {
  const until = Date.now() + boundMs;
  while (Date.now() < until) {
    if (done()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return done();
}

/** Fails instead of hanging when a promise never settles. */
export function withinBound<T>(p: Promise<T>, boundMs = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled within ${boundMs} ms`)), boundMs);
  });
  return Promise.race([p, bound]).finally(() => clearTimeout(timer));
}

/** Pid → [ppid, argv] of every process (Linux /proc). */
export function processTable(): Map<number, { ppid: number; argv: string[] }> {
  const table = new Map<number, { ppid: number; argv: string[] }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
        .split('\0')
        .filter((a) => a.length > 0);
      table.set(Number(entry), { ppid, argv });
    } catch {
      // Gone meanwhile.
    }
  }
  return table;
}

/** Whether a descendant of `pid` runs exactly `argv` (e.g. a tool's `sleep 30`). */
export function descendantRuns(pid: number, argv: string[]): boolean {
  const table = processTable();
  const isDescendant = (p: number): boolean => {
    for (let q = table.get(p)?.ppid, hops = 0; q !== undefined && q > 1 && hops < 64; q = table.get(q)?.ppid, hops++)
      if (q === pid) return true;
    return false;
  };
  return [...table].some(([p, info]) => info.argv.join(' ') === argv.join(' ') && isDescendant(p));
}
