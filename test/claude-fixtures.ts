import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The Claude Code transcripts recorded from the real client by scripts/make-claude-fixtures.ts
 * (see test/fixtures/claude-code/README.md), looked up through their fixtures.json.
 */
export const CLAUDE_FIXTURES_DIR = fileURLToPath(new URL('./fixtures/claude-code/', import.meta.url));

interface Manifest {
  client: string;
  scenarios: Record<string, { sessions: string[]; workspace: string; describes: string }>;
}

const RECORD = 'record them with `node --import tsx scripts/make-claude-fixtures.ts`';
let manifest: Manifest | undefined;

function load(): Manifest {
  if (manifest) return manifest;
  const path = join(CLAUDE_FIXTURES_DIR, 'fixtures.json');
  if (!existsSync(path)) throw new Error(`no Claude Code fixtures: ${path} is missing; ${RECORD}`);
  manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  return manifest;
}

function scenarioOf(scenario: string): Manifest['scenarios'][string] {
  const m = load();
  const s = Object.hasOwn(m.scenarios, scenario) ? m.scenarios[scenario] : undefined;
  if (!s) throw new Error(`no Claude Code fixture scenario "${scenario}" (known: ${Object.keys(m.scenarios).join(', ') || 'none'}); ${RECORD}`);
  return s;
}

/** Absolute path of the scenario's `index`-th main transcript (sessions in order of start). */
export function claudeFixture(scenario: string, index = 0): string {
  const s = scenarioOf(scenario);
  const id = s.sessions[index];
  if (id === undefined) throw new Error(`Claude Code fixture scenario "${scenario}" has ${s.sessions.length} session(s), no index ${index}`);
  const path = join(CLAUDE_FIXTURES_DIR, scenario, `${id}.jsonl`);
  if (!existsSync(path)) throw new Error(`Claude Code fixture ${path} is listed in fixtures.json but missing; ${RECORD}`);
  return path;
}

/** The absolute working directory the scenario's transcripts record (`cwd`). */
export function claudeFixtureWorkspace(scenario: string): string {
  return scenarioOf(scenario).workspace;
}

/** Every main transcript of every scenario, sorted. */
export function claudeFixtures(): string[] {
  const m = load();
  return Object.keys(m.scenarios)
    .flatMap((scenario) => m.scenarios[scenario]!.sessions.map((_, i) => claudeFixture(scenario, i)))
    .sort();
}
