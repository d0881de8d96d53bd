import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { LineContext } from '../../src/adapters/adapter.js';
import { AgentEvent } from '../../src/events.js';
import { lines, ofKind, run } from '../adapters/claude-code-run.js';
import { CLAUDE_CORPUS } from './paths.js';

/** What the Claude Code adapter makes of the public corpus: versions 1.0.x to 2.1.x, written by people at work. */
const corpus = (relative: string): string => join(CLAUDE_CORPUS, relative);

const SPOTTER_LONG = 'spotter/4d5611e5-241a-462a-8d15-5122611a9569.jsonl';
const SPOTTER_SUBAGENT = 'spotter/4d5611e5-241a-462a-8d15-5122611a9569/subagents/agent-a2898e3.jsonl';
const VIEWER_INLINE = 'claude-code-viewer/5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl';
const VIEWER_BIG = 'claude-code-viewer/fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl';
const VIEWER_INIT = 'claude-code-viewer/1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl';
const HELLO = 'claude-reliability/hello-world-script.transcript.jsonl';
const PORT = 'claude-reliability/python-to-rust-port.transcript.jsonl';

function allCorpusFiles(): string[] {
  return readdirSync(CLAUDE_CORPUS, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.jsonl'))
    .sort();
}

/** Subagent files are parsed with the context the pipeline would give them. */
function contextFor(relative: string): LineContext | undefined {
  const match = /subagents\/agent-([^/]+)\.jsonl$/.exec(relative);
  return match?.[1] === undefined ? undefined : { subagent: { id: match[1] } };
}

function runFile(relative: string): AgentEvent[] {
  return run(lines(corpus(relative)), contextFor(relative)).events;
}

describe('claude-code adapter on the real corpus', () => {
  it('parses every line of every transcript, and every event is a valid AgentEvent', () => {
    const files = allCorpusFiles();
    assert.ok(files.length >= 12, `found ${files.length} corpus files`);
    for (const relative of files) {
      const ctx = contextFor(relative);
      const events = runFile(relative);
      for (const event of events) {
        const parsed = AgentEvent.safeParse(event);
        assert.ok(parsed.success, `${relative}: invalid event ${JSON.stringify(event).slice(0, 200)}`);
      }
      // The corpus holds only record types the adapter knows: nothing is skipped.
      assert.deepEqual(ofKind(events, 'skipped'), [], relative);
      if (ctx !== undefined) {
        for (const event of events) {
          assert.ok(event.kind === 'tool_call' || event.kind === 'tool_result', `${relative}: ${event.kind}`);
          assert.deepEqual(event.subagent, ctx.subagent);
        }
      }
    }
  });

  it('extracts exactly the human prompts', () => {
    const expected: Record<string, [string, string][]> = {
      'spotter/short.jsonl': [['7d48cbd2-6615-4dd8-87f6-38f12b8167d6', 'mix phx.server doesnt seem to start']],
      'spotter/tool_heavy.jsonl': [
        ['5440873c-2d59-4c8c-88ec-c0a8c38a027d', 'start phoenix in background'],
        [
          'f643538d-cf06-4b9a-9bb0-9ae5c26ea07a',
          'scrolling back in xterm.js still does not work (maybe because outer web catches it)? websearch xterm.js tmux interactions',
        ],
      ],
      'spotter/subagent.jsonl': [
        [
          'cc2c7130-8a1e-4f3c-8f99-b54aa375b7a7',
          '/handgemacht:create-beads websearch to learn how to fastest setup credo, dialyzer, mix_audit (basically all supported by https://github.com/bradleygolden/claude-marketplace-elixir)\n\nMaybe there are igniter scripts?',
        ],
        ['091e0ff4-fd44-4213-968d-b1fe201aae6f', 'create the beads'],
      ],
      [SPOTTER_LONG]: [
        [
          'daa5a4bb-530c-4055-b20c-bde38255c99e',
          'Work on bead spotter-dov. Run bd show spotter-dov to see the issue details and bd ready to find available subtasks. Start with the first ready task.',
        ],
        ['91d1e79a-8ceb-4c23-b5d7-9bc6055be0c4', 'continue'],
      ],
      [HELLO]: [
        [
          '10dcdc4f-bc3e-4b4f-a336-cc788f8ffbe1',
          'Write a shell script called hello.sh that prints "Hello world" and run it.',
        ],
      ],
      'claude-reliability/stop-hook-reflection-first-stop.transcript.jsonl': [
        [
          '80c4feb9-fb04-46ea-956d-20cbfae6b2fb',
          'Read test.txt and change the content to "modified content". Commit the change, then stop.',
        ],
      ],
      [VIEWER_INIT]: [['e2ab9812-8be7-4e9e-8194-d9b7b9d6da14', '/init']],
      [VIEWER_INLINE]: [
        ['5877060c-0a35-4f68-90a6-fdaa3727859a', '/orchestrator @CLAUDE.md を最新の状態にアップデートしてください'],
      ],
      [VIEWER_BIG]: [
        ['62e0bdc0-a1e4-4d5c-8509-3b9d0d57cc67', '/orchestrator create TODO app by Next.js'],
        ['2e38973c-cb21-4d4d-be4f-b93dd59145bd', 'Thanks! Please update CLAUDE.md for current changes'],
      ],
    };
    for (const [relative, prompts] of Object.entries(expected)) {
      const actual = ofKind(runFile(relative), 'prompt').map((p) => [p.id, p.text]);
      assert.deepEqual(actual, prompts, relative);
    }
    const port = ofKind(runFile(PORT), 'prompt');
    assert.equal(port.length, 1);
    assert.match(port[0]?.text ?? '', /^Port this Python project to Rust\./);
  });

  it('never lets harness text into a prompt', () => {
    for (const relative of allCorpusFiles()) {
      for (const prompt of ofKind(runFile(relative), 'prompt')) {
        for (const marker of [
          '<system-reminder>',
          '<command-name>',
          '<local-command',
          '<task-notification>',
          'tool_result',
          'Stop hook feedback',
          '[Request interrupted',
          'This session is being continued',
        ]) {
          assert.ok(!prompt.text.includes(marker), `${relative}: prompt contains ${marker}`);
        }
      }
    }
  });

  it('replies grouped by message id reproduce the main-conversation assistant text', () => {
    for (const relative of allCorpusFiles().filter((f) => !f.includes('/subagents/'))) {
      const expected = new Map<string, string[]>();
      for (const line of lines(corpus(relative))) {
        const record = JSON.parse(line) as {
          type?: string;
          isSidechain?: boolean;
          message?: { id?: string; model?: string; content?: unknown };
        };
        if (record.type !== 'assistant' || record.isSidechain === true) continue;
        const content = record.message?.content;
        if (!Array.isArray(content) || record.message?.model === '<synthetic>') continue;
        for (const block of content as { type?: string; text?: string }[]) {
          if (block.type !== 'text' || typeof block.text !== 'string' || block.text.trim() === '') continue;
          const id = record.message?.id ?? '';
          expected.set(id, [...(expected.get(id) ?? []), block.text]);
        }
      }
      const actual = new Map<string, string[]>();
      for (const reply of ofKind(runFile(relative), 'reply')) {
        actual.set(reply.messageId, [...(actual.get(reply.messageId) ?? []), reply.text]);
      }
      assert.deepEqual(actual, expected, relative);
    }
  });

  it('splits one API message over several records under one message id, each with its own part id', () => {
    const events = runFile('spotter/short.jsonl');
    const replies = ofKind(events, 'reply');
    const calls = ofKind(events, 'tool_call');
    // Five records: "\n\n" text (dropped), thinking (dropped), text, tool_use, tool_use.
    assert.deepEqual(
      replies.map((r) => [r.text, r.partId]),
      [
        [
          'Let me check the project structure and try running the server to see the error.',
          'd4ad15f7-a11f-43cc-b2f3-e01c02800bf3',
        ],
      ],
    );
    const messageIds = new Set([...replies.map((r) => r.messageId), ...calls.map((c) => c.messageId)]);
    assert.deepEqual([...messageIds], ['msg_01MKH1ccEGrZGNPvu8pYiiQa']);
    assert.deepEqual(
      calls.map((c) => c.action),
      ['ran mix phx.server 2>&1 | head -80', 'searched for mix.exs'],
    );
  });

  it('settles Write as created from its result', () => {
    const events = runFile(HELLO);
    const [write] = ofKind(events, 'tool_call').filter((c) => c.tool === 'Write');
    assert.ok(write);
    assert.equal(write.action, 'edited hello.sh');
    assert.deepEqual(write.files, [{ path: 'hello.sh', op: 'modified' }]);
    const result = ofKind(events, 'tool_result').find((r) => r.callId === write.callId);
    assert.deepEqual(result?.files, [{ path: 'hello.sh', op: 'created' }]);
    assert.equal(result?.isError, false);
    // Write over an existing file is an update.
    const port = ofKind(runFile(PORT), 'tool_result').flatMap((r) => r.files ?? []);
    assert.ok(port.some((f) => f.path === 'src/lib.rs' && f.op === 'modified'));
    assert.ok(port.some((f) => f.path === 'src/string_utils.rs' && f.op === 'created'));
  });

  it('reports failing Bash with isError and the exit code', () => {
    const results = ofKind(runFile(SPOTTER_LONG), 'tool_result');
    const gitAdd = results.find((r) => r.callId === 'toolu_01Uxds48rLmddUyyYGidT1Ey');
    assert.equal(gitAdd?.isError, true);
    assert.equal(gitAdd?.exitCode, 1);
    assert.match(gitAdd?.output ?? '', /paths are ignored/);
    const push = results.find((r) => r.callId === 'toolu_011PBtiDwwmP44wZUbt17q6v');
    assert.equal(push?.exitCode, 128);
    // Successful Bash results carry no invented exit code.
    const ok = results.filter((r) => !r.isError && r.exitCode !== undefined);
    assert.deepEqual(ok, []);
    for (const r of results) assert.ok((r.output ?? '').length <= 2000);
  });

  it('links the sync Task to its subagent transcript and report', () => {
    const events = runFile(SPOTTER_LONG);
    const refIndex = events.findIndex((e) => e.kind === 'subagent_ref');
    const resultIndex = events.findIndex((e) => e.kind === 'subagent_result');
    assert.ok(refIndex >= 0 && resultIndex > refIndex, 'subagent_ref comes before subagent_result');
    assert.deepEqual(events[refIndex], {
      kind: 'subagent_ref',
      at: '2026-02-12T16:05:10.054Z',
      agentId: 'a2898e3',
      agentType: 'Explore',
    });
    const report = events[resultIndex];
    assert.ok(report?.kind === 'subagent_result');
    assert.equal(report.agentId, 'a2898e3');
    assert.equal(report.agentType, 'Explore');
    assert.equal(report.description, 'Explore transcript rendering codebase');
    assert.match(report.text, /^Perfect! Now I have all the information needed/);
    assert.equal(ofKind(events, 'subagent_ref').length, 1);
    assert.equal(ofKind(events, 'subagent_result').length, 1);
    // The background shell task notification later in the file is not a subagent and not a prompt.
    assert.ok(!ofKind(events, 'subagent_result').some((r) => r.agentId === 'b7636e2'));
  });

  it('reads a 2.1.x subagent file as tool activity attributed to the subagent', () => {
    const events = runFile(SPOTTER_SUBAGENT);
    const calls = ofKind(events, 'tool_call');
    assert.ok(calls.length > 20);
    assert.ok(calls.every((c) => c.subagent?.id === 'a2898e3'));
    assert.equal(ofKind(events, 'prompt').length, 0);
    assert.equal(ofKind(events, 'reply').length, 0);
    // Without a context the records' own `agentId` still names the subagent.
    const bare = run(lines(corpus(SPOTTER_SUBAGENT))).events;
    assert.ok(ofKind(bare, 'tool_call').every((c) => c.subagent?.id === 'a2898e3'));
    assert.equal(ofKind(bare, 'prompt').length, 0);
    assert.equal(ofKind(bare, 'session').length, 0);
  });

  it('marks 1.0.108 inline sidechain tool uses with subagent, and reports the Task results', () => {
    const file = lines(corpus(VIEWER_INLINE));
    const sidechainCallIds = new Set<string>();
    for (const line of file) {
      const record = JSON.parse(line) as { type?: string; isSidechain?: boolean; message?: { content?: unknown } };
      if (record.type !== 'assistant' || record.isSidechain !== true || !Array.isArray(record.message?.content))
        continue;
      for (const block of record.message.content as { type?: string; id?: string }[]) {
        if (block.type === 'tool_use' && block.id !== undefined) sidechainCallIds.add(block.id);
      }
    }
    assert.ok(sidechainCallIds.size > 0);
    const events = runFile(VIEWER_INLINE);
    for (const call of ofKind(events, 'tool_call')) {
      assert.equal(call.subagent !== undefined, sidechainCallIds.has(call.callId), call.callId);
      if (call.subagent !== undefined) assert.deepEqual(call.subagent, {});
    }
    for (const result of ofKind(events, 'tool_result')) {
      assert.equal(result.subagent !== undefined, sidechainCallIds.has(result.callId), result.callId);
    }
    // Two Tasks succeeded (one failed input validation); 1.0.x results carry no agentId.
    const reports = ofKind(events, 'subagent_result');
    assert.deepEqual(
      reports.map((r) => [r.agentType, r.description, r.agentId]),
      [
        ['general-purpose', 'Check package configuration', undefined],
        ['general-purpose', 'Analyze current project structure', undefined],
      ],
    );
    assert.equal(ofKind(events, 'subagent_ref').length, 0);
    // The subagents' task prompts are not human prompts.
    assert.equal(ofKind(events, 'prompt').length, 1);
  });

  it('summarises MultiEdit as an edit', () => {
    const multi = ofKind(runFile(VIEWER_INLINE), 'tool_call').filter((c) => c.tool === 'MultiEdit');
    assert.deepEqual(
      multi.map((c) => [c.action, c.files]),
      [['edited CLAUDE.md', [{ path: 'CLAUDE.md', op: 'modified' }]]],
    );
    const big = ofKind(runFile(VIEWER_BIG), 'tool_call').filter((c) => c.tool === 'MultiEdit');
    assert.equal(big.length, 3);
    assert.ok(big.every((c) => c.action.startsWith('edited ') && c.files[0]?.op === 'modified'));
  });

  it('turns auto-compaction into one compaction event and never a prompt', () => {
    const events = runFile(SPOTTER_LONG);
    assert.deepEqual(ofKind(events, 'compaction'), [{ kind: 'compaction', at: '2026-02-12T20:30:28.504Z' }]);
    assert.ok(!ofKind(events, 'prompt').some((p) => p.id === 'e95c1e9a-5084-4e69-bf3d-42c8d45f3985'));
  });

  it('emits one session event from the first message record', () => {
    const sessions = ofKind(runFile(VIEWER_BIG), 'session');
    assert.deepEqual(sessions, [
      {
        kind: 'session',
        at: sessions[0]?.at,
        sessionId: 'fe5e1c67-53e7-4862-81ae-d0e013e3270b',
        cwd: '/path/to/Demo',
        gitBranch: '',
        version: '1.0.98',
      },
    ]);
    assert.equal(ofKind(runFile(HELLO), 'session').length, 1);
  });

  it('recognises plain rm as deletions', () => {
    const deletions = ofKind(runFile(PORT), 'tool_call').filter((c) => c.action.startsWith('deleted '));
    assert.deepEqual(
      deletions.map((c) => c.files.map((f) => `${f.op}:${f.path}`)),
      [
        [
          'deleted:src/dict_utils.py',
          'deleted:src/__init__.py',
          'deleted:src/math_utils.py',
          'deleted:src/list_utils.py',
          'deleted:src/string_utils.py',
          'deleted:src/validation.py',
        ],
        ['deleted:tests'],
        ['deleted:pyproject.toml', 'deleted:uv.lock'],
      ],
    );
    assert.equal(deletions[1]?.command, 'rm -r /tmp/tmpqwh7888i/tests/');
  });
});
