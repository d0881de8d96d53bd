import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * What a recorded real-client scenario did on disk, as scripts/fixture-disk.ts writes it into the
 * fixture manifests (test/fixtures/claude-code/fixtures.json, test/fixtures/codex/fixtures.json): the
 * repository root snapshotted right before the first client run and right after the last one, and the
 * commits made in between. Paths are posix, relative to that root, sorted; `.git/` is not part of it.
 */
export const FixtureDiskTruth = z.object({
  disk: z.object({ created: z.array(z.string()), modified: z.array(z.string()), deleted: z.array(z.string()) }),
  /** `git ls-files` at the start (empty when the root was not a git repository). */
  tracked: z.array(z.string()),
  /** The text of every file at the start, by path: enough to rebuild the starting repository. */
  before: z.record(z.string(), z.string()),
  /**
   * The commits made between the two snapshots, oldest first (empty when the root was not a git
   * repository): full hash in the recorded repository, committer date (strict ISO 8601) and subject.
   */
  commits: z.array(
    z.object({ hash: z.string().regex(/^[0-9a-f]{40}$/), at: z.iso.datetime({ offset: true }), subject: z.string() }),
  ),
});

export interface FixtureDisk extends z.infer<typeof FixtureDiskTruth> {
  /** The recorded repository root, absolute (the temp path the transcripts name; gone after recording). */
  root: string;
}

/**
 * Reads a fixture manifest once (`{ scenarios: { name: scenario } }`, other top-level keys as they
 * are), each scenario checked against `scenario`, and looks scenarios up; every error names the
 * file and how to record it (`record`).
 */
export function manifestReader<T>(scenario: z.ZodType<T>, path: string, client: string, record: string) {
  const schema = z.looseObject({ scenarios: z.record(z.string(), scenario) });
  let scenarios: Record<string, T> | undefined;
  const load = (): Record<string, T> => {
    if (scenarios) return scenarios;
    if (!existsSync(path)) throw new Error(`no ${client} fixture manifest: ${path} is missing; ${record}`);
    const parsed = schema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success)
      throw new Error(`${path} is not a fixtures manifest (${z.prettifyError(parsed.error)}); ${record}`);
    scenarios = parsed.data.scenarios;
    return scenarios;
  };
  const scenarioOf = (name: string): T => {
    const all = load();
    const s = Object.hasOwn(all, name) ? all[name] : undefined;
    if (s === undefined)
      throw new Error(
        `no ${client} fixture scenario "${name}" in ${path} (known: ${Object.keys(all).join(', ') || 'none'}); ${record}`,
      );
    return s;
  };
  return { scenarios: () => Object.keys(load()), scenarioOf };
}
