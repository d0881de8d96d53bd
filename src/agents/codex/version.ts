import { runBounded } from '../../bounded-child.js';

export type Version = [number, number, number];

/**
 * `codex --version` → [0, 169, 0]; null when it cannot be run or says something else. Bounded
 * like every child shiplog runs: a binary that hangs (or leaves a helper holding its output)
 * cannot hang install or doctor.
 */
export async function codexVersion(binary: string, env: NodeJS.ProcessEnv = process.env): Promise<Version | null> {
  const r = await runBounded(binary, ['--version'], {
    cwd: process.cwd(),
    env: { ...env, SHIPLOG_INTERNAL: '1' },
    deadlineMs: 15_000,
    maxOutput: 64 * 1024,
  });
  const m = r.exitCode === 0 ? /(\d+)\.(\d+)\.(\d+)/.exec(r.stdout) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

export const atLeast = (v: Version, min: Version): boolean =>
  v[0] !== min[0] ? v[0] > min[0] : v[1] !== min[1] ? v[1] > min[1] : v[2] >= min[2];

/** Codex gained inline `[hooks]` in 0.124 and needs `hooks.state` trust from 0.130 (reference/codex.md §3.4). */
export const CODEX_HOOKS_SINCE: Version = [0, 124, 0];
export const CODEX_TRUST_SINCE: Version = [0, 130, 0];
