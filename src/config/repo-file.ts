import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { readUntrusted } from '../untrusted-file.js';

/** A repository's `.shiplog.toml` is at most this big; anything larger is refused unread. */
const REPO_FILE_MAX_BYTES = 64 * 1024;

export type RepoFile =
  | { kind: 'absent'; path: string }
  | { kind: 'refused'; path: string; reason: string }
  | { kind: 'read'; path: string; text: string; sha256: string };

/**
 * Reads `<top>/.shiplog.toml` as untrusted input (untrusted-file.ts: no symlink, a regular file,
 * at most 64 KiB). The hash is of the bytes read, so `shiplog trust` and the loader agree on
 * exactly what was trusted.
 */
export function readRepoFile(top: string): RepoFile {
  const path = join(top, '.shiplog.toml');
  const read = readUntrusted(path, REPO_FILE_MAX_BYTES);
  switch (read.kind) {
    case 'absent':
      return { kind: 'absent', path };
    case 'refused':
      if (read.why === 'symlink')
        return {
          kind: 'refused',
          path,
          reason: 'is a symlink; a repository config is read only from a regular file in the repository',
        };
      if (read.why === 'not-a-file') return { kind: 'refused', path, reason: 'is not a regular file' };
      return {
        kind: 'refused',
        path,
        reason: read.size === undefined ? 'is larger than 64 KiB' : `is larger than 64 KiB (${read.size} bytes)`,
      };
    case 'failed':
      return {
        kind: 'refused',
        path,
        reason: `cannot read: ${read.error instanceof Error ? read.error.message : String(read.error)}`,
      };
    case 'read':
      return {
        kind: 'read',
        path,
        text: read.bytes.toString('utf8'),
        sha256: createHash('sha256').update(read.bytes).digest('hex'),
      };
  }
}
