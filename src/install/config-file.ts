import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isErrno } from '../config/config.js';

/**
 * Reading and replacing an agent's config file. The agent may rewrite the file itself while we
 * work (Codex does, to record settings): the change is computed from what was read, and written
 * only if the file still holds exactly that, by rename, so neither side's edit is half-applied.
 */

export class ConcurrentEditError extends Error {
  constructor(readonly file: string) {
    super(`${file} changed while shiplog was editing it`);
    this.name = 'ConcurrentEditError';
  }
}

/** The file's text, or null when there is no such file. */
export function readConfigText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (isErrno(err) && err.code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Replaces `file` with `after` when it differs from `before` (what was read; null: no file).
 * The previous version is kept as `<file>.shiplog.bak`; the mode of the old file is kept (Codex
 * makes its config 0600). Returns whether anything was written.
 */
export function replaceConfigText(file: string, before: string | null, after: string, newMode = 0o644): boolean {
  if (before !== null && before === after) return false;
  mkdirSync(dirname(file), { recursive: true });
  const mode = before !== null ? statSync(file).mode & 0o777 : newMode;
  const tmp = `${file}.shiplog-${process.pid}.tmp`;
  writeFileSync(tmp, after, { mode });
  try {
    chmodSync(tmp, mode);
    if (readConfigText(file) !== before) throw new ConcurrentEditError(file);
    if (before !== null && existsSync(file)) copyFileSync(file, `${file}.shiplog.bak`);
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
  return true;
}

/** Runs read → edit → replace, starting over (a few times) when the agent edits the file meanwhile. */
export function editConfigFile(file: string, edit: (text: string | null) => string, newMode?: number): boolean {
  for (let attempt = 0; ; attempt++) {
    const before = readConfigText(file);
    const after = edit(before);
    try {
      return replaceConfigText(file, before, after, newMode);
    } catch (err) {
      if (!(err instanceof ConcurrentEditError) || attempt >= 4) throw err;
    }
  }
}
