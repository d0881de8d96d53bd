import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { FixtureDiskTruth, manifestReader, type FixtureDisk } from './fixture-disk.js';

/**
 * The Claude Code transcripts recorded from the real client by scripts/make-claude-fixtures.ts
 * (see test/fixtures/claude-code/README.md), looked up through their fixtures.json.
 */
const CLAUDE_FIXTURES_DIR = fileURLToPath(new URL('./fixtures/claude-code/', import.meta.url));

/** A scenario in fixtures.json as scripts/make-claude-fixtures.ts writes it (beside `client`, its version). */
const Scenario = z.object({
  sessions: z.array(z.string()),
  workspace: z.string(),
  describes: z.string(),
  /** The repository root: the git top level (= `workspace` unless the scenario ran in a folder inside it). */
  root: z.string(),
  ...FixtureDiskTruth.shape,
});

const RECORD = 'record them with `node --import tsx scripts/make-claude-fixtures.ts`';
const { scenarios, scenarioOf } = manifestReader(
  Scenario,
  join(CLAUDE_FIXTURES_DIR, 'fixtures.json'),
  'Claude Code',
  RECORD,
);

/** Absolute path of the scenario's `index`-th main transcript (sessions in order of start). */
export function claudeFixture(scenario: string, index = 0): string {
  const s = scenarioOf(scenario);
  const id = s.sessions[index];
  if (id === undefined)
    throw new Error(
      `Claude Code fixture scenario "${scenario}" has ${s.sessions.length} session(s), no index ${index}`,
    );
  const path = join(CLAUDE_FIXTURES_DIR, scenario, `${id}.jsonl`);
  if (!existsSync(path))
    throw new Error(`Claude Code fixture ${path} is listed in fixtures.json but missing; ${RECORD}`);
  return path;
}

/** The absolute working directory the scenario's transcripts record (`cwd`). */
export function claudeFixtureWorkspace(scenario: string): string {
  return scenarioOf(scenario).workspace;
}

/**
 * What the scenario did on disk (test/fixtures/claude-code/README.md): `root` is the recorded
 * repository root (absolute; the workspace, or for `subfolder` the repository the cwd is in), the
 * paths in `disk`/`tracked`/`before` are relative to it.
 */
export function claudeFixtureDisk(scenario: string): FixtureDisk {
  const s = scenarioOf(scenario);
  return { root: s.root, disk: s.disk, tracked: s.tracked, before: s.before, commits: s.commits };
}

/** Every main transcript of every scenario, sorted. */
export function claudeFixtures(): string[] {
  return scenarios().flatMap(claudeScenarioFiles).sort();
}

/** The recorded scenarios, in the manifest's order. */
export function claudeScenarios(): string[] {
  return scenarios();
}

/** The scenario's main transcripts, in order of start. */
export function claudeScenarioFiles(scenario: string): string[] {
  return scenarioOf(scenario).sessions.map((_, i) => claudeFixture(scenario, i));
}
