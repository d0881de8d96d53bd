import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { parserEnv } from '../worker/spawn-worker.js';
import { getEntryScript } from './entry-script.js';

/**
 * A long transcript is read in a process with one malloc arena, as the workers are: glibc gives
 * each thread that allocates (V8's collector and compiler threads) an arena of its own, and on a
 * gigabyte transcript those held ~10 MiB more at the peak (105 against 94 MiB). The environment
 * variable counts only from a process's start, so `shiplog` runs itself again for such a file;
 * a short one is not worth a second start.
 */
const RERUN_FROM_BYTES = 64 * 1024 * 1024;

/**
 * The exit code of this same command run again with one arena, or null when this process should
 * do the work itself: the setting is in place already, the file is short, or this process was not
 * started from bin/shiplog.mjs (a test calling the command in-process).
 */
export function rerunWithOneArena(transcriptPath: string): number | null {
  const entryScript = getEntryScript();
  if (entryScript === undefined || process.platform !== 'linux' || process.env['MALLOC_ARENA_MAX'] !== undefined)
    return null;
  let size: number;
  try {
    size = statSync(transcriptPath).size;
  } catch {
    // Unreadable here: the run itself reports why, with the path.
    return null;
  }
  if (size < RERUN_FROM_BYTES) return null;
  const r = spawnSync(process.execPath, [...process.execArgv, entryScript, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: parserEnv(process.env),
  });
  if (r.error) throw r.error;
  // Killed (Ctrl-C reaches both processes): end the same way, so the caller sees the signal.
  if (r.signal) process.kill(process.pid, r.signal);
  return r.status ?? 1;
}
