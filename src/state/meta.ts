import type { Db } from './db.js';

/**
 * Small facts the state keeps beside the sessions:
 * - `installed_at`: when `shiplog install` last ran; the sweep looks at no session older (history
 *   is `shiplog backfill`'s job);
 * - `sweep.last`: when the last sweep started, so sweeps run at most once a minute however many
 *   workers end, and the next one looks only at folders changed since.
 */
export function getMeta(db: Db, key: string): string | null {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
    key,
    value,
  );
}

/**
 * Takes the turn to sweep: null when another sweep started less than `minIntervalMs` ago (and
 * `force` is off), else the time the previous sweep started (null for the first). One transaction,
 * so of the workers ending together only one sweeps.
 */
export function claimSweep(db: Db, now: Date, minIntervalMs: number, force: boolean): { previous: Date | null } | null {
  return db
    .transaction(() => {
      const last = getMeta(db, 'sweep.last');
      const previous = last === null ? null : new Date(last);
      if (
        !force &&
        previous !== null &&
        Number.isFinite(previous.getTime()) &&
        now.getTime() - previous.getTime() < minIntervalMs
      )
        return null;
      setMeta(db, 'sweep.last', now.toISOString());
      return { previous: previous !== null && Number.isFinite(previous.getTime()) ? previous : null };
    })
    .immediate();
}
