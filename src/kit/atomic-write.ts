import { randomUUID } from 'node:crypto';
import { closeSync, constants, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface ReplaceOptions {
  /** The mode the file ends with, whatever the umask. */
  mode: number;
  /** Runs after the new bytes are on disk, before the rename; throwing from it leaves `file` as it was. */
  beforeRename?: () => void;
}

/**
 * Replaces `file` whole, so a reader sees the old bytes or the new, never half of either: they
 * go to a temporary file beside it (the same folder, so the rename stays on one file system),
 * are flushed, and the temporary is renamed over `file`. On any failure the temporary is removed
 * and `file` is left as it was.
 */
export function replaceFileAtomically(file: string, data: string | Uint8Array, opts: ReplaceOptions): void {
  // Unique per call, not per process: a backfill runs several evaluations at once in one process.
  const tmp = join(dirname(file), `.${basename(file)}.shiplog-${process.pid}-${randomUUID()}.tmp`);
  // Exclusive and no-follow: a link planted under the temporary name is refused, never written through.
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, opts.mode);
  try {
    try {
      fchmodSync(fd, opts.mode);
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    opts.beforeRename?.();
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
