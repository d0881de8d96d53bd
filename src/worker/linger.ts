/**
 * How long a worker waits for its session's next turn after a run. Lingering saves the next
 * hook a process start, but an idle worker holds its memory (about 66 MB) all the while, so it
 * stays only while a turn is likely: twice the gap since the session's previous run, never less
 * than a short floor (a reply read and answered) and never more than `worker.linger_seconds`. A
 * session's first run has no gap to go by and gets the whole setting.
 */
export const LINGER_FLOOR_MS = 20_000;

export function lingerFor(settingMs: number, previousRunAt: string | null | undefined, now: number): number {
  if (!previousRunAt) return settingMs;
  const gap = now - Date.parse(previousRunAt);
  if (!Number.isFinite(gap) || gap < 0) return settingMs;
  return Math.min(settingMs, Math.max(LINGER_FLOOR_MS, 2 * gap));
}
