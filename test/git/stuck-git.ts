import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A `git` that misbehaves on one subcommand and is the real git otherwise, first on PATH:
 * - `stubborn`: ignores SIGTERM and never finishes (a git on a hung network mount, say);
 * - `holder`: starts a grandchild in a session of its own (setsid, so outside git's process
 *   group) that keeps git's stdout open, then runs the real git.
 * Every process it leaves records its pid in `pids`, for the test to clear, and sleeps with the
 * argument `marker`.
 */
export function stuckGit(
  dir: string,
  mode: 'stubborn' | 'holder',
  subcommand: string,
): { bin: string; pids: string; marker: string } {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const pids = join(dir, 'git-pids');
  // Its sleep's argument, unique to this fake: what finds the processes it left (processesWith).
  const marker = `100000.${randomInt(1e9)}`;
  const real = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
  if (!real) throw new Error('no git on PATH');
  const misbehave =
    mode === 'stubborn'
      ? `echo $$ >> '${pids}'; trap '' TERM; exec sleep ${marker}`
      : // $! before git runs: setsid does not fork here (a background job leads no group), so it is the sleep's pid.
        // git runs only once the grandchild has left git's group: else, on a loaded machine, the
        // group kill after git's exit can take it too, and no pipe is held at all.
        `setsid sleep ${marker} & echo $! >> '${pids}'; while [ "$(cut -d' ' -f5 /proc/$!/stat 2>/dev/null)" = "$$" ]; do sleep 0.01; done; exec '${real}' "$@"`;
  writeFileSync(
    join(bin, 'git'),
    `#!/bin/sh\nfor a in "$@"; do if [ "$a" = '${subcommand}' ]; then ${misbehave}; fi; done\nexec '${real}' "$@"\n`,
  );
  chmodSync(join(bin, 'git'), 0o755);
  return { bin, pids, marker };
}
