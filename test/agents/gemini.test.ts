import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { agentFor } from '../../src/agents/registry.js';
import type { AgentEvent } from '../../src/events.js';
import type { HookPayload } from '../../src/hooks/payload.js';
import { MAX_DOCUMENT_BYTES } from '../../src/tail/document.js';
import { cleanup, gitRepo, readOutputs, ROOT, runAdapter, runInProcess, tempDir } from '../helpers.js';

/**
 * Gemini CLI sessions recorded from the real client (test/fixtures/gemini, made by
 * scripts/make-gemini-fixtures.ts): the 0.61 append-only log, and the whole-file document of
 * 0.38 that is rewritten on every change.
 */
const FIXTURES = join(ROOT, 'test', 'fixtures', 'gemini');
const gemini = agentFor('gemini');

function events(name: string): AgentEvent[] {
  return runAdapter(gemini.adapter, records(name), { ctx: { repoRoot: workspace(name) } }).events;
}

function records(name: string): string[] {
  const format = gemini.format(join(FIXTURES, name));
  const text = readFileSync(join(FIXTURES, name), 'utf8');
  if (format.kind === 'lines') return text.split('\n');
  const r = format.records(text, name);
  assert.ok(r.ok, 'the fixture splits into records');
  return r.records;
}

function workspace(name: string): string {
  const manifest = JSON.parse(readFileSync(join(FIXTURES, 'fixtures.json'), 'utf8')) as {
    scenarios: Record<string, { workspace: string; fixtures: string[] }>;
  };
  const scenario = Object.values(manifest.scenarios).find((s) => s.fixtures.includes(name));
  assert.ok(scenario, `${name} is in fixtures.json`);
  return scenario.workspace;
}

/** What a reader would see: prompts, replies, and each call with how it ended. */
function story(evs: AgentEvent[]): string[] {
  const results = new Map<string, AgentEvent & { kind: 'tool_result' }>();
  const seen = new Set<string>();
  for (const e of evs) if (e.kind === 'tool_result') results.set(e.callId, e);
  const out: string[] = [];
  for (const e of evs) {
    const key =
      e.kind === 'prompt'
        ? `p${e.id}`
        : e.kind === 'reply'
          ? `r${e.partId}`
          : e.kind === 'tool_call'
            ? `c${e.callId}`
            : null;
    if (key === null || seen.has(key)) continue;
    seen.add(key);
    if (e.kind === 'prompt') out.push(`user: ${e.text}`);
    if (e.kind === 'reply') out.push(`gemini: ${e.text}`);
    if (e.kind === 'tool_call') {
      const r = results.get(e.callId);
      out.push(
        `${e.action} -> ${r === undefined ? 'no result' : r.outcome ? `${r.outcome}${r.reason ? ` (${r.reason})` : ''}` : 'ok'}${r?.files?.some((f) => f.op === 'created') ? ' [created]' : ''}`,
      );
    }
  }
  return out;
}

const BUILD = [
  'user: Create greet.js with a greet(name) function and a test for it in test.js, then run the test.',
  'gemini: I will create the module and its test.',
  'edited greet.js -> ok [created]',
  'edited test.js -> ok [created]',
  'ran node test.js -> failed (exit 1)',
  'gemini: I created greet.js and test.js. The test fails: greet("Ada") returns "Hello Ada" instead of "Hello, Ada!".',
  'user: Fix greet so the test passes, run it again and commit.',
  'edited greet.js -> ok',
  'ran node test.js -> ok',
  'ran git add greet.js test.js && git commit -q -m "Add greet with a passing test" -> ok',
  'gemini: greet.js now returns "Hello, Ada!"; the test passes and both files are committed.',
];

describe('gemini adapter on sessions written by the real Gemini CLI', () => {
  it('0.61 log: two turns, each prompt, reply and call once, though messages are appended again as they change', () => {
    assert.deepEqual(story(events('build.jsonl')), BUILD);
  });

  it('0.38 document: the same conversation as the log', () => {
    assert.deepEqual(story(events('legacy-0.38.json')), BUILD);
  });

  it('the rebuilt history a resumed run writes ($set messages) and the CLI context are not conversation', () => {
    const prompts = events('hooks.jsonl')
      .filter((e) => e.kind === 'prompt')
      .map((e) => (e.kind === 'prompt' ? e.text : ''));
    assert.deepEqual(prompts, [
      'Write notes.txt saying hello.',
      'Show me notes.txt.',
      'Append a second line to notes.txt.',
    ]);
    assert.deepEqual(
      events('build.resume-stub.jsonl').filter((e) => e.kind !== 'session'),
      [],
      'the stub a resume starts holds nothing',
    );
  });

  it("the CLI's session context and a hook's added context are not prompts, wherever a release writes them", () => {
    const user = (id: string, content: unknown) =>
      JSON.stringify({ id, timestamp: '2026-12-07T10:00:00.000Z', type: 'user', content });
    const evs = runAdapter(gemini.adapter, [
      user('u1', [{ text: '<session_context>\nThis is the Gemini CLI.\n</session_context>' }]),
      user('u2', [{ text: '<hook_context>branch main</hook_context>\nAdd a README.' }]),
    ]).events;
    assert.deepEqual(
      evs.map((e) => (e.kind === 'prompt' ? e.text : e.kind)),
      ['Add a README.'],
    );
  });

  it('failed, refused and non-zero calls are never done; a call the CLI never finished is not claimed', () => {
    assert.deepEqual(
      story(events('failed.jsonl')).filter((l) => !l.startsWith('gemini:')),
      [
        'user: Put a comma in the greeting in app.txt and add a package.json.',
        'edited app.txt -> failed (old_string not found)',
        'ran cat app.txt -> ok',
        'edited app.txt -> ok',
        'edited package.json -> refused (denied by policy)',
        'ran sh check.sh -> failed (exit 3)',
        'used no_such_tool -> refused (no such tool)',
      ],
    );
    // Interrupted by SIGTERM mid-command: the file has the prompt and no call at all.
    assert.deepEqual(story(events('interrupted.jsonl')), ['user: Run the slow job.']);
  });
});

describe('gemini turn end', () => {
  it("AfterAgent's prompt_response, which joins every message of the turn, is found in the log once the last one is written", () => {
    const payloads = readFileSync(join(FIXTURES, 'legacy-0.38.hook-payloads.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; payload: HookPayload });
    const first = payloads.find((p) => p.event === 'AfterAgent')?.payload;
    assert.ok(first && String(first.prompt_response).includes('\n'), 'a turn of two messages');
    const holds = gemini.hooks?.turnEnd?.(first);
    assert.ok(holds);
    const turn1 = readFileSync(join(FIXTURES, 'build.turn1.jsonl'));
    assert.equal(holds(turn1), true, 'the whole turn is in the file');
    const beforeLast = turn1.subarray(0, turn1.indexOf('I created greet.js and test.js. The test fails'));
    assert.equal(holds(beforeLast), false, 'not before its last message');
  });
});

describe('gemini sessions through the pipeline', () => {
  const root = tempDir();
  after(() => cleanup(root));

  it('a log read after turn 1 and again after turn 2 reads only the new messages and writes what one run writes', async () => {
    const once = gitRepo(join(root, 'once'));
    const twice = gitRepo(join(root, 'twice'));
    const path = join(root, 'session-2026-12-07T14-42-f8c48a7e.jsonl');
    copyFileSync(join(FIXTURES, 'build.jsonl'), path);
    await runInProcess(join(root, 'state-once'), {
      sessionId: 'g1',
      agent: 'gemini',
      transcriptPath: path,
      repo: once,
      trigger: 'test',
      close: 'process',
    });

    copyFileSync(join(FIXTURES, 'build.turn1.jsonl'), path);
    const first = await runInProcess(join(root, 'state-twice'), {
      sessionId: 'g1',
      agent: 'gemini',
      transcriptPath: path,
      repo: twice,
      trigger: 'test',
    });
    copyFileSync(join(FIXTURES, 'build.jsonl'), path);
    const second = await runInProcess(join(root, 'state-twice'), {
      sessionId: 'g1',
      agent: 'gemini',
      transcriptPath: path,
      repo: twice,
      trigger: 'test',
      close: 'process',
    });
    assert.equal(second.resync, null, 'turn 1 is a prefix of the log: no re-read');
    assert.equal(first.bytesRead + second.bytesRead, readFileSync(path).length, 'every byte read once');

    const a = readOutputs(once, 'g1');
    const b = readOutputs(twice, 'g1');
    assert.equal(b.devlog?.replaceAll(twice, once), a.devlog);
    const tools = (entries: string) =>
      entries
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { tool: string }).tool);
    assert.deepEqual(tools(a.entries), ['gemini']);
    assert.deepEqual(tools(b.entries), ['gemini']);
  });

  it('a rewritten 0.38 document: only the messages after those read before are new; a changed earlier one re-reads the session without writing its work twice', async () => {
    const repo = gitRepo(join(root, 'legacy'));
    const path = join(root, 'session-2026-12-07T14-38-9797afdb.json');
    copyFileSync(join(FIXTURES, 'legacy-0.38.turn1.json'), path);
    const home = join(root, 'state-legacy');
    const turn1 = await runInProcess(home, {
      sessionId: 'g2',
      agent: 'gemini',
      transcriptPath: path,
      repo,
      trigger: 'test',
      close: 'turn',
    });
    const again = await runInProcess(home, {
      sessionId: 'g2',
      agent: 'gemini',
      transcriptPath: path,
      repo,
      trigger: 'test',
    });
    assert.deepEqual([again.resync, again.lines], [null, 0], 'the same document again: nothing new');
    copyFileSync(join(FIXTURES, 'legacy-0.38.json'), path);
    const turn2 = await runInProcess(home, {
      sessionId: 'g2',
      agent: 'gemini',
      transcriptPath: path,
      repo,
      trigger: 'test',
      close: 'turn',
    });
    assert.equal(turn2.resync, null, 'the rewrite kept the messages of turn 1');
    assert.equal(turn1.lines + turn2.lines, records('legacy-0.38.json').length, 'each message read once');

    // The CLI rewrites an earlier message (a resume that rebuilt the history): read again from the start.
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace(
        'I will create the module and its test.',
        'I will create the module and a test for it.',
      ),
    );
    const rewritten = await runInProcess(home, {
      sessionId: 'g2',
      agent: 'gemini',
      transcriptPath: path,
      repo,
      trigger: 'test',
      close: 'process',
    });
    assert.equal(rewritten.resync, 'rewritten');
    const entries = readOutputs(repo, 'g2')
      .entries.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { touched_files: { created: string[]; modified: string[] } });
    assert.equal(entries.length, 2, 'one entry per turn, none written again');
    assert.deepEqual(
      entries.map((e) => [e.touched_files.created, e.touched_files.modified]),
      [
        [['greet.js', 'test.js'], []],
        [[], ['greet.js']],
      ],
    );
    const devlog = JSON.parse(readOutputs(repo, 'g2').devlog ?? '{}') as {
      conversation: { type: string; content?: string }[];
    };
    assert.deepEqual(
      devlog.conversation.filter((c) => c.type === 'user').map((c) => c.content),
      [
        'Create greet.js with a greet(name) function and a test for it in test.js, then run the test.',
        'Fix greet so the test passes, run it again and commit.',
      ],
    );
  });

  it('a document over the size limit is refused with the reason before it is read into memory', async () => {
    const repo = gitRepo(join(root, 'big'));
    const path = join(root, 'session-big.json');
    // Sparse: the size is what is checked, before a byte is read.
    writeFileSync(path, '');
    truncateSync(path, MAX_DOCUMENT_BYTES + 1);
    await assert.rejects(
      runInProcess(join(root, 'state-big'), {
        sessionId: 'g4',
        agent: 'gemini',
        transcriptPath: path,
        repo,
        trigger: 'test',
      }),
      /over the 67108864-byte limit for a session document/,
    );
    assert.equal(readOutputs(repo, 'g4').devlog, null);
  });

  it('a document that is not whole (a torn write) is a clear error and moves nothing', async () => {
    const repo = gitRepo(join(root, 'torn'));
    const path = join(root, 'session-torn.json');
    writeFileSync(path, readFileSync(join(FIXTURES, 'legacy-0.38.json'), 'utf8').slice(0, 5000));
    await assert.rejects(
      runInProcess(join(root, 'state-torn'), {
        sessionId: 'g3',
        agent: 'gemini',
        transcriptPath: path,
        repo,
        trigger: 'test',
      }),
      /not a whole JSON document/,
    );
    assert.equal(readOutputs(repo, 'g3').devlog, null);
  });
});
