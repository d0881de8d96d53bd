import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * The `fixtures.json` beside each client's recorded fixtures: one entry per scenario, kept in the
 * order the recording script lists its scenarios, so re-recording one changes only its entry.
 */
export interface Manifest<E> {
  scenarios: Record<string, E>;
}

export function readManifest<E>(path: string): Manifest<E> {
  if (!existsSync(path)) return { scenarios: {} };
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest<E>;
}

export function writeManifest<E>(path: string, m: Manifest<E>, order: readonly { name: string }[]): void {
  const ordered: Manifest<E> = { scenarios: {} };
  for (const s of order) {
    const entry = m.scenarios[s.name];
    if (entry !== undefined) ordered.scenarios[s.name] = entry;
  }
  writeFileSync(path, `${JSON.stringify(ordered, null, 2)}\n`);
}
