import { closeSync, fsyncSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../state/session-lock.js';
import { checkOutputFile, fsyncFolder, openOutputFile } from './safe-open.js';

/**
 * Replaces `<dir>/<name>` whole, atomically: the new text goes to a temporary file beside it,
 * is synced, then renamed over the old one, so a reader (or a crash) sees the old file or the
 * new, never half of one. The caller serialises writers (a lock); `dir` was made safe by
 * ensureOutputDir.
 */
export function replaceFile(dir: string, name: string, content: string): void {
  replaceFileWith(dir, name, (put) => put(Buffer.from(content)), { syncFolder: true });
}

/**
 * {@link replaceFile} for a text written in pieces (`write` calls `put` for each): a devlog is
 * copied from its fragment file rather than held whole. `syncFolder` also syncs the rename.
 */
export function replaceFileWith(
  dir: string,
  name: string,
  write: (put: (buf: Buffer) => void) => void,
  opts: { syncFolder: boolean },
): string {
  const target = join(dir, name);
  // The rename would replace a symlink rather than write through it; still, a link or another
  // user's file where ours goes was put there by someone else, and the caller reports it.
  checkOutputFile(target);
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  // A leftover of a killed run with this pid, or a link planted under this name: removing a
  // name never touches a link's target, and the exclusive, no-follow create takes only a new file.
  rmSync(tmp, { force: true });
  const { fd } = openOutputFile(tmp, 'new');
  try {
    write((buf) => {
      for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off);
    });
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, target);
  if (opts.syncFolder) fsyncFolder(dir);
  clearDeadWriters(dir, name);
  return target;
}

/**
 * Removes temporary copies whose writer is gone: a run killed between create and rename leaves
 * one under its pid, which no later run (another pid) would reuse. A live pid's file stays.
 */
function clearDeadWriters(dir: string, name: string): void {
  const prefix = `.${name}.`;
  for (const entry of readdirSync(dir)) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
    const pid = Number(entry.slice(prefix.length, -'.tmp'.length));
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid, null)) continue;
    rmSync(join(dir, entry), { force: true });
  }
}
