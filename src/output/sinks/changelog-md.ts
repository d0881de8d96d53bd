import { join } from 'node:path';
import { readUntrusted } from '../../untrusted-file.js';
import { acquireAppendLock } from '../append-lock.js';
import { ensureOutputDir } from '../folders.js';
import { OutputError } from '../output-error.js';
import { replaceFile } from '../replace-file.js';
import { checkOutputFile } from '../safe-open.js';
import { addSections } from './changelog-md-text.js';
import { type EntrySink, lockOptions } from './sink.js';

/** A changelog far past this is refused rather than read whole into memory at every delivery. */
const MAX_BYTES = 32 * 1024 * 1024;

/**
 * `.changelog/<actor>/changelog.md`: the entries as a page people read, newest first. Off unless
 * `changelog.markdown` is on. The file is regenerated whole under the actor's lock and renamed
 * into place, so two workers never lose each other's sections and a reader never sees half a file.
 */
export const changelogMd: EntrySink = {
  name: 'changelog.md',
  takes: 'entries',
  enabled: (config) => config.changelog.markdown,
  async deliver(to, items, ctx) {
    const dir = ensureOutputDir(to.repo, '.changelog', [to.actor], ctx.config.changelog.commit);
    const file = join(dir, 'changelog.md');
    // Refused before any lock is made for it.
    checkOutputFile(file);
    const lock = await acquireAppendLock(file, lockOptions(ctx, file));
    try {
      const entries = items.map((i) => i.record);
      const { text, added } = addSections(readChangelog(file), to.actor, entries);
      if (!added.some(Boolean)) return added;
      // Its lock file was removed while held (the state folder wiped): another writer may hold a new one.
      if (!lock.stillHeld()) throw new OutputError(`the lock of ${file} was lost; nothing was written`, 'ELOCKLOST');
      replaceFile(dir, 'changelog.md', text);
      return added;
    } finally {
      lock.release();
    }
  },
};

/** The page's text, or null when there is none yet; only a regular file, never read through a link. */
function readChangelog(file: string): string | null {
  const read = readUntrusted(file, MAX_BYTES);
  switch (read.kind) {
    case 'absent':
      return null;
    case 'read':
      return read.bytes.toString('utf8');
    case 'failed':
      throw read.error;
    case 'refused':
      if (read.why === 'symlink')
        throw new OutputError(
          `${file} is a symlink; shiplog writes only into real files and folders of the repository`,
          'ESYMLINK',
        );
      if (read.why === 'not-a-file') throw new OutputError(`${file} exists and is not a regular file`, 'ENOTFILE');
      throw new OutputError(
        `${file} is larger than ${MAX_BYTES} bytes; move it aside and shiplog starts a new one`,
        'ETOOLARGE',
      );
  }
}
