import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { execFileSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { threadIdFromRolloutName } from '../../src/adapters/detect.js';
import { ChangelogEntry } from '../../src/changelog/schema.js';
import { cleanup, CODEX_FIXTURES, codexRollouts, CORPUS, gitRepo, readOutputs, ROOT, runInProcess, tempDir } from '../helpers.js';

const GOLDEN = join(ROOT, 'test', 'golden', 'codex');
/**
 * Rollouts whose devlog is pinned byte for byte, each read through by hand against its file:
 * paginated (0.169, classic tools and code mode), legacy envelope (0.140; and the 0.104 Desktop
 * session with a `compacted` record), and pre-envelope (0.20).
 */
const GOLDEN_FILES = new Set([
  'fixtures/paginated-classic.jsonl',
  'fixtures/paginated-code-mode.jsonl',
  'fixtures/legacy-0.140.jsonl',
  'fixtures/pre-envelope-0.20.jsonl',
  'corpus/localpush/rollout-2026-02-23T12-54-34-019c8a59-e9dd-71f0-9ae3-4079fe9726a9.jsonl',
]);

const schema = (name: string) => JSON.parse(readFileSync(join(ROOT, 'schema', `${name}.schema.json`), 'utf8')) as object;
const label = (file: string) => (file.startsWith(CODEX_FIXTURES) ? `fixtures/${relative(CODEX_FIXTURES, file)}` : `corpus/${relative(join(CORPUS, 'codex'), file)}`);

describe('every Codex rollout converts', () => {
  const root = tempDir();
  after(() => cleanup(root));
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.addFormat('date-time', true);
  const validateDevlog = ajv.compile(schema('devlog'));
  const validateEntry = ajv.compile(schema('changelog-entry'));

  for (const file of codexRollouts()) {
    const rel = label(file);
    it(rel, async () => {
      const dir = join(root, rel.replace(/[^A-Za-z0-9]+/g, '-'));
      const repo = join(dir, 'repo');
      gitRepo(repo);
      mkdirSync(join(dir, 'sessions'));
      const transcript = join(dir, 'sessions', basename(file));
      copyFileSync(file, transcript);
      const sessionId = threadIdFromRolloutName(basename(file)) ?? basename(file, '.jsonl');
      const outcome = await runInProcess(join(dir, 'state'), { sessionId, agent: 'codex', transcriptPath: transcript, repo, trigger: 'test', close: 'test' });
      assert.equal(outcome.oversized, 0);
      assert.deepEqual(outcome.skipped, {}, 'no rollout line is unknown to the adapter');
      const out = readOutputs(repo, sessionId);
      assert.ok(out.devlog);
      const doc = JSON.parse(out.devlog) as { conversation: { type: string; content?: string; actions?: string[] }[] };
      assert.ok(validateDevlog(doc), JSON.stringify(validateDevlog.errors?.slice(0, 3)));
      assert.ok(doc.conversation.some((e) => e.type === 'user'), 'at least one prompt');
      for (const e of doc.conversation) {
        if (e.type === 'user') assert.doesNotMatch(e.content ?? '', /^<(environment_context|user_instructions|permissions instructions)>|^# AGENTS\.md instructions/);
        if (e.type === 'assistant') assert.doesNotMatch(e.content ?? '', /"encrypted_content"/);
      }
      // Each prompt is written 2–3 times in a rollout; the devlog has it once (a prompt the user
      // really sent twice is in two turns, with the agent's work between).
      doc.conversation.forEach((e, i) => {
        const prev = doc.conversation[i - 1];
        if (e.type === 'user' && prev?.type === 'user') assert.notEqual(e.content, prev.content, `prompt ${i} is written twice`);
      });
      const entries = out.entries.trim().split('\n').map((l) => JSON.parse(l) as ChangelogEntry);
      assert.ok(entries.length >= 1);
      for (const entry of entries) {
        assert.ok(validateEntry(entry), JSON.stringify(validateEntry.errors?.slice(0, 3)));
        assert.equal(entry.tool, 'codex');
      }
      assert.equal(out.failures, '');

      if (GOLDEN_FILES.has(rel)) {
        const normalised = out.devlog.replaceAll(JSON.stringify(repo), '"<repo>"');
        const goldenPath = join(GOLDEN, `${basename(file, '.jsonl')}.devlog.json`);
        if (process.env.SHIPLOG_UPDATE_GOLDEN === '1') writeFileSync(goldenPath, normalised);
        assert.equal(normalised, readFileSync(goldenPath, 'utf8'), `devlog differs from ${goldenPath}`);
      }
    });
  }

  it('a paginated session: touched files, failing-then-passing test and the commit come from Codex\'s commands and patches', async () => {
    const dir = join(root, 'entry-check');
    const repo = join(dir, 'repo');
    gitRepo(repo);
    // The fixture committed with `git commit -q`, which prints no hash: the commit is looked up
    // in the repository by its message and time, so make it here at the time the rollout shows.
    const when = '2026-11-22T03:01:58Z';
    writeFileSync(join(repo, 'notes.txt'), 'x\n');
    execFileSync('git', ['add', '-A'], { cwd: repo });
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=T', 'commit', '-qm', 'Add notes and hello'], { cwd: repo, env: { ...process.env, GIT_COMMITTER_DATE: when, GIT_AUTHOR_DATE: when } });
    const hash = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    const transcript = join(dir, 'rollout.jsonl');
    copyFileSync(join(CODEX_FIXTURES, 'paginated-classic.jsonl'), transcript);
    await runInProcess(join(dir, 'state'), { sessionId: 'pc', agent: 'codex', transcriptPath: transcript, repo, trigger: 'test', close: 'test' });
    const entry = ChangelogEntry.parse(JSON.parse(readOutputs(repo, 'pc').entries.trim()));
    // Net effect of the window: hello.txt written, patched, then deleted; notes.txt created, then moved.
    assert.deepEqual(entry.touched_files, { created: ['test.sh', 'docs/notes.md'], modified: [], deleted: ['hello.txt'], moved: [] });
    assert.deepEqual(entry.tests, [
      { cmd: 'sh test.sh', result: 'fail' },
      { cmd: 'sh test.sh', result: 'pass' },
    ]);
    assert.deepEqual(entry.commits, [{ hash, message: 'Add notes and hello' }]);
  });

  it('a subagent thread\'s rollout is read where the parent waits on it, and attributed to the parent', async () => {
    const dir = join(root, 'subagent');
    const repo = join(dir, 'repo');
    gitRepo(repo);
    const day = join(dir, 'sessions', '2026', '05', '12');
    mkdirSync(day, { recursive: true });
    const parent = join(day, 'rollout-2026-05-12T13-00-00-spawn-test-uuid.jsonl');
    copyFileSync(join(CORPUS, 'codex', 'codemie-code', 'synthetic', 'turn-spawn-skill.jsonl'), parent);
    const at = (s: number) => `2026-05-12T10:00:${String(s).padStart(2, '0')}.000Z`;
    const child = [
      { timestamp: at(4), type: 'session_meta', payload: { id: 'child-thread-uuid', cwd: '/home/user/project', source: { subagent: { thread_spawn: { parent_thread_id: 'spawn-test-uuid' } } } } },
      { timestamp: at(5), type: 'event_msg', payload: { type: 'user_message', message: 'review code' } },
      { timestamp: at(6), type: 'response_item', payload: { type: 'function_call', name: 'exec_command', call_id: 'k1', arguments: JSON.stringify({ cmd: 'rg TODO src' }) } },
      { timestamp: at(7), type: 'response_item', payload: { type: 'function_call_output', call_id: 'k1', output: 'Process exited with code 0\nOutput:\nsrc/a.ts:1: TODO\n' } },
      { timestamp: at(8), type: 'event_msg', payload: { type: 'task_complete', turn_id: 'c1', last_agent_message: 'One TODO left in src/a.ts.' } },
    ];
    writeFileSync(join(day, 'rollout-2026-05-12T13-00-04-child-thread-uuid.jsonl'), `${child.map((l) => JSON.stringify(l)).join('\n')}\n`);
    await runInProcess(join(dir, 'state'), { sessionId: 'spawn-test-uuid', agent: 'codex', transcriptPath: parent, repo, trigger: 'test', close: 'test' });
    const doc = JSON.parse(readOutputs(repo, 'spawn-test-uuid').devlog ?? '{}') as { conversation: { type: string; content?: string; actions?: string[]; subagent?: unknown }[] };
    assert.deepEqual(doc.conversation.filter((e) => e.type === 'user').map((e) => e.content), ['run a review'], 'the subagent\'s prompt is the parent\'s instruction, not a user prompt');
    assert.ok(doc.conversation.some((e) => e.actions?.includes('ran rg TODO src')));
    assert.deepEqual(doc.conversation.find((e) => e.subagent !== undefined), { type: 'assistant', timestamp: at(8), content: 'One TODO left in src/a.ts.', subagent: { type: 'explorer', id: 'child-thread-uuid' } });
  });
});
