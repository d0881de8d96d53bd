import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killGroup, trackGroup } from './evaluator/leftovers.js';

/**
 * Runs a program (git, an evaluator CLI) with a hard deadline. It leads a process group of its
 * own, and at the deadline the whole group is SIGKILLed and the run given up, whether or not the
 * program has exited by then (one stuck on a hung network mount exits only when the mount
 * answers). Its stdout and stderr go to unlinked temporary files, not pipes: a grandchild that
 * left the group (setsid) and keeps them open cannot make the run wait for an end of file that
 * never comes, and the output is complete as soon as the program has exited.
 */
export interface BoundedRun {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** The deadline (or the soft one, `termAfterMs`) passed before the program exited. */
  timedOut: boolean;
  /** The program could not be started at all (ENOENT, EACCES). */
  spawnError: NodeJS.ErrnoException | null;
}

export interface BoundedOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Written to the program's stdin, which is then closed; without it stdin is /dev/null. */
  input?: string;
  /** When the group is SIGKILLed and the run given up, from the start. */
  deadlineMs: number;
  /** Asks the group to stop (SIGTERM) this long after the start, before the deadline kills it. */
  termAfterMs?: number;
  /** Keep stderr (default: discarded). */
  stderr?: boolean;
  /** The most output kept per stream, its end; a program writing past it is killed. */
  maxOutput: number;
}

/** How often a running program's output files are measured against `maxOutput`. */
const SIZE_CHECK_MS = 1000;

export function runBounded(bin: string, args: string[], opts: BoundedOptions): Promise<BoundedRun> {
  const out = anonymousFile();
  const err = opts.stderr ? anonymousFile() : null;
  return new Promise((resolve) => {
    let settled = false;
    let timedOut = false;
    let untrack: () => void = () => undefined;
    const timers: NodeJS.Timeout[] = [];
    const child = spawn(bin, args, {
      cwd: opts.cwd,
      env: opts.env,
      // setsid: the child leads a new process group, which is what the deadline kills.
      detached: true,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', out, err ?? 'ignore'],
    });
    const pid = child.pid;
    const finish = (exitCode: number | null, signal: string | null, spawnError: NodeJS.ErrnoException | null) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      // Whatever the program left in its group (a helper it did not wait for) goes with it.
      if (pid !== undefined) killGroup(pid, 'SIGKILL');
      untrack();
      child.stdin?.destroy();
      // Given up at the deadline while still running (SIGKILL waits for a hung mount): it must
      // not keep this process alive. Its exit is still reaped when it comes.
      child.unref();
      const stdout = readTail(out, opts.maxOutput);
      const stderr = err === null ? '' : readTail(err, opts.maxOutput);
      closeSync(out);
      if (err !== null) closeSync(err);
      resolve({ exitCode, signal, stdout, stderr, timedOut, spawnError });
    };
    child.on('error', (e: NodeJS.ErrnoException) => finish(null, null, e));
    child.on('exit', (code, signal) => finish(code, signal, null));
    if (pid === undefined) return; // 'error' follows: the program could not be started.
    untrack = trackGroup(pid);
    if (opts.input !== undefined && child.stdin) {
      // EPIPE: the program exited or closed stdin without reading all of it, which is its choice.
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.input);
    }
    if (opts.termAfterMs !== undefined && opts.termAfterMs < opts.deadlineMs) {
      timers.push(
        setTimeout(() => {
          timedOut = true;
          killGroup(pid, 'SIGTERM');
        }, opts.termAfterMs),
      );
    }
    timers.push(
      setTimeout(() => {
        timedOut = true;
        finish(null, 'SIGKILL', null);
      }, opts.deadlineMs),
    );
    const sizes = setInterval(() => {
      if (fstatSync(out).size > opts.maxOutput || (err !== null && fstatSync(err).size > opts.maxOutput))
        killGroup(pid, 'SIGKILL');
    }, SIZE_CHECK_MS);
    sizes.unref();
    timers.push(sizes);
  });
}

/** A private temporary file, unlinked at once: nothing is left behind whatever happens next. */
function anonymousFile(): number {
  const path = join(tmpdir(), `shiplog-out-${process.pid}-${randomBytes(8).toString('hex')}`);
  // 'wx+': created here, never an existing file or a link someone planted under this name.
  const fd = openSync(path, 'wx+', 0o600);
  unlinkSync(path);
  return fd;
}

/** The last `max` bytes written to `fd`, as UTF-8. */
function readTail(fd: number, max: number): string {
  const size = fstatSync(fd).size;
  const length = Math.min(size, max);
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, size - length + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got).toString('utf8');
}
