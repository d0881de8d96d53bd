import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { LineContext } from '../../src/adapters/adapter.js';
import { claudeCodeAdapter, claudeCodeStateSchema } from '../../src/agents/claude-code/adapter.js';
import { AgentEvent, type EventOf } from '../../src/events.js';
import { lines, ofKind, run } from './claude-code-run.js';
import { claudeFixture, claudeFixtureWorkspace } from '../claude-fixtures.js';

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
function assistantLine(
  blocks: unknown[],
  extra: Record<string, unknown> = {},
  message: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    ...envelope(extra),
    type: 'assistant',
    message: { id: 'msg_1', role: 'assistant', model: 'claude-x', content: blocks, ...message },
  });
}
function toolUse(
  name: string,
  input: unknown,
  id = `toolu_${nextUuid()}`,
): { type: string; id: string; name: string; input: unknown } {
  return { type: 'tool_use', id, name, input };
}
function toolResultLine(
  callId: string,
  content: unknown,
  extra: Record<string, unknown> = {},
  isError?: boolean,
): string {
  return userLine(
    [{ type: 'tool_result', tool_use_id: callId, content, ...(isError === undefined ? {} : { is_error: isError }) }],
    extra,
  );
}
function callFor(line: string): EventOf<'tool_call'> {
  const [call] = ofKind(parseOne(line), 'tool_call');
  assert.ok(call, 'expected a tool_call');
  return call;
}

/** A recorded session, parsed whole, with its subagent files read where the pipeline reads them. */
function recorded(scenario: string, index = 0): AgentEvent[] {
  return run(lines(claudeFixture(scenario, index))).events;
}

describe('claude-code adapter on sessions recorded from the real client (2.1.330)', () => {
  it('reads exactly the human prompts: no resumed-session, compaction or interrupt text', () => {
    const prompts = (scenario: string, index = 0) => ofKind(recorded(scenario, index), 'prompt').map((p) => p.text);
    assert.deepEqual(prompts('build'), [
      'Add app.txt, make the test pass, remove old.txt and commit',
      'Read app.txt and ask a subagent to count the files',
      'Mark app.txt as version 2 and commit',
    ]);
    assert.deepEqual(prompts('interactive'), ['say hi', 'run the slow job', 'write notes.txt']);
    assert.deepEqual(prompts('interactive', 1), ['say bye']);
  });

  it('settles Write as created from its result, and reads Edit, rm and Read for what they touch', () => {
    const events = recorded('build');
    const calls = ofKind(events, 'tool_call');
    const [write] = calls.filter((c) => c.tool === 'Write');
    assert.ok(write);
    assert.deepEqual(write.files, [{ path: 'app.txt', op: 'modified' }]);
    assert.deepEqual(ofKind(events, 'tool_result').find((r) => r.callId === write.callId)?.files, [
      { path: 'app.txt', op: 'created' },
    ]);
    assert.deepEqual(
      calls.filter((c) => c.tool === 'Edit').map((c) => c.files),
      [[{ path: 'app.txt', op: 'modified' }], [{ path: 'app.txt', op: 'modified' }]],
    );
    assert.deepEqual(calls.find((c) => c.command === 'rm old.txt')?.files, [{ path: 'old.txt', op: 'deleted' }]);
    assert.deepEqual(
      calls.filter((c) => c.tool === 'Read').map((c) => c.action),
      ['read app.txt', 'read app.txt'],
    );
  });

  it('reports failing Bash with isError and the exit code, and invents none for a success', () => {
    const results = ofKind(recorded('build'), 'tool_result');
    const failed = results.filter((r) => r.isError);
    assert.deepEqual(
      failed.map((r) => [r.exitCode, r.output]),
      [[1, 'Exit code 1\nFAIL: app.txt is not ok']],
    );
    assert.deepEqual(
      results.filter((r) => !r.isError && r.exitCode !== undefined),
      [],
    );
  });

  it("marks every failed or refused call of the failures session as an error, with the client's text", () => {
    const results = ofKind(recorded('failures'), 'tool_result');
    const errors = results
      .filter((r) => r.isError)
      .map((r) => (r.output ?? '').split('\n')[0]?.replace(/\/tmp\/\S+/g, '<path>'));
    assert.deepEqual(errors, [
      'Exit code 2',
      '<tool_use_error>String to replace not found in file.',
      'File does not exist. Note: your current working directory is <path>',
      "Claude requested permissions to write to <path> but you haven't granted it yet.",
      "Claude requested permissions to use WebFetch, but you haven't granted it yet.",
    ]);
    assert.equal(results.find((r) => r.isError)?.exitCode, 2);
    // A session killed mid-call: the call is there, its result never came.
    const killed = recorded('failures', 2);
    assert.equal(ofKind(killed, 'tool_call').length, 1);
    assert.equal(ofKind(killed, 'tool_result').length, 0);
  });

  it("reports a background Agent when its task-notification arrives, and reads its file as the subagent's work", () => {
    const events = recorded('build');
    const refs = ofKind(events, 'subagent_ref');
    assert.equal(refs.length, 1);
    const id = refs[0]?.agentId ?? '';
    const results = ofKind(events, 'subagent_result');
    assert.deepEqual(
      results.map((r) => [r.agentId, r.agentType, r.description, r.text]),
      [[id, 'general-purpose', 'Count files', 'There are 3 files.']],
    );
    assert.ok(events.indexOf(refs[0] as AgentEvent) < events.indexOf(results[0] as AgentEvent));
    const file = join(claudeFixture('build').replace(/\.jsonl$/, ''), 'subagents', `agent-${id}.jsonl`);
    const sub = run(lines(file), { subagent: { id } }).events;
    assert.deepEqual(
      ofKind(sub, 'tool_call').map((c) => [c.action, c.subagent?.id]),
      [['ran ls | wc -l', id]],
    );
    assert.deepEqual(ofKind(sub, 'prompt'), []);
  });

  it('turns /compact into one compaction event and one session event for the whole session', () => {
    const events = recorded('build');
    assert.equal(ofKind(events, 'compaction').length, 1);
    const sessions = ofKind(events, 'session');
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0]?.version, '2.1.330');
    assert.equal(sessions[0]?.cwd, claudeFixtureWorkspace('build'));
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
    [
      'assistant bad blocks',
      '{"type":"assistant","message":{"id":"m","content":[null,5,"x",{"type":"tool_use"},{"type":"text","text":7}]}}',
    ],
    ['user bad tool_result', '{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":5}]}}'],
    [
      'wrong envelope types',
      '{"type":"user","uuid":5,"cwd":[],"timestamp":{},"isMeta":"yes","message":{"content":"hi"}}',
    ],
    ['truncated json', '{"type":"user","message":{"content":"hel'],
    ['garbage', '\u0000\u0001\uFFFD garbage {'],
    ['invalid utf-8 decoded', Buffer.from([0x7b, 0x22, 0x74, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]).toString('utf8')],
    ['U+FFFD in values', '{"type":"user","message":{"content":"\uFFFD\uFFFD"}}'],
    ['lone surrogate escape', '{"type":"user","message":{"content":"\\ud800"}}'],
    ['deep array', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['deep object value', `{"type":"user","message":{"content":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`],
    [
      'deep tool input',
      `{"type":"assistant","message":{"id":"m","content":[{"type":"tool_use","id":"t","name":"Bash","input":${'['.repeat(50_000)}${']'.repeat(50_000)}}]}}`,
    ],
    [
      'huge string',
      JSON.stringify({
        type: 'user',
        uuid: 'u'.repeat(5_000_000),
        message: { content: [{ type: 'text', text: 'x'.repeat(5_000_000) }] },
      }),
    ],
    [
      'huge unclosed reminder',
      JSON.stringify({ type: 'user', message: { content: '<system-reminder>'.repeat(300_000) } }),
    ],
    [
      'huge command',
      JSON.stringify({
        type: 'assistant',
        message: {
          id: 'm',
          content: [{ type: 'tool_use', id: 't', name: 'Bash', input: { command: 'rm '.repeat(2_000_000) } }],
        },
      }),
    ],
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
      parseOne(line)
        .filter((e) => e.kind === 'skipped')
        .map((e) => (e.kind === 'skipped' ? e.reason : ''));
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
    assert.deepEqual(parseOne('{"type":"brand-new-thing","uuid":"z"}'), [
      { kind: 'skipped', reason: 'unknown-type:brand-new-thing' },
    ]);
    const [long] = parseOne(JSON.stringify({ type: 'x'.repeat(10_000) }));
    assert.ok(long?.kind === 'skipped' && long.reason.length <= 'unknown-type:'.length + 100);
  });

  it('yields nothing for record types it knowingly ignores', () => {
    for (const type of [
      'progress',
      'file-history-snapshot',
      'attachment',
      'queue-operation',
      'last-prompt',
      'summary',
      'permission-mode',
      'ai-title',
      'cost-state',
      'api-request-blob',
      'tools-used',
    ]) {
      assert.deepEqual(parseOne(JSON.stringify({ type, uuid: 'q', content: 'x' })), [], type);
    }
    for (const subtype of ['stop_hook_summary', 'turn_duration', 'local_command', 'api_error', undefined]) {
      const events = parseOne(JSON.stringify({ ...envelope(), type: 'system', subtype, content: 'x' }));
      assert.deepEqual(
        events.filter((e) => e.kind !== 'session'),
        [],
        String(subtype),
      );
    }
  });
});

describe('claude-code adapter: prompts', () => {
  const prompts = (...input: string[]): string[] => ofKind(run(input).events, 'prompt').map((p) => p.text);

  it('accepts string and text-item prompts and strips system reminders', () => {
    assert.deepEqual(prompts(userLine('fix the bug')), ['fix the bug']);
    assert.deepEqual(
      prompts(
        userLine([
          { type: 'text', text: 'part one' },
          { type: 'text', text: 'part two' },
        ]),
      ),
      ['part one\n\npart two'],
    );
    assert.deepEqual(
      prompts(
        userLine('<system-reminder>\nctx\n</system-reminder>\nreal question\n<system-reminder>more</system-reminder>'),
      ),
      ['real question'],
    );
    assert.deepEqual(prompts(userLine('<system-reminder>only context</system-reminder>')), []);
    assert.deepEqual(prompts(userLine('fix the <system-reminder> title bug')), ['fix the <system-reminder> title bug']);
  });

  it('never includes images', () => {
    const image = {
      type: 'image',
      source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo'.repeat(1000) },
    };
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
      userLine(
        `<command-name>/${name}</command-name>\n<command-message>${name}</command-message>\n<command-args>${args}</command-args>`,
      );
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
    const replies = (line: string, ctx?: LineContext): string[] =>
      ofKind(parseOne(line, ctx), 'reply').map((r) => r.text);
    assert.deepEqual(replies(assistantLine([{ type: 'text', text: ' \n ' }])), []);
    assert.deepEqual(replies(assistantLine([{ type: 'thinking', thinking: 'secret', signature: 's' }])), []);
    assert.deepEqual(
      replies(assistantLine([{ type: 'text', text: 'API Error: 529' }], {}, { model: '<synthetic>' })),
      [],
    );
    assert.deepEqual(replies(assistantLine([{ type: 'text', text: 'sub' }], { isSidechain: true })), []);
    assert.deepEqual(replies(assistantLine([{ type: 'text', text: 'sub' }]), { subagent: { id: 'a' } }), []);
    assert.deepEqual(replies(assistantLine([{ type: 'text', text: 'Done.' }])), ['Done.']);
  });

  it('uses message.id, falling back to the record uuid', () => {
    const line = JSON.stringify({
      ...envelope({ uuid: 'rec-1' }),
      type: 'assistant',
      message: { content: [{ type: 'text', text: 'hi' }] },
    });
    const [reply] = ofKind(parseOne(line), 'reply');
    assert.deepEqual(reply, {
      kind: 'reply',
      at: '2026-01-01T00:00:00.000Z',
      text: 'hi',
      messageId: 'rec-1',
      partId: 'rec-1',
    });
  });
});

describe('claude-code adapter: tool calls', () => {
  it('summarises file tools relative to the project folder', () => {
    assert.deepEqual(
      callFor(assistantLine([toolUse('Edit', { file_path: `${CWD}/src/a.ts`, old_string: 'a', new_string: 'b' })]))
        .files,
      [{ path: 'src/a.ts', op: 'modified' }],
    );
    const read = callFor(assistantLine([toolUse('Read', { file_path: `${CWD}/README.md` })]));
    assert.deepEqual([read.action, read.files], ['read README.md', [{ path: 'README.md', op: 'read' }]]);
    const outside = callFor(assistantLine([toolUse('Write', { file_path: '/etc/hosts', content: '' })]));
    assert.deepEqual([outside.action, outside.files], ['edited /etc/hosts', [{ path: '/etc/hosts', op: 'modified' }]]);
    const sibling = callFor(assistantLine([toolUse('Edit', { file_path: `${CWD}-other/x.ts` })]));
    assert.equal(sibling.action, `edited ${CWD}-other/x.ts`);
    const notebook = callFor(
      assistantLine([toolUse('NotebookEdit', { notebook_path: `${CWD}/nb.ipynb`, new_source: '' })]),
    );
    assert.equal(notebook.action, 'edited nb.ipynb');
    assert.equal(callFor(assistantLine([toolUse('Edit', { nope: 1 })])).action, 'used Edit');
  });

  it('summarises searches and other tools', () => {
    assert.equal(
      callFor(assistantLine([toolUse('Grep', { pattern: 'TODO', path: `${CWD}/src` })])).action,
      'searched for TODO in src',
    );
    assert.equal(callFor(assistantLine([toolUse('Glob', { pattern: '**/*.ts' })])).action, 'searched for **/*.ts');
    for (const name of ['WebSearch', 'Task', 'Agent', 'mcp__github__create_issue', 'SomethingNew']) {
      assert.equal(callFor(assistantLine([toolUse(name, {})])).action, `used ${name}`);
    }
  });

  it('yields nothing for tool discovery and task-list tools: bookkeeping, not work', () => {
    for (const name of ['ToolSearch', 'TodoWrite', 'TodoRead', 'TaskCreate', 'TaskGet', 'TaskUpdate', 'TaskList']) {
      assert.deepEqual(
        ofKind(parseOne(assistantLine([toolUse(name, { query: 'select:Read' })])), 'tool_call'),
        [],
        name,
      );
    }
    // The work beside them in the same message still counts.
    const { events } = run([
      assistantLine([toolUse('TodoWrite', { todos: [] }), toolUse('Bash', { command: 'npm test' })]),
    ]);
    assert.deepEqual(
      ofKind(events, 'tool_call').map((c) => c.action),
      ['ran npm test'],
    );
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
    assert.deepEqual(
      [moved.action, moved.files],
      ['moved src/a.ts to src/b.ts', [{ path: 'src/b.ts', op: 'moved', from: 'src/a.ts' }]],
    );
    assert.deepEqual(bash('mv -f ./x.md docs/x.md').files, [{ path: 'docs/x.md', op: 'moved', from: 'x.md' }]);
    // Relative operands start from the record's cwd, shown relative to the project folder.
    const state = run([userLine('hi')]).state;
    const fromSub = claudeCodeAdapter.parseLine(
      state,
      assistantLine([toolUse('Bash', { command: 'rm gone.ts' })], { cwd: `${CWD}/pkg` }),
    );
    assert.deepEqual(ofKind(fromSub.events, 'tool_call')[0]?.files, [{ path: 'pkg/gone.ts', op: 'deleted' }]);
    // A chain stays `ran …`; the files each of its parts changes are shell.ts's to tell (shell.test.ts).
    for (const command of ['rm a && rm b', 'cd x; rm y']) assert.ok(bash(command).action.startsWith('ran '), command);
    for (const command of [
      'rm *.log',
      'rm -rf $DIR',
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
    const call = (line: string, ctx?: LineContext): EventOf<'tool_call'> | undefined =>
      ofKind(parseOne(line, ctx), 'tool_call')[0];
    assert.deepEqual(call(assistantLine([toolUse('Read', { file_path: 'a' })], { isSidechain: true }))?.subagent, {});
    assert.deepEqual(
      call(assistantLine([toolUse('Read', { file_path: 'a' })], { isSidechain: true }), {
        subagent: { id: 'a1', type: 'Explore' },
      })?.subagent,
      { id: 'a1', type: 'Explore' },
    );
    assert.equal(call(assistantLine([toolUse('Read', { file_path: 'a' })]))?.subagent, undefined);
  });
});

describe('claude-code adapter: tool results', () => {
  it('keeps the tail of text output, never images, and parses exit codes', () => {
    const long = `${'a'.repeat(5000)}THE END`;
    const [result] = ofKind(
      parseOne(
        toolResultLine('t1', [
          { type: 'text', text: long },
          { type: 'image', source: { type: 'base64', data: 'QUJD' } },
        ]),
      ),
      'tool_result',
    );
    assert.equal(result?.output?.length, 2000);
    assert.ok(result?.output?.endsWith('THE END'));
    assert.ok(!result?.output?.includes('QUJD'));
    const [failed] = ofKind(parseOne(toolResultLine('t2', 'Exit code 2\nboom', {}, true)), 'tool_result');
    assert.deepEqual(failed, {
      kind: 'tool_result',
      at: '2026-01-01T00:00:00.000Z',
      callId: 't2',
      isError: true,
      outcome: 'failed',
      reason: 'exit 2',
      exitCode: 2,
      output: 'Exit code 2\nboom',
    });
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
  const agentCall = toolUse(
    'Agent',
    { description: 'Check file', prompt: 'look', subagent_type: 'general-purpose' },
    'toolu_agent',
  );
  const launched = JSON.stringify({
    ...envelope(),
    type: 'user',
    message: {
      content: [
        {
          type: 'tool_result',
          tool_use_id: 'toolu_agent',
          content: [{ type: 'text', text: 'Async agent launched successfully.' }],
        },
      ],
    },
    toolUseResult: {
      isAsync: true,
      status: 'async_launched',
      agentId: 'a37b9d38e6acc2290',
      description: 'Check file',
      prompt: 'look',
    },
  });
  const notification = userLine(
    '<task-notification>\n<task-id>a37b9d38e6acc2290</task-id>\n<tool-use-id>toolu_agent</tool-use-id>\n<status>completed</status>\n' +
      '<summary>Agent "Check file" completed</summary>\n<result>hello.txt contains hello</result>\n</task-notification>',
  );

  it('reports the agent when its task-notification arrives, not at launch', () => {
    const start = run([userLine('check it'), assistantLine([agentCall])]);
    const atLaunch = claudeCodeAdapter.parseLine(start.state, launched);
    assert.deepEqual(
      atLaunch.events.map((e) => e.kind),
      ['tool_result'],
    );
    const done = claudeCodeAdapter.parseLine(atLaunch.state, notification);
    assert.deepEqual(done.events, [
      {
        kind: 'subagent_ref',
        at: '2026-01-01T00:00:00.000Z',
        agentId: 'a37b9d38e6acc2290',
        agentType: 'general-purpose',
      },
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
    const cut = userLine('<task-notification>\n<task-id>afff</task-id>\n<result>partial report', {
      origin: { kind: 'task-notification' },
    });
    assert.deepEqual(
      parseOne(cut)
        .filter((e) => e.kind === 'subagent_result')
        .map((e) => (e.kind === 'subagent_result' ? e.text : '')),
      ['partial report'],
    );
    const shell = userLine(
      '<task-notification>\n<task-id>b7636e2</task-id>\n<status>completed</status>\n<summary>Background command "x" completed (exit code 0)</summary>\n</task-notification>',
    );
    assert.deepEqual(
      parseOne(shell).filter((e) => e.kind !== 'session'),
      [],
    );
  });

  it('learns agent ids from agent_progress when a sync result lacks one', () => {
    const task = toolUse('Task', { description: 'Explore', prompt: 'p', subagent_type: 'Explore' }, 'toolu_task');
    const progress = JSON.stringify({
      type: 'progress',
      parentToolUseID: 'toolu_task',
      data: { type: 'agent_progress', agentId: 'a77' },
    });
    const result = toolResultLine('toolu_task', [{ type: 'text', text: 'report' }]);
    const { events } = run([assistantLine([task]), progress, result]);
    assert.deepEqual(
      events.filter((e) => e.kind === 'subagent_ref' || e.kind === 'subagent_result'),
      [
        { kind: 'subagent_ref', at: '2026-01-01T00:00:00.000Z', agentId: 'a77', agentType: 'Explore' },
        {
          kind: 'subagent_result',
          at: '2026-01-01T00:00:00.000Z',
          agentId: 'a77',
          agentType: 'Explore',
          description: 'Explore',
          text: 'report',
        },
      ],
    );
  });
});

describe('claude-code adapter: compaction and bounded state', () => {
  it('turns a compact_boundary into a compaction event, and /compact wrappers into nothing', () => {
    const boundary = JSON.stringify({
      ...envelope(),
      type: 'system',
      subtype: 'compact_boundary',
      content: 'Conversation compacted',
      compactMetadata: { trigger: 'manual' },
    });
    const { events } = run([
      userLine('<local-command-caveat>Caveat</local-command-caveat>', { isMeta: true }),
      boundary,
      userLine('This session is being continued from a previous conversation. Summary: …', { isCompactSummary: true }),
      userLine(
        '<command-name>/compact</command-name>\n<command-message>compact</command-message>\n<command-args>keep it short</command-args>',
      ),
      userLine('<local-command-stdout>Compacted </local-command-stdout>', { repeatsCompactSummary: true }),
    ]);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['session', 'compaction'],
    );
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

describe('claude-code adapter: what became of each call', () => {
  /** The outcome of one result line as the adapter reads it, with isError. */
  const outcomeOf = (content: unknown, opts: { isError?: boolean; extra?: Record<string, unknown> } = {}) => {
    const [result] = ofKind(
      parseOne(toolResultLine('t', content, opts.extra ?? {}, opts.isError ?? true)),
      'tool_result',
    );
    assert.ok(result);
    return [result.outcome, result.reason, result.isError];
  };

  it('reads the texts the real client writes (recorded from 2.1.330, seen in the 1.0.x–2.1.39 corpus)', () => {
    const cases: [string, unknown, { isError?: boolean; extra?: Record<string, unknown> }, unknown[]][] = [
      [
        'Bash exits non-zero',
        "Exit code 2\nls: cannot access 'missing-dir': No such file or directory",
        {},
        ['failed', 'exit 2', true],
      ],
      ['Bash killed when the client was terminated', 'Exit code 137', {}, ['interrupted', undefined, true]],
      [
        'Edit whose old_string is missing',
        '<tool_use_error>String to replace not found in file.\nString: this text is not in the file</tool_use_error>',
        {},
        ['failed', 'old_string not found', true],
      ],
      [
        'Read of a missing file (2.1.330)',
        'File does not exist. Note: your current working directory is /home/u/proj.',
        {},
        ['failed', 'file does not exist', true],
      ],
      [
        'Read of a missing file (2.1.39)',
        '<tool_use_error>File does not exist.</tool_use_error>',
        {},
        ['failed', 'file does not exist', true],
      ],
      [
        'Write outside the workspace in -p',
        "Claude requested permissions to write to /home/u/outside.txt, but you haven't granted it yet.",
        { extra: { toolDenialKind: 'user-rejected' } },
        ['refused', 'not permitted', true],
      ],
      [
        'a tool no rule allows in -p',
        "Claude requested permissions to use WebFetch, but you haven't granted it yet.",
        { extra: { toolDenialKind: 'user-rejected' } },
        ['refused', 'not permitted', true],
      ],
      [
        'Bash rm that needs approval',
        "rm in '/home/u/proj/obsolete.txt' needs approval. The path is inside the working directories for this session ('/home/u/proj'), and Claude Code asks before a shell command creates, changes or removes files there.",
        { extra: { toolDenialKind: 'user-rejected' } },
        ['refused', 'not permitted', true],
      ],
      ['Bash needing approval', 'This command requires approval', {}, ['refused', 'not permitted', true]],
      [
        'Write of a file never read',
        '<tool_use_error>File has not been read yet. Read it first before writing to it.</tool_use_error>',
        {},
        ['refused', 'file not read first', true],
      ],
      [
        'Escape while the tool runs (TUI)',
        "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file edit, the new_string was NOT written to the file). STOP what you are doing and wait for the user to tell you how to proceed.",
        { extra: { toolDenialKind: 'user-rejected' } },
        ['interrupted', undefined, true],
      ],
      [
        'a parallel call failed first',
        '<tool_use_error>Sibling tool call errored</tool_use_error>',
        {},
        ['interrupted', 'parallel call failed', true],
      ],
      ['Read of a folder', 'EISDIR: illegal operation on a directory, read', {}, ['failed', 'is a directory', true]],
      [
        'Task without its prompt',
        '<tool_use_error>InputValidationError: Task failed due to the following issue:\nThe required parameter `prompt` is missing</tool_use_error>',
        {},
        ['failed', 'invalid input', true],
      ],
      [
        '1.0.x Bash failure (no exit code)',
        "ls: cannot access 'types/': No such file or directory",
        {},
        ['failed', undefined, true],
      ],
      [
        'a Bash command timed out (2.1.330 wording)',
        'Exit code 143\npartial output\nCommand timed out after 2m 0s',
        {},
        ['interrupted', 'timed out', true],
      ],
      [
        'a denial the text does not explain',
        'Nope.',
        { extra: { toolDenialKind: 'permission-rule' } },
        ['refused', 'not permitted', true],
      ],
      [
        'an interruption the text does not explain',
        'Stopped.',
        { extra: { toolDenialKind: 'interrupted' } },
        ['interrupted', undefined, true],
      ],
      [
        'a call left open when the session ended, answered on resume',
        "[Tool call interrupted: the session ended before this call's result was recorded, so its outcome is unknown. Check whether it took effect before relying on it or running it again.]",
        { isError: false },
        ['interrupted', 'session ended', true],
      ],
    ];
    for (const [what, content, opts, expected] of cases) assert.deepEqual(outcomeOf(content, opts), expected, what);
  });

  it('takes program output for no client notice, and a success for none at all', () => {
    // After `Exit code N` comes what the command printed: its words are not the client's.
    assert.deepEqual(outcomeOf("Exit code 1\nThe user doesn't want to proceed with this tool use."), [
      'failed',
      'exit 1',
      true,
    ]);
    assert.deepEqual(outcomeOf('Exit code 1\nFile does not exist'), ['failed', 'exit 1', true]);
    // A successful result saying the same words is a success.
    for (const text of [
      'File does not exist. (a line of a file read back)',
      "Claude requested permissions to use X, but you haven't granted it yet.",
      'aborted by user',
    ]) {
      assert.deepEqual(outcomeOf(text, { isError: false }), [undefined, undefined, false], text);
    }
    // 1.0.x BashOutput: a background command's exit code is a field of a successful result.
    assert.deepEqual(
      outcomeOf('output', { isError: false, extra: { toolUseResult: { exitCode: 3, stdout: 'output' } } }),
      ['failed', 'exit 3', true],
    );
  });

  it('classifies every failed, refused and interrupted call of the recorded sessions', () => {
    const verdicts = (scenario: string, index = 0) =>
      ofKind(recorded(scenario, index), 'tool_result')
        .filter((r) => r.isError || r.outcome !== undefined)
        .map((r) => [r.outcome, r.reason, r.isError]);
    assert.deepEqual(verdicts('failures'), [
      ['failed', 'exit 2', true],
      ['failed', 'old_string not found', true],
      ['failed', 'file does not exist', true],
      ['refused', 'not permitted', true],
      ['refused', 'not permitted', true],
    ]);
    assert.deepEqual(
      verdicts('failures', 1),
      [['interrupted', undefined, true]],
      'SIGTERM: the client killed the command (exit 137)',
    );
    assert.deepEqual(verdicts('interactive'), [['interrupted', undefined, true]], 'Escape while sh slow.sh ran');
    assert.deepEqual(verdicts('build'), [['failed', 'exit 1', true]]);
    assert.deepEqual(verdicts('long'), [
      ['failed', 'exit 1', true],
      ['failed', 'exit 1', true],
      ['failed', 'exit 2', true],
    ]);
  });
});

describe('claude-code adapter: no client framing in what the devlog shows', () => {
  it('keeps what the user typed beside an interrupt notice, and nothing of the notice', () => {
    const prompts = (...input: string[]) => ofKind(run(input).events, 'prompt').map((p) => p.text);
    assert.deepEqual(
      prompts(
        userLine([
          { type: 'text', text: '[Request interrupted by user]' },
          { type: 'text', text: 'use the other file' },
        ]),
      ),
      ['use the other file'],
    );
    assert.deepEqual(prompts(userLine('[Request interrupted by user for tool use]')), []);
  });

  it('strips the 2.1.330 hand-back frame from a subagent report', () => {
    const agent = toolUse(
      'Agent',
      { description: 'Add version.js', prompt: 'p', subagent_type: 'general-purpose', run_in_background: false },
      'toolu_fg',
    );
    // The shapes the client recorded for a foreground subagent (fixture parallel-subagents).
    const framed =
      '  <tools-used-before-summary>Write</tools-used-before-summary>\n  \n[Subagent hand-back] The text below is the final report of a subagent this session delegated to. ' +
      'It is model output, NOT a message from the user. The report follows:\n  Created src/version.js exporting VERSION = "1.0.0".\n  Second line.\n' +
      'agentId: ab2aba1cbc6b79720\n<usage>subagent_tokens: 1148\ntool_uses: 1\nduration_ms: 782</usage>';
    const withContent = JSON.stringify({
      ...envelope(),
      type: 'user',
      message: {
        content: [{ type: 'tool_result', tool_use_id: 'toolu_fg', content: [{ type: 'text', text: framed }] }],
      },
      toolUseResult: {
        status: 'completed',
        agentId: 'ab2aba1cbc6b79720',
        agentType: 'general-purpose',
        content: [
          { type: 'text', text: '<tools-used-before-summary>Write</tools-used-before-summary>\n' },
          { type: 'text', text: 'Created src/version.js exporting VERSION = "1.0.0".' },
        ],
        totalDurationMs: 782,
      },
    });
    const report = (line: string) =>
      ofKind(run([assistantLine([agent]), line]).events, 'subagent_result').map((r) => r.text);
    assert.deepEqual(report(withContent), ['Created src/version.js exporting VERSION = "1.0.0".']);
    // Without toolUseResult content, the framed text itself.
    assert.deepEqual(report(toolResultLine('toolu_fg', [{ type: 'text', text: framed }])), [
      'Created src/version.js exporting VERSION = "1.0.0".\nSecond line.',
    ]);
    // A report that only quotes the notice, indented as the client indents reports, is left whole.
    const quoting = '  The client writes\n  [Subagent hand-back] … The report follows:\n  before a report.';
    assert.deepEqual(report(toolResultLine('toolu_fg', [{ type: 'text', text: quoting }])), [quoting.trim()]);
  });

  it("strips the frame from a background agent's notification result", () => {
    const line = userLine(
      '<task-notification>\n<task-id>a1</task-id>\n<status>completed</status>\n<result><tools-used-before-summary>Bash</tools-used-before-summary>\nThere are 3 files.</result>\n</task-notification>',
    );
    assert.deepEqual(
      ofKind(parseOne(line), 'subagent_result').map((r) => r.text),
      ['There are 3 files.'],
    );
  });

  it("settles a subagent's Write as created from the result text when the record has no toolUseResult (2.1.330 subagent files)", () => {
    const text = `File created successfully at: ${CWD}/src/version.js (file state is current in your context — no need to Read it back)`;
    assert.deepEqual(
      ofKind(parseOne(toolResultLine('w', text, { isSidechain: true, agentId: 'a1' })), 'tool_result')[0]?.files,
      [{ path: 'src/version.js', op: 'created' }],
    );
    assert.equal(
      ofKind(parseOne(toolResultLine('w', `The file ${CWD}/a.ts has been updated successfully.`)), 'tool_result')[0]
        ?.files,
      undefined,
    );
  });
});
