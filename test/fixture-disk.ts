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
  commits: z.array(z.object({ hash: z.string().regex(/^[0-9a-f]{40}$/), at: z.iso.datetime({ offset: true }), subject: z.string() })),
});

export interface FixtureDisk extends z.infer<typeof FixtureDiskTruth> {
  /** The recorded repository root, absolute (the temp path the transcripts name; gone after recording). */
  root: string;
}
