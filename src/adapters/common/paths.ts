/**
 * File paths as the devlog shows them: relative to the session's project folder when inside it,
 * else as given. Handles POSIX and Windows absolute paths, trailing separators, and relative shell
 * operands resolved against the record's own cwd.
 */

import { posix } from 'node:path';

export interface PathBase {
  /** The record's own cwd (where relative paths and shell commands start). */
  cwd: string | undefined;
  /** The session's project folder (first cwd seen). */
  root: string | undefined;
}

function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || p.startsWith('\\\\') || /^[A-Za-z]:[\\/]/.test(p);
}

function trimTrailingSeparators(p: string): string {
  const trimmed = p.replace(/[\\/]+$/, '');
  return trimmed === '' ? p.slice(0, 1) : trimmed;
}

/** `abs` relative to `dir` when it lies inside it ('.' for the folder itself), else undefined. */
function relativeInside(abs: string, dir: string): string | undefined {
  const base = trimTrailingSeparators(dir);
  if (abs === base) return '.';
  if (base === '/') return abs.startsWith('/') ? abs.slice(1) : undefined;
  for (const sep of ['/', '\\']) {
    if (abs.startsWith(base + sep)) return abs.slice(base.length + 1);
  }
  return undefined;
}

/**
 * The folder paths are shown relative to: the repository's top level when the session's folder
 * lies inside it (a session in `services/api` names `services/api/config.js`, as its entry and
 * git do), else the session's own folder.
 */
export function projectRoot(sessionRoot: string | undefined, repoRoot: string | undefined): string | undefined {
  if (repoRoot === undefined || sessionRoot === undefined) return sessionRoot;
  return relativeInside(trimTrailingSeparators(sessionRoot), repoRoot) !== undefined
    ? trimTrailingSeparators(repoRoot)
    : sessionRoot;
}

/**
 * A path as the devlog shows it: relative to the session's project folder when inside it, else
 * as given. The project folder (first cwd) is used rather than each record's cwd because 1.0.x
 * records follow `cd` inside subagents (one corpus file wanders through three cwds), and
 * `types/todo.ts` relative to a wandering cwd would be ambiguous. Relative input paths (shell
 * operands) are resolved against the record's cwd first.
 */
export function repoPath(raw: string, base: PathBase): string {
  const p = trimTrailingSeparators(raw);
  const root = base.root ?? base.cwd;
  if (isAbsolutePath(p)) return (root !== undefined && relativeInside(p, root)) || p;
  const cwd = base.cwd;
  if (cwd === undefined || root === undefined || cwd === root || !cwd.startsWith('/')) {
    return posix.normalize(p).replace(/\/+$/, '') || p;
  }
  const abs = posix.join(cwd, p);
  return relativeInside(abs, root) ?? abs;
}
