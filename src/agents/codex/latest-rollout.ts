import { statSync } from 'node:fs';
import { join } from 'node:path';
import { threadIdFromRolloutName } from './rollout-name.js';
import { listDir } from '../../missing-path.js';

/** How recent the rollout must be to be the turn a notify without a thread id reports. */
const RECENT_MS = 120_000;

/**
 * The rollout written last under the day folders of `at` and the day before (local time, as
 * Codex names them), if written in the two minutes before `at`: for notify payloads of Codex
 * before 0.100, which name no thread.
 */
export function latestRollout(codexHome: string, at: number): { path: string; threadId: string } | null {
  const pad = (n: number) => String(n).padStart(2, '0');
  let best: { path: string; threadId: string; mtime: number } | null = null;
  for (const daysAgo of [0, 1]) {
    const d = new Date(at - daysAgo * 86_400_000);
    const dir = join(codexHome, 'sessions', String(d.getFullYear()), pad(d.getMonth() + 1), pad(d.getDate()));
    for (const name of listDir(dir)) {
      const threadId = threadIdFromRolloutName(name);
      if (!threadId || !name.startsWith('rollout-')) continue;
      const path = join(dir, name);
      const st = statSync(path, { throwIfNoEntry: false });
      // Moved (archived) since the listing: not the one.
      if (st && (!best || st.mtimeMs > best.mtime)) best = { path, threadId, mtime: st.mtimeMs };
    }
  }
  return best && Math.abs(at - best.mtime) < RECENT_MS ? { path: best.path, threadId: best.threadId } : null;
}
