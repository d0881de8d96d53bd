import type * as ChildProcess from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// node:child_process (and the net and stream modules it loads) costs a short run ~8 ms of CPU:
// `shiplog status` loads this module but starts a sweep only once a minute (issue 18).
const requireBuiltin = createRequire(import.meta.url);

export const WORKER_ENTRY = fileURLToPath(new URL('./entry.js', import.meta.url));

/**
 * Node flags and environment of every process that parses transcripts (session workers, the
 * processes of `shiplog backfill --jobs`, `shiplog` itself in bin/shiplog.mjs; the sh hooks
 * start the router with the same flags). It parses a stream of short-lived objects: a 1 MiB
 * young generation that does not grow and a single malloc arena keep its peak memory flat on
 * gigabyte transcripts (each about halves the growth over the baseline). The small young
 * generation promotes much of that stream to the old generation, where V8 let it pile up to
 * twice the live heap before collecting: a 20% growth step collects it sooner (peak RSS of a
 * 200 MB transcript 137 -> 94 MB, CPU the same within noise).
 */
export const PARSER_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=1',
  '--semi-space-growth-factor=1',
  '--heap-growing-percent=20',
];

export const parserEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...env,
  MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX || '1',
});

/** How a detached worker is started (the router starts session workers this way; scripts/bench measures exactly this process). */
export function workerCommand(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  return { command: process.execPath, args: [...PARSER_NODE_FLAGS, WORKER_ENTRY, ...args], env: parserEnv(env) };
}

/**
 * Starts a worker in its own session with stdio on /dev/null and does not wait for it. Reports
 * a failure to start (no such program, no processes left) through `onError`.
 */
export function startDetached(args: string[], env: NodeJS.ProcessEnv, onError: (err: Error) => void): void {
  const w = workerCommand(args, env);
  const { spawn } = requireBuiltin('node:child_process') as typeof ChildProcess;
  const child = spawn(w.command, w.args, { detached: true, stdio: 'ignore', env: w.env });
  child.on('error', onError);
  child.unref();
}
