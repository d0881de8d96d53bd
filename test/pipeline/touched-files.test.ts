import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { threadIdFromRolloutName } from '../../src/agents/codex/rollout-name.js';
import { ChangelogEntry } from '../../src/changelog/schema.js';
import { claudeFixtureDisk, claudeScenarioFiles, claudeScenarios } from '../claude-fixtures.js';
import { codexFixtureDisk, codexFixtureFiles, codexFixtureScenarios } from '../codex-fixtures.js';
import type { FixtureDisk } from '../fixture-disk.js';
import { cleanup, runInProcess, tempDir } from '../helpers.js';
import { applyEnd, copyRelocated, lastEventTime, rebuildStart } from './fixture-world.js';

/**
 * Issue 15: on the sessions recorded from the real clients, the files the entries say were
 * created, modified and deleted are exactly what the recording found on disk (precision and
 * recall 1.0). Each scenario runs, session after session, in its repository rebuilt as the client
 * found and left it (fixture-world.ts), with the worker's clock just after each session's last record.
 */

type Op = 'created' | 'modified' | 'deleted';
const root = tempDir();
after(() => cleanup(root));

/** What the entries, read in order, say the sessions did to each file, in the disk record's terms. */
function claimed(entries: ChangelogEntry[], before: ReadonlySet<string>): Record<Op, string[]> {
  const state = new Map<string, 'changed' | 'gone'>();
  for (const e of entries) {
    for (const p of [...e.touched_files.created, ...e.touched_files.modified]) state.set(p, 'changed');
    for (const p of e.touched_files.deleted) state.set(p, 'gone');
    for (const m of e.touched_files.moved) {
      state.set(m.from, 'gone');
      state.set(m.to, 'changed');
    }
  }
  const out: Record<Op, string[]> = { created: [], modified: [], deleted: [] };
  for (const [p, s] of state) {
    if (s === 'changed') out[before.has(p) ? 'modified' : 'created'].push(p);
    else if (before.has(p)) out.deleted.push(p);
  }
  for (const k of Object.keys(out) as Op[]) out[k].sort();
  return out;
}

function entriesIn(repo: string): ChangelogEntry[] {
  const dir = join(repo, '.changelog');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((actor) => {
    const file = join(dir, actor, 'entries.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => ChangelogEntry.parse(JSON.parse(l)));
  });
}

/** Precision and recall of the claimed (op, path) pairs against the disk's. */
function score(claims: Record<Op, string[]>, disk: FixtureDisk['disk']): { precision: number; recall: number } {
  const pairs = (r: Record<Op, string[]>) =>
    new Set((['created', 'modified', 'deleted'] as Op[]).flatMap((op) => r[op].map((p) => `${op} ${p}`)));
  const said = pairs(claims);
  const truth = pairs(disk);
  const hit = [...said].filter((x) => truth.has(x)).length;
  return { precision: said.size === 0 ? 1 : hit / said.size, recall: truth.size === 0 ? 1 : hit / truth.size };
}

async function measure(
  name: string,
  world: FixtureDisk,
  sessions: { id: string; agent: 'claude-code' | 'codex'; place: (repo: string, into: string) => string }[],
) {
  const dir = join(root, name);
  const repo = join(dir, 'repo');
  rebuildStart(repo, world);
  applyEnd(repo, world);
  const home = join(dir, 'state');
  for (const s of sessions) {
    const into = join(dir, 'transcripts');
    mkdirSync(into, { recursive: true });
    const transcript = s.place(repo, into);
    await runInProcess(
      home,
      { sessionId: s.id, agent: s.agent, transcriptPath: transcript, repo, trigger: 'test', close: 'session-end' },
      undefined,
      undefined,
      new Date(lastEventTime(transcript).getTime() + 1000),
    );
  }
  const claims = claimed(entriesIn(repo), new Set(Object.keys(world.before)));
  assert.deepEqual(claims, world.disk, `${name}: the entries' files against the disk`);
  assert.deepEqual(score(claims, world.disk), { precision: 1, recall: 1 });
}

describe('touched files equal what happened on disk', () => {
  for (const scenario of claudeScenarios()) {
    it(`Claude Code: ${scenario}`, async () => {
      const world = claudeFixtureDisk(scenario);
      const files = claudeScenarioFiles(scenario);
      await measure(
        `claude-${scenario}`,
        world,
        files.map((file) => ({
          id: basename(file, '.jsonl'),
          agent: 'claude-code' as const,
          place: (repo, into) => {
            const transcript = join(into, basename(file));
            copyRelocated(file, transcript, world.root, repo);
            // Subagent transcripts live beside the main file in a folder named after it.
            const companion = join(dirname(file), basename(file, '.jsonl'));
            if (existsSync(companion)) copyRelocated(companion, join(into, basename(file, '.jsonl')), world.root, repo);
            return transcript;
          },
        })),
      );
    });
  }

  for (const scenario of codexFixtureScenarios()) {
    it(`Codex: ${scenario}`, async () => {
      const world = codexFixtureDisk(scenario);
      await measure(
        `codex-${scenario}`,
        world,
        codexFixtureFiles(scenario).map((file) => ({
          id: threadIdFromRolloutName(basename(file)) ?? basename(file, '.jsonl'),
          agent: 'codex' as const,
          place: (repo, into) => {
            const rollout = join(into, basename(file));
            copyRelocated(file, rollout, world.root, repo);
            return rollout;
          },
        })),
      );
    });
  }
});
