import { execa } from 'execa';
import { killGroup, trackGroup } from './leftovers.js';

/**
 * Runs an evaluator CLI with the prompt on stdin, in a process group of its own, and kills the
 * whole group when the time is up (the CLIs start helpers of their own, which a plain kill of
 * the child would leave running) and again once the child has exited, so nothing it started
 * outlives the evaluation.
 */
export interface CliRun {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The CLI could not be started at all (ENOENT, EACCES). */
  spawnError: string | null;
}

export interface CliOptions {
  input: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  timeoutMs: number;
}

const KILL_GRACE_MS = 2000;
const MAX_OUTPUT = 16 * 1024 * 1024;

export async function runCli(bin: string, args: string[], opts: CliOptions): Promise<CliRun> {
  const child = execa(bin, args, {
    input: opts.input,
    env: opts.env,
    extendEnv: false,
    cwd: opts.cwd,
    // setsid: the child leads a new process group, which is what gets killed.
    detached: true,
    reject: false,
    stripFinalNewline: false,
    maxBuffer: MAX_OUTPUT,
    encoding: 'utf8',
  });
  const pid = child.pid;
  const untrack = pid === undefined ? () => false : trackGroup(pid);
  let timedOut = false;
  let grace: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    if (pid !== undefined) killGroup(pid, 'SIGTERM');
    grace = setTimeout(() => pid !== undefined && killGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
  }, opts.timeoutMs);
  try {
    const r = await child;
    const spawnError = pid === undefined || (r.exitCode === undefined && r.signal === undefined) ? describeSpawnError(r.cause) : null;
    return {
      exitCode: r.exitCode ?? null,
      signal: r.signal ?? null,
      stdout: typeof r.stdout === 'string' ? r.stdout : '',
      stderr: typeof r.stderr === 'string' ? r.stderr : '',
      timedOut,
      spawnError,
    };
  } finally {
    clearTimeout(timer);
    if (grace) clearTimeout(grace);
    // Whatever the CLI left behind in its group (a helper it did not wait for) goes with it.
    if (pid !== undefined) killGroup(pid, 'SIGKILL');
    untrack();
  }
}

function describeSpawnError(cause: unknown): string {
  if (cause instanceof Error) return `${(cause as NodeJS.ErrnoException).code ?? cause.name}: ${cause.message}`;
  return String(cause ?? 'could not start');
}
