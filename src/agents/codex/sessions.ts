import { lstatSync } from 'node:fs';
import { basename, join } from 'node:path';
import { globSync } from '../../glob.js';
import { largestCopies } from '../largest-copy.js';
import type { FoundFile, SessionFiles } from '../agent.js';
import { listDir, unlessMissing } from '../../missing-path.js';
import { codexHome } from './paths.js';
import { threadIdFromRolloutName } from './rollout-name.js';
import { isSubagentRollout } from './subagent-rollout.js';

/**
 * Codex keeps each thread as `sessions/YYYY/MM/DD/rollout-<time>-<thread id>.jsonl` (local
 * date), moved to `archived_sessions/` when archived. Subagent threads have rollouts of their
 * own, read through their parent.
 */
export const codexSessions: SessionFiles = {
  where: (env) => join(codexHome(env), 'sessions'),
  all(env) {
    // Not `onlyFiles`: it drops links silently, and a link in place of a transcript deserves a reason.
    const paths = globSync(['sessions/*/*/*/rollout-*.jsonl', 'archived_sessions/rollout-*.jsonl'], {
      cwd: codexHome(env),
      absolute: true,
      onlyFiles: false,
      followSymbolicLinks: false,
      suppressErrors: true,
      dot: false,
    });
    const found: FoundFile[] = [];
    for (const path of paths) {
      const sessionId = threadIdFromRolloutName(basename(path));
      // Not a rollout name Codex writes, or a subagent's thread.
      if (sessionId !== undefined && !isSubagentRollout(path)) found.push({ path, sessionId });
    }
    return found;
  },
  recent(env, after, now) {
    const found: FoundFile[] = [];
    // Files go into the folder of their local date: only the days since `after` can hold new ones.
    for (const day of daysBetween(new Date(after), now)) {
      const dir = join(codexHome(env), 'sessions', day);
      const st = unlessMissing(() => lstatSync(dir), null);
      if (st === null || !st.isDirectory() || st.mtimeMs < after) continue;
      for (const name of listDir(dir)) {
        const sessionId = threadIdFromRolloutName(name);
        const path = join(dir, name);
        if (sessionId !== undefined && !isSubagentRollout(path)) found.push({ path, sessionId });
      }
    }
    return found;
  },
  pickCopies: (found) => largestCopies(found, (kept) => `another copy of this thread is larger: ${kept.path}`),
};

/** `YYYY/MM/DD` (local time, as Codex names its folders) for each day from `from` to `to`, the last month at most. */
function daysBetween(from: Date, to: Date): string[] {
  const pad = (n: number) => String(n).padStart(2, '0');
  // A floor older than a month: the last month is what a sweep can afford to list.
  const start = new Date(Math.max(from.getTime(), to.getTime() - 30 * 86_400_000));
  const out: string[] = [];
  for (
    const d = new Date(start.getFullYear(), start.getMonth(), start.getDate());
    d.getTime() <= to.getTime();
    d.setDate(d.getDate() + 1)
  ) {
    out.push(`${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())}`);
  }
  return out;
}
