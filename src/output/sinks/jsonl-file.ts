import { join } from 'node:path';
import { appendAllOnce } from '../append.js';
import { ensureOutputDir } from '../folders.js';
import { lockOptions, type Outgoing, type SinkContext, type SinkTarget } from './sink.js';

/**
 * Appends records to `<repo>/.changelog/<actor>/<fileName>`, each at most once per run_id (the
 * file is searched for it under the lock: append.ts), which is what makes these sinks idempotent.
 */
export async function appendToChangelog(
  to: SinkTarget,
  fileName: string,
  items: Outgoing<unknown>[],
  ctx: SinkContext,
): Promise<boolean[]> {
  const dir = ensureOutputDir(to.repo, '.changelog', [to.actor], ctx.config.changelog.commit);
  const file = join(dir, fileName);
  const results = await appendAllOnce(file, items, lockOptions(ctx, file));
  return results.map((r) => r.written);
}
