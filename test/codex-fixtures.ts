import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { FixtureDiskTruth, manifestReader, type FixtureDisk } from './fixture-disk.js';

/** Rollouts written by the real Codex CLI against the mock (the same folder as helpers.ts's CODEX_FIXTURES). */
const CODEX_FIXTURES = fileURLToPath(new URL('./fixtures/codex/', import.meta.url));

/**
 * test/fixtures/codex/fixtures.json as scripts/make-codex-fixtures.ts writes it: for each scenario
 * it recorded, the Codex version, the rollout files, the workspace (the git repository root and the
 * rollouts' cwd) and what happened there on disk (see test/fixtures/codex/README.md). Fixtures
 * recorded before the manifest existed (legacy-0.140, pre-envelope-0.20) have no entry.
 */
const Scenario = z.object({
  version: z.string(),
  fixtures: z.array(z.string()),
  workspace: z.string(),
  ...FixtureDiskTruth.shape,
});

const RECORD = 'record them with `node --import tsx scripts/make-codex-fixtures.ts`';
const { scenarios, scenarioOf } = manifestReader(Scenario, join(CODEX_FIXTURES, 'fixtures.json'), 'Codex', RECORD);

/** The scenario's rollout files (absolute paths), in the order the script wrote them. */
export function codexFixtureFiles(scenario: string): string[] {
  return scenarioOf(scenario).fixtures.map((f) => join(CODEX_FIXTURES, f));
}

/** What the scenario did on disk; `root` is the recorded workspace (the repository root, the rollouts' cwd). */
export function codexFixtureDisk(scenario: string): FixtureDisk {
  const s = scenarioOf(scenario);
  return { root: s.workspace, disk: s.disk, tracked: s.tracked, before: s.before, commits: s.commits };
}

/** The scenarios fixtures.json lists. */
export function codexFixtureScenarios(): string[] {
  return scenarios();
}
