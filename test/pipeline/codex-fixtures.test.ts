import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { ChangelogEntry } from '../../src/changelog/schema.js';
import {
  cleanup,
  CODEX_FIXTURES,
  codexRollouts,
  gitRepo,
  readOutputs,
  ROOT,
  runInProcess,
  tempDir,
} from '../helpers.js';
import { codexFixtureDisk, codexFixtureFiles, codexFixtureScenarios } from '../codex-fixtures.js';
import { describeCodexConversions } from './codex-conversions.js';
import { applyEnd, copyRelocated, rebuildStart } from './fixture-world.js';

const GOLDEN = join(ROOT, 'test', 'golden', 'codex');
/**
 * Rollouts recorded from the real Codex CLI whose devlog is pinned byte for byte, each read through
 * by hand against its file: paginated (0.169, classic tools and code mode, a failed apply_patch
 * retried, a command interrupted by SIGINT), legacy envelope (0.140), and pre-envelope (0.20).
 */
const GOLDEN_FILES = new Set([
  'paginated-classic.jsonl',
  'paginated-code-mode.jsonl',
  'legacy-0.140.jsonl',
  'pre-envelope-0.20.jsonl',
  'patch-retry.jsonl',
  'interrupted.jsonl',
]);

// Rollouts the recorder wrote run in their scenario's repository, rebuilt as Codex left it.
const scenarioOf = new Map(codexFixtureScenarios().flatMap((s) => codexFixtureFiles(s).map((f) => [f, s] as const)));
describeCodexConversions(
  'every Codex rollout recorded from the real CLI converts',
  CODEX_FIXTURES,
  codexRollouts(),
  (rel) => (GOLDEN_FILES.has(rel) ? join(GOLDEN, rel.replace(/\.jsonl$/, '.devlog.json')) : null),
  (file) => {
    const scenario = scenarioOf.get(file);
    return scenario === undefined ? null : codexFixtureDisk(scenario);
  },
);

describe('Codex sessions, read whole', () => {
  const root = tempDir();
  after(() => cleanup(root));

  it("a paginated session: touched files, failing-then-passing test and the commit come from Codex's commands and patches", async () => {
    const dir = join(root, 'entry-check');
    const repo = join(dir, 'repo');
    // The session committed with `git commit -q`, which prints no hash: the commit is looked up in
    // the repository by its message and time. The rebuilt repository replays the recorded commit
    // (same subject, same date), so it is there as it was for Codex.
    const world = codexFixtureDisk('paginated-classic');
    assert.deepEqual(
      world.commits.map((c) => c.subject),
      ['Add notes and hello'],
    );
    rebuildStart(repo, world);
    applyEnd(repo, world);
    const [hash, at, subject] = execFileSync('git', ['log', '-1', '--format=%H%x1f%cI%x1f%s'], {
      cwd: repo,
      encoding: 'utf8',
    })
      .trim()
      .split('\x1f');
    assert.deepEqual(
      [at, subject],
      [world.commits[0]!.at, 'Add notes and hello'],
      'the replayed commit carries the recorded subject and time',
    );
    const transcript = join(dir, 'rollout.jsonl');
    copyRelocated(join(CODEX_FIXTURES, 'paginated-classic.jsonl'), transcript, world.root, repo);
    // Run long after the session (no `now`): the disk is not looked at, so the touched files below
    // are what Codex's commands and patches say.
    await runInProcess(join(dir, 'state'), {
      sessionId: 'pc',
      agent: 'codex',
      transcriptPath: transcript,
      repo,
      trigger: 'test',
      close: 'test',
    });
    const entry = ChangelogEntry.parse(JSON.parse(readOutputs(repo, 'pc').entries.trim()));
    // Net effect of the window: hello.txt created (printf >), patched, then deleted, so nothing;
    // notes.txt created, then moved.
    assert.deepEqual(entry.touched_files, {
      created: ['test.sh', 'docs/notes.md'],
      modified: [],
      deleted: [],
      moved: [],
    });
    assert.deepEqual(entry.tests, [
      { cmd: 'sh test.sh', result: 'fail' },
      { cmd: 'sh test.sh', result: 'pass' },
    ]);
    assert.deepEqual(entry.commits, [{ hash, message: 'Add notes and hello' }]);
  });

  it("a subagent thread's rollout is read where the parent waits on it, and attributed to the parent", async () => {
    const dir = join(root, 'subagent');
    const repo = join(dir, 'repo');
    gitRepo(repo);
    const day = join(dir, 'sessions', '2026', '05', '12');
    mkdirSync(day, { recursive: true });
    const parent = join(day, 'rollout-2026-05-12T13-00-00-spawn-test-uuid.jsonl');
    const at = (s: number) => `2026-05-12T10:00:${String(s).padStart(2, '0')}.000Z`;
    // The parent spawns an explorer (spawn_agent, collab_agent_spawn_end) and waits on it
    // (wait_agent, collab_waiting_end), as Codex ≥ 0.129 writes it.
    const call = (t: number, name: string, callId: string, args: object) => ({
      timestamp: at(t),
      type: 'response_item',
      payload: { type: 'function_call', name, arguments: JSON.stringify(args), call_id: callId },
    });
    const parentLines = [
      {
        timestamp: at(0),
        type: 'session_meta',
        payload: {
          id: 'spawn-test-uuid',
          timestamp: at(0),
          cwd: '/home/user/project',
          cli_version: '0.129.0',
          model_provider: 'openai',
        },
      },
      { timestamp: at(0), type: 'event_msg', payload: { type: 'task_started', turn_id: 'turn-1' } },
      {
        timestamp: at(0),
        type: 'turn_context',
        payload: { turn_id: 'turn-1', cwd: '/home/user/project', model: 'gpt-5.4' },
      },
      { timestamp: at(1), type: 'event_msg', payload: { type: 'user_message', message: 'run a review' } },
      call(2, 'spawn_agent', 'call_spawn1', { agent_type: 'explorer', message: 'review code' }),
      {
        timestamp: at(3),
        type: 'event_msg',
        payload: {
          type: 'collab_agent_spawn_end',
          call_id: 'call_spawn1',
          new_thread_id: 'child-thread-uuid',
          new_agent_role: 'explorer',
        },
      },
      call(9, 'wait_agent', 'call_wait1', { targets: ['child-thread-uuid'] }),
      {
        timestamp: at(20),
        type: 'event_msg',
        payload: {
          type: 'collab_waiting_end',
          call_id: 'call_wait1',
          agent_statuses: [{ thread_id: 'child-thread-uuid', agent_role: 'explorer' }],
        },
      },
      { timestamp: at(21), type: 'event_msg', payload: { type: 'task_complete', turn_id: 'turn-1' } },
    ];
    writeFileSync(parent, `${parentLines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const child = [
      {
        timestamp: at(4),
        type: 'session_meta',
        payload: {
          id: 'child-thread-uuid',
          cwd: '/home/user/project',
          source: { subagent: { thread_spawn: { parent_thread_id: 'spawn-test-uuid' } } },
        },
      },
      { timestamp: at(5), type: 'event_msg', payload: { type: 'user_message', message: 'review code' } },
      {
        timestamp: at(6),
        type: 'response_item',
        payload: {
          type: 'function_call',
          name: 'exec_command',
          call_id: 'k1',
          arguments: JSON.stringify({ cmd: 'rg TODO src' }),
        },
      },
      {
        timestamp: at(7),
        type: 'response_item',
        payload: {
          type: 'function_call_output',
          call_id: 'k1',
          output: 'Process exited with code 0\nOutput:\nsrc/a.ts:1: TODO\n',
        },
      },
      {
        timestamp: at(8),
        type: 'event_msg',
        payload: { type: 'task_complete', turn_id: 'c1', last_agent_message: 'One TODO left in src/a.ts.' },
      },
    ];
    writeFileSync(
      join(day, 'rollout-2026-05-12T13-00-04-child-thread-uuid.jsonl'),
      `${child.map((l) => JSON.stringify(l)).join('\n')}\n`,
    );
    await runInProcess(join(dir, 'state'), {
      sessionId: 'spawn-test-uuid',
      agent: 'codex',
      transcriptPath: parent,
      repo,
      trigger: 'test',
      close: 'test',
    });
    const doc = JSON.parse(readOutputs(repo, 'spawn-test-uuid').devlog ?? '{}') as {
      conversation: { type: string; content?: string; actions?: string[]; subagent?: unknown }[];
    };
    assert.deepEqual(
      doc.conversation.filter((e) => e.type === 'user').map((e) => e.content),
      ['run a review'],
      "the subagent's prompt is the parent's instruction, not a user prompt",
    );
    assert.ok(doc.conversation.some((e) => e.actions?.includes('ran rg TODO src')));
    assert.deepEqual(
      doc.conversation.find((e) => e.subagent !== undefined),
      {
        type: 'assistant',
        timestamp: at(8),
        content: 'One TODO left in src/a.ts.',
        subagent: { type: 'explorer', id: 'child-thread-uuid' },
      },
    );
  });
});
