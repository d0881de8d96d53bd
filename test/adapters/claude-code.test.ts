import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { LineContext } from '../../src/adapters/adapter.js';
import { claudeCodeAdapter, claudeCodeStateSchema, type ClaudeCodeState } from '../../src/adapters/claude-code/index.js';
import { AgentEvent, type EventOf } from '../../src/events.js';

// The shared corpus sits next to the repository (`../shared/corpus` from /work/main).
const CORPUS = fileURLToPath(new URL('../../../shared/corpus/claude-code/', import.meta.url));
const corpus = (relative: string): string => join(CORPUS, relative);

const SPOTTER_LONG = 'spotter/4d5611e5-241a-462a-8d15-5122611a9569.jsonl';
const SPOTTER_SUBAGENT = 'spotter/4d5611e5-241a-462a-8d15-5122611a9569/subagents/agent-a2898e3.jsonl';
const VIEWER_INLINE = 'claude-code-viewer/5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl';
const VIEWER_BIG = 'claude-code-viewer/fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl';
const VIEWER_INIT = 'claude-code-viewer/1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl';
const HELLO = 'claude-reliability/hello-world-script.transcript.jsonl';
const PORT = 'claude-reliability/python-to-rust-port.transcript.jsonl';

function lines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
}

function allCorpusFiles(): string[] {
  return readdirSync(CORPUS, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.jsonl'))
    .sort();
}

/** Subagent files are parsed with the context the pipeline would give them. */
function contextFor(relative: string): LineContext | undefined {
  const match = /subagents\/agent-([^/]+)\.jsonl$/.exec(relative);
  return match?.[1] === undefined ? undefined : { subagent: { id: match[1] } };
}

function run(
  input: readonly string[],
  ctx?: LineContext,
  start: ClaudeCodeState = claudeCodeAdapter.initialState(),
): { state: ClaudeCodeState; events: AgentEvent[] } {
  let state = start;
  const events: AgentEvent[] = [];
  for (const line of input) {
    const result = claudeCodeAdapter.parseLine(state, line, ctx);
    state = result.state;
    events.push(...result.events);
  }
  return { state, events };
}

function runFile(relative: string): AgentEvent[] {
  return run(lines(corpus(relative)), contextFor(relative)).events;
}

function ofKind<K extends AgentEvent['kind']>(events: readonly AgentEvent[], kind: K): EventOf<K>[] {
  return events.filter((event): event is EventOf<K> => event.kind === kind);
}

function parseOne(line: string, ctx?: LineContext, state = claudeCodeAdapter.initialState()): AgentEvent[] {
  return claudeCodeAdapter.parseLine(state, line, ctx).events;
}

// Builders for synthetic records in the shapes the reference documents.
let counter = 0;
function nextUuid(): string {
  counter += 1;
  return `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}
const CWD = '/home/u/proj';
function envelope(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    uuid: nextUuid(),
    timestamp: '2026-01-01T00:00:00.000Z',
    sessionId: 'sess-1',
    cwd: CWD,
    version: '2.1.330',
    gitBranch: 'main',
    isSidechain: false,
    ...extra,
  };
}
function userLine(content: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...envelope(extra), type: 'user', message: { role: 'user', content } });
}
function assistantLine(blocks: unknown[], extra: Record<string, unknown> = {}, message: Record<string, unknown> = {}): string {
  return JSON.stringify({
    ...envelope(extra),
    type: 'assistant',
    message: { id: 'msg_1', role: 'assistant', model: 'claude-x', content: blocks, ...message },
  });
}
function toolUse(name: string, input: unknown, id = `toolu_${nextUuid()}`): { type: string; id: string; name: string; input: unknown } {
  return { type: 'tool_use', id, name, input };
}
function toolResultLine(callId: string, content: unknown, extra: Record<string, unknown> = {}, isError?: boolean): string {
  return userLine([{ type: 'tool_result', tool_use_id: callId, content, ...(isError === undefined ? {} : { is_error: isError }) }], extra);
}
function callFor(line: string): EventOf<'tool_call'> {
  const [call] = ofKind(parseOne(line), 'tool_call');
  assert.ok(call, 'expected a tool_call');
  return call;
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
        ['10dcdc4f-bc3e-4b4f-a336-cc788f8ffbe1', 'Write a shell script called hello.sh that prints "Hello world" and run it.'],
      ],
      'claude-reliability/stop-hook-reflection-first-stop.transcript.jsonl': [
        ['80c4feb9-fb04-46ea-956d-20cbfae6b2fb', 'Read test.txt and change the content to "modified content". Commit the change, then stop.'],
      ],
      [VIEWER_INIT]: [['e2ab9812-8be7-4e9e-8194-d9b7b9d6da14', '/init']],
      [VIEWER_INLINE]: [['5877060c-0a35-4f68-90a6-fdaa3727859a', '/orchestrator @CLAUDE.md を最新の状態にアップデートしてください']],
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
      [['Let me check the project structure and try running the server to see the error.', 'd4ad15f7-a11f-43cc-b2f3-e01c02800bf3']],
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
      if (record.type !== 'assistant' || record.isSidechain !== true || !Array.isArray(record.message?.content)) continue;
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

describe('claude-code adapter on hostile input', () => {
  const hostile: [string, string][] = [
    ['empty', ''],
    ['spaces', '   \t '],
    ['null', 'null'],
    ['array', '[]'],
    ['string', '"str"'],
    ['number', '42'],
    ['numeric type', '{"type":5}'],
    ['no type', '{"uuid":"x"}'],
    ['user content number', '{"type":"user","message":{"content":7}}'],
    ['user message missing', '{"type":"user"}'],
    ['assistant content object', '{"type":"assistant","message":{"content":{"a":1}}}'],
    ['assistant bad blocks', '{"type":"assistant","message":{"id":"m","content":[null,5,"x",{"type":"tool_use"},{"type":"text","text":7}]}}'],
    ['user bad tool_result', '{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":5}]}}'],
    ['wrong envelope types', '{"type":"user","uuid":5,"cwd":[],"timestamp":{},"isMeta":"yes","message":{"content":"hi"}}'],
    ['truncated json', '{"type":"user","message":{"content":"hel'],
    ['garbage', '\u0000\u0001\uFFFD garbage {'],
    ['invalid utf-8 decoded', Buffer.from([0x7b, 0x22, 0x74, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]).toString('utf8')],
    ['U+FFFD in values', '{"type":"user","message":{"content":"\uFFFD\uFFFD"}}'],
    ['lone surrogate escape', '{"type":"user","message":{"content":"\\ud800"}}'],
    ['deep array', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['deep object value', `{"type":"user","message":{"content":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`],
    ['deep tool input', `{"type":"assistant","message":{"id":"m","content":[{"type":"tool_use","id":"t","name":"Bash","input":${'['.repeat(50_000)}${']'.repeat(50_000)}}]}}`],
    ['huge string', JSON.stringify({ type: 'user', uuid: 'u'.repeat(5_000_000), message: { content: [{ type: 'text', text: 'x'.repeat(5_000_000) }] } })],
    ['huge unclosed reminder', JSON.stringify({ type: 'user', message: { content: '<system-reminder>'.repeat(300_000) } })],
    ['huge command', JSON.stringify({ type: 'assistant', message: { id: 'm', content: [{ type: 'tool_use', id: 't', name: 'Bash', input: { command: 'rm '.repeat(2_000_000) } }] } })],
    ['proto keys', '{"type":"user","__proto__":{"isMeta":true},"constructor":1,"message":{"content":"x"}}'],
    ['huge type', JSON.stringify({ type: 't'.repeat(1_000_000) })],
  ];

  it('never throws, returns valid events, and keeps the state valid and small', () => {
    for (const [name, line] of hostile) {
      const state = claudeCodeAdapter.initialState();
      const before = structuredClone(state);
      const result = claudeCodeAdapter.parseLine(state, line);
      assert.deepEqual(state, before, name);
      for (const event of result.events) assert.ok(AgentEvent.safeParse(event).success, name);
      assert.ok(!result.events.some((e) => e.kind === 'skipped' && e.reason.startsWith('internal-error')), name);
      claudeCodeStateSchema.parse(JSON.parse(JSON.stringify(result.state)));
      assert.ok(JSON.stringify(result.state).length < 10_000, `${name}: state stays small`);
    }
  });

  it('turns unusable lines into exactly one skipped event with a stable reason', () => {
    const reasons = (line: string): string[] =>
      parseOne(line).filter((e) => e.kind === 'skipped').map((e) => (e.kind === 'skipped' ? e.reason : ''));
    assert.deepEqual(reasons('{"type":"user","message":{"content":7}}'), ['bad-shape:user']);
    assert.deepEqual(reasons('{"type":"assistant"}'), ['bad-shape:assistant']);
    assert.deepEqual(reasons('null'), ['not-an-object']);
    assert.deepEqual(reasons('[]'), ['not-an-object']);
    assert.deepEqual(reasons('"str"'), ['not-an-object']);
    assert.deepEqual(reasons('{"type":5}'), ['no-type']);
    assert.deepEqual(reasons('{nope'), ['invalid-json']);
    assert.deepEqual(reasons('['.repeat(100_000) + ']'.repeat(100_000)), ['not-an-object']);
    assert.deepEqual(reasons(''), []);
    assert.deepEqual(
      reasons('{"type":"assistant","message":{"id":"m","content":[{"type":"tool_use"},{"type":"text","text":1}]}}'),
      ['bad-block:tool_use'],
    );
  });

  it('skips an unknown record type exactly once, with the type capped', () => {
    assert.deepEqual(parseOne('{"type":"brand-new-thing","uuid":"z"}'), [{ kind: 'skipped', reason: 'unknown-type:brand-new-thing' }]);
    const [long] = parseOne(JSON.stringify({ type: 'x'.repeat(10_000) }));
    assert.ok(long?.kind === 'skipped' && long.reason.length <= 'unknown-type:'.length + 100);
  });

  it('yields nothing for record types it knowingly ignores', () => {
    for (const type of [
      'progress', 'file-history-snapshot', 'attachment', 'queue-operation', 'last-prompt', 'summary',
      'permission-mode', 'ai-title', 'cost-state', 'api-request-blob', 'tools-used',
    ]) {
      assert.deepEqual(parseOne(JSON.stringify({ type, uuid: 'q', content: 'x' })), [], type);
    }
    for (const subtype of ['stop_hook_summary', 'turn_duration', 'local_command', 'api_error', undefined]) {
      const events = parseOne(JSON.stringify({ ...envelope(), type: 'system', subtype, content: 'x' }));
      assert.deepEqual(events.filter((e) => e.kind !== 'session'), [], String(subtype));
    }
  });
});

describe('claude-code adapter: prompts', () => {
  const prompts = (...input: string[]): string[] => ofKind(run(input).events, 'prompt').map((p) => p.text);

  it('accepts string and text-item prompts and strips system reminders', () => {
    assert.deepEqual(prompts(userLine('fix the bug')), ['fix the bug']);
    assert.deepEqual(prompts(userLine([{ type: 'text', text: 'part one' }, { type: 'text', text: 'part two' }])), [
      'part one\n\npart two',
    ]);
    assert.deepEqual(
      prompts(userLine('<system-reminder>\nctx\n</system-reminder>\nreal question\n<system-reminder>more</system-reminder>')),
      ['real question'],
    );
    assert.deepEqual(prompts(userLine('<system-reminder>only context</system-reminder>')), []);
    assert.deepEqual(prompts(userLine('fix the <system-reminder> title bug')), ['fix the <system-reminder> title bug']);
  });

  it('never includes images', () => {
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo'.repeat(1000) } };
    assert.deepEqual(prompts(userLine([image, { type: 'text', text: 'what is this?' }])), ['what is this?']);
    assert.deepEqual(prompts(userLine([image])), []);
  });

  it('drops meta, interrupts, compaction summaries, wrappers and sidechains', () => {
    assert.deepEqual(
      prompts(
        userLine('Stop hook feedback:\n[hook]: keep going', { isMeta: true }),
        userLine('<local-command-caveat>Caveat: …</local-command-caveat>', { isMeta: true }),
        userLine([{ type: 'text', text: '[Request interrupted by user for tool use]' }]),
        userLine('This session is being continued from a previous conversation that ran out of context.', {
          isCompactSummary: true,
          isVisibleInTranscriptOnly: true,
        }),
        userLine('This session is being continued from a previous conversation that ran out of context.'),
        userLine('<local-command-stdout>Compacted (ctrl+o to see full summary)</local-command-stdout>'),
        userLine('<local-command-stderr>oops</local-command-stderr>'),
        userLine('<bash-input>ls</bash-input>'),
        userLine('subagent task prompt', { isSidechain: true }),
      ),
      [],
    );
    assert.deepEqual(ofKind(parseOne(userLine('task prompt'), { subagent: { id: 'a1' } }), 'prompt'), []);
  });

  it('handles slash commands: client commands are not prompts, work-requesting ones are', () => {
    const command = (name: string, args: string): string =>
      userLine(`<command-name>/${name}</command-name>\n<command-message>${name}</command-message>\n<command-args>${args}</command-args>`);
    assert.deepEqual(prompts(command('compact', 'keep it short')), []);
    assert.deepEqual(prompts(command('clear', '')), []);
    assert.deepEqual(prompts(command('mcp', '')), []);
    assert.deepEqual(prompts(command('model', 'opus')), []);
    assert.deepEqual(prompts(command('review', 'foo')), ['/review foo']);
    assert.deepEqual(prompts(command('init', '')), ['/init']);
    assert.deepEqual(prompts(command('my-plugin:ship', 'v2 now')), ['/my-plugin:ship v2 now']);
  });

  it('gives a re-written copy of a record the same ids, so it can be folded in once', () => {
    const line = userLine('only once');
    const prompts = ofKind(run([line, line]).events, 'prompt');
    assert.equal(prompts.length, 2);
    assert.equal(prompts[0]?.id, prompts[1]?.id);
    const reply = assistantLine([{ type: 'text', text: 'hello' }]);
    const replies = ofKind(run([reply, reply]).events, 'reply');
    assert.equal(replies[0]?.partId, replies[1]?.partId);
  });
});

describe('claude-code adapter: replies', () => {
  it('skips whitespace, thinking, synthetic placeholders and subagent text', () => {
    const replies = (line: string, ctx?: LineContext): string[] => ofKind(parseOne(line, ctx), 'reply').map((r) => r.text);
    assert.deepEqual(replies(assistantLine([{ type: 'text', text: ' \n ' }])), []);
    assert.deepEqual(replies(assistantLine([{ type: 'thinking', thinking: 'secret', signature: 's' }])), []);
    assert.deepEqual(replies(assistantLine([{ type: 'text', text: 'API Error: 529' }], {}, { model: '<synthetic>' })), []);
    assert.deepEqual(replies(assistantLine([{ type: 'text', text: 'sub' }], { isSidechain: true })), []);
    assert.deepEqual(replies(assistantLine([{ type: 'text', text: 'sub' }]), { subagent: { id: 'a' } }), []);
    assert.deepEqual(replies(assistantLine([{ type: 'text', text: 'Done.' }])), ['Done.']);
  });

  it('uses message.id, falling back to the record uuid', () => {
    const line = JSON.stringify({ ...envelope({ uuid: 'rec-1' }), type: 'assistant', message: { content: [{ type: 'text', text: 'hi' }] } });
    const [reply] = ofKind(parseOne(line), 'reply');
    assert.deepEqual(reply, { kind: 'reply', at: '2026-01-01T00:00:00.000Z', text: 'hi', messageId: 'rec-1', partId: 'rec-1' });
  });
});

describe('claude-code adapter: tool calls', () => {
  it('summarises file tools relative to the project folder', () => {
    assert.deepEqual(callFor(assistantLine([toolUse('Edit', { file_path: `${CWD}/src/a.ts`, old_string: 'a', new_string: 'b' })])).files, [
      { path: 'src/a.ts', op: 'modified' },
    ]);
    const read = callFor(assistantLine([toolUse('Read', { file_path: `${CWD}/README.md` })]));
    assert.deepEqual([read.action, read.files], ['read README.md', [{ path: 'README.md', op: 'read' }]]);
    const outside = callFor(assistantLine([toolUse('Write', { file_path: '/etc/hosts', content: '' })]));
    assert.deepEqual([outside.action, outside.files], ['edited /etc/hosts', [{ path: '/etc/hosts', op: 'modified' }]]);
    const sibling = callFor(assistantLine([toolUse('Edit', { file_path: `${CWD}-other/x.ts` })]));
    assert.equal(sibling.action, `edited ${CWD}-other/x.ts`);
    const notebook = callFor(assistantLine([toolUse('NotebookEdit', { notebook_path: `${CWD}/nb.ipynb`, new_source: '' })]));
    assert.equal(notebook.action, 'edited nb.ipynb');
    assert.equal(callFor(assistantLine([toolUse('Edit', { nope: 1 })])).action, 'used Edit');
  });

  it('summarises searches and other tools', () => {
    assert.equal(callFor(assistantLine([toolUse('Grep', { pattern: 'TODO', path: `${CWD}/src` })])).action, 'searched for TODO in src');
    assert.equal(callFor(assistantLine([toolUse('Glob', { pattern: '**/*.ts' })])).action, 'searched for **/*.ts');
    for (const name of ['WebSearch', 'TodoWrite', 'Task', 'Agent', 'mcp__github__create_issue', 'SomethingNew']) {
      assert.equal(callFor(assistantLine([toolUse(name, {})])).action, `used ${name}`);
    }
  });

  it('collapses and truncates long Bash commands but keeps the full command', () => {
    const command = `npm test -- --grep "a"\n  && echo ${'x'.repeat(500)}`;
    const call = callFor(assistantLine([toolUse('Bash', { command })]));
    assert.equal(call.command, command);
    assert.ok(call.action.startsWith('ran npm test -- --grep "a" && echo xxx'));
    assert.ok(call.action.endsWith('…'));
    assert.equal(call.action.length, 'ran '.length + 200);
    assert.ok(!call.action.includes('\n'));
  });

  it('recognises plain rm / git rm / mv / git mv, and nothing fancier', () => {
    const bash = (command: string, extra: Record<string, unknown> = {}): EventOf<'tool_call'> =>
      callFor(assistantLine([toolUse('Bash', { command })], extra));
    assert.deepEqual(bash('rm -f old.ts "my file.txt"').files, [
      { path: 'old.ts', op: 'deleted' },
      { path: 'my file.txt', op: 'deleted' },
    ]);
    assert.equal(bash('git rm -r src/legacy/').action, 'deleted src/legacy');
    assert.equal(bash(`rm ${CWD}/a.txt /tmp/b.txt`).action, 'deleted a.txt, /tmp/b.txt');
    const moved = bash('git mv src/a.ts src/b.ts');
    assert.deepEqual([moved.action, moved.files], ['moved src/a.ts to src/b.ts', [{ path: 'src/b.ts', op: 'moved', from: 'src/a.ts' }]]);
    assert.deepEqual(bash('mv -f ./x.md docs/x.md').files, [{ path: 'docs/x.md', op: 'moved', from: 'x.md' }]);
    // Relative operands start from the record's cwd, shown relative to the project folder.
    const state = run([userLine('hi')]).state;
    const fromSub = claudeCodeAdapter.parseLine(state, assistantLine([toolUse('Bash', { command: 'rm gone.ts' })], { cwd: `${CWD}/pkg` }));
    assert.deepEqual(ofKind(fromSub.events, 'tool_call')[0]?.files, [{ path: 'pkg/gone.ts', op: 'deleted' }]);
    for (const command of [
      'rm *.log',
      'rm -rf $DIR',
      'rm a && rm b',
      'cd x; rm y',
      'git rm --cached secret.env',
      'rm -i',
      'mv a b c',
      'mv -t dir a',
      'rm "unbalanced',
      'rm ~/x',
      'echo rm a',
    ]) {
      const call = bash(command);
      assert.deepEqual(call.files, [], command);
      assert.ok(call.action.startsWith('ran '), command);
    }
  });

  it('attributes sidechain and subagent-file tool calls', () => {
    const call = (line: string, ctx?: LineContext): EventOf<'tool_call'> | undefined => ofKind(parseOne(line, ctx), 'tool_call')[0];
    assert.deepEqual(call(assistantLine([toolUse('Read', { file_path: 'a' })], { isSidechain: true }))?.subagent, {});
    assert.deepEqual(
      call(assistantLine([toolUse('Read', { file_path: 'a' })], { isSidechain: true }), { subagent: { id: 'a1', type: 'Explore' } })?.subagent,
      { id: 'a1', type: 'Explore' },
    );
    assert.equal(call(assistantLine([toolUse('Read', { file_path: 'a' })]))?.subagent, undefined);
  });
});

describe('claude-code adapter: tool results', () => {
  it('keeps the tail of text output, never images, and parses exit codes', () => {
    const long = `${'a'.repeat(5000)}THE END`;
    const [result] = ofKind(
      parseOne(toolResultLine('t1', [{ type: 'text', text: long }, { type: 'image', source: { type: 'base64', data: 'QUJD' } }])),
      'tool_result',
    );
    assert.equal(result?.output?.length, 2000);
    assert.ok(result?.output?.endsWith('THE END'));
    assert.ok(!result?.output?.includes('QUJD'));
    const [failed] = ofKind(parseOne(toolResultLine('t2', 'Exit code 2\nboom', {}, true)), 'tool_result');
    assert.deepEqual(failed, { kind: 'tool_result', at: '2026-01-01T00:00:00.000Z', callId: 't2', isError: true, exitCode: 2, output: 'Exit code 2\nboom' });
    const [okResult] = ofKind(parseOne(toolResultLine('t3', 'fine')), 'tool_result');
    assert.equal(okResult?.exitCode, undefined);
    assert.equal(okResult?.isError, false);
  });

  it('takes the file effect from Write results only when the write succeeded', () => {
    const write = (type: string, isError?: boolean): EventOf<'tool_result'> | undefined =>
      ofKind(
        parseOne(
          JSON.stringify({
            ...envelope(),
            type: 'user',
            message: { content: [{ type: 'tool_result', tool_use_id: 'w', content: 'ok', is_error: isError }] },
            toolUseResult: isError ? 'Error: denied' : { type, filePath: `${CWD}/new.ts`, content: '' },
          }),
        ),
        'tool_result',
      )[0];
    assert.deepEqual(write('create')?.files, [{ path: 'new.ts', op: 'created' }]);
    assert.deepEqual(write('update')?.files, [{ path: 'new.ts', op: 'modified' }]);
    assert.equal(write('text')?.files, undefined);
    assert.equal(write('create', true)?.files, undefined);
  });
});

describe('claude-code adapter: background agents (2.1.330)', () => {
  const agentCall = toolUse('Agent', { description: 'Check file', prompt: 'look', subagent_type: 'general-purpose' }, 'toolu_agent');
  const launched = JSON.stringify({
    ...envelope(),
    type: 'user',
    message: { content: [{ type: 'tool_result', tool_use_id: 'toolu_agent', content: [{ type: 'text', text: 'Async agent launched successfully.' }] }] },
    toolUseResult: { isAsync: true, status: 'async_launched', agentId: 'a37b9d38e6acc2290', description: 'Check file', prompt: 'look' },
  });
  const notification = userLine(
    '<task-notification>\n<task-id>a37b9d38e6acc2290</task-id>\n<tool-use-id>toolu_agent</tool-use-id>\n<status>completed</status>\n' +
      '<summary>Agent "Check file" completed</summary>\n<result>hello.txt contains hello</result>\n</task-notification>',
  );

  it('reports the agent when its task-notification arrives, not at launch', () => {
    const start = run([userLine('check it'), assistantLine([agentCall])]);
    const atLaunch = claudeCodeAdapter.parseLine(start.state, launched);
    assert.deepEqual(atLaunch.events.map((e) => e.kind), ['tool_result']);
    const done = claudeCodeAdapter.parseLine(atLaunch.state, notification);
    assert.deepEqual(done.events, [
      { kind: 'subagent_ref', at: '2026-01-01T00:00:00.000Z', agentId: 'a37b9d38e6acc2290', agentType: 'general-purpose' },
      {
        kind: 'subagent_result',
        at: '2026-01-01T00:00:00.000Z',
        agentId: 'a37b9d38e6acc2290',
        agentType: 'general-purpose',
        description: 'Check file',
        text: 'hello.txt contains hello',
      },
    ]);
  });

  it('reads notifications flagged by origin, cut-off results, and ignores shell-task notifications', () => {
    const cut = userLine('<task-notification>\n<task-id>afff</task-id>\n<result>partial report', { origin: { kind: 'task-notification' } });
    assert.deepEqual(
      parseOne(cut).filter((e) => e.kind === 'subagent_result').map((e) => (e.kind === 'subagent_result' ? e.text : '')),
      ['partial report'],
    );
    const shell = userLine(
      '<task-notification>\n<task-id>b7636e2</task-id>\n<status>completed</status>\n<summary>Background command "x" completed (exit code 0)</summary>\n</task-notification>',
    );
    assert.deepEqual(parseOne(shell).filter((e) => e.kind !== 'session'), []);
  });

  it('learns agent ids from agent_progress when a sync result lacks one', () => {
    const task = toolUse('Task', { description: 'Explore', prompt: 'p', subagent_type: 'Explore' }, 'toolu_task');
    const progress = JSON.stringify({ type: 'progress', parentToolUseID: 'toolu_task', data: { type: 'agent_progress', agentId: 'a77' } });
    const result = toolResultLine('toolu_task', [{ type: 'text', text: 'report' }]);
    const { events } = run([assistantLine([task]), progress, result]);
    assert.deepEqual(
      events.filter((e) => e.kind === 'subagent_ref' || e.kind === 'subagent_result'),
      [
        { kind: 'subagent_ref', at: '2026-01-01T00:00:00.000Z', agentId: 'a77', agentType: 'Explore' },
        { kind: 'subagent_result', at: '2026-01-01T00:00:00.000Z', agentId: 'a77', agentType: 'Explore', description: 'Explore', text: 'report' },
      ],
    );
  });
});

describe('claude-code adapter: compaction and bounded state', () => {
  it('turns a compact_boundary into a compaction event, and /compact wrappers into nothing', () => {
    const boundary = JSON.stringify({ ...envelope(), type: 'system', subtype: 'compact_boundary', content: 'Conversation compacted', compactMetadata: { trigger: 'manual' } });
    const { events } = run([
      userLine('<local-command-caveat>Caveat</local-command-caveat>', { isMeta: true }),
      boundary,
      userLine('This session is being continued from a previous conversation. Summary: …', { isCompactSummary: true }),
      userLine('<command-name>/compact</command-name>\n<command-message>compact</command-message>\n<command-args>keep it short</command-args>'),
      userLine('<local-command-stdout>Compacted </local-command-stdout>', { repeatsCompactSummary: true }),
    ]);
    assert.deepEqual(events.map((e) => e.kind), ['session', 'compaction']);
  });

  it('keeps every state list at 2000 entries or fewer', () => {
    const input: string[] = [];
    for (let i = 0; i < 2600; i += 1) {
      input.push(assistantLine([toolUse('Task', { subagent_type: 't', description: 'd' }, `toolu_${i}`)]));
    }
    const { state } = run(input);
    assert.equal(state.agentCalls.length, 2000);
    assert.equal(state.agentCalls[0]?.callId, 'toolu_600', 'oldest entries dropped first');
    assert.ok(JSON.stringify(state).length < 400_000);
  });
});
