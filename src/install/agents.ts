import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { runBounded } from '../bounded-child.js';

/** Which agents this machine has, so `shiplog install` wires only those. */

export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder (or not executable): keep looking.
    }
  }
  return null;
}

export function claudeConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CLAUDE_CONFIG_DIR || join(env.HOME || homedir(), '.claude');
}

export function codexHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.CODEX_HOME || join(env.HOME || homedir(), '.codex');
}

export interface AgentPresence {
  claude: { binary: string | null; configDir: string; present: boolean };
  codex: { binary: string | null; home: string; present: boolean };
}

export function detectAgents(env: NodeJS.ProcessEnv = process.env): AgentPresence {
  const claudeBin = findOnPath('claude', env);
  const codexBin = findOnPath('codex', env);
  const claudeDir = claudeConfigDir(env);
  const home = codexHome(env);
  return {
    claude: { binary: claudeBin, configDir: claudeDir, present: claudeBin !== null || existsSync(claudeDir) },
    codex: { binary: codexBin, home, present: codexBin !== null || existsSync(home) },
  };
}

export type Version = [number, number, number];

/**
 * `codex --version` → [0, 169, 0]; null when it cannot be run or says something else. Bounded
 * like every child shiplog runs: a binary that hangs (or leaves a helper holding its output)
 * cannot hang install or doctor.
 */
export async function codexVersion(binary: string, env: NodeJS.ProcessEnv = process.env): Promise<Version | null> {
  const r = await runBounded(binary, ['--version'], { cwd: process.cwd(), env: { ...env, SHIPLOG_INTERNAL: '1' }, deadlineMs: 15_000, maxOutput: 64 * 1024 });
  const m = r.exitCode === 0 ? /(\d+)\.(\d+)\.(\d+)/.exec(r.stdout) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

export const atLeast = (v: Version, min: Version): boolean => v[0] !== min[0] ? v[0] > min[0] : v[1] !== min[1] ? v[1] > min[1] : v[2] >= min[2];

/** Codex gained inline `[hooks]` in 0.124 and needs `hooks.state` trust from 0.130 (reference/codex.md §3.4). */
export const CODEX_HOOKS_SINCE: Version = [0, 124, 0];
export const CODEX_TRUST_SINCE: Version = [0, 130, 0];
