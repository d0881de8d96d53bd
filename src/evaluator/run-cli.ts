import { runBounded } from '../bounded-child.js';

/**
 * Runs an evaluator CLI with the prompt on stdin, in a process group of its own (see
 * bounded-child.ts). When the time is up the group is asked to stop (SIGTERM: a CLI may tidy
 * up), and KILL_GRACE_MS later SIGKILLed and given up, however the CLI or a helper it started in
 * a session of its own (which keeps its output open) behaves; the group is killed again once the
 * CLI has exited, so nothing it started in it outlives the evaluation.
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
  /** When the CLI is asked to stop; it is killed and given up KILL_GRACE_MS later. */
  timeoutMs: number;
}

const KILL_GRACE_MS = 2000;
const MAX_OUTPUT = 16 * 1024 * 1024;

export async function runCli(bin: string, args: string[], opts: CliOptions): Promise<CliRun> {
  const r = await runBounded(bin, args, {
    input: opts.input,
    env: opts.env,
    cwd: opts.cwd,
    termAfterMs: opts.timeoutMs,
    deadlineMs: opts.timeoutMs + KILL_GRACE_MS,
    stderr: true,
    maxOutput: MAX_OUTPUT,
  });
  return {
    exitCode: r.exitCode,
    signal: r.signal,
    stdout: r.stdout,
    stderr: r.stderr,
    timedOut: r.timedOut,
    spawnError: r.spawnError === null ? null : `${r.spawnError.code ?? r.spawnError.name}: ${r.spawnError.message}`,
  };
}
