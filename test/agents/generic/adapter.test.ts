import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { genericAdapter, type GenericState, genericStateSchema } from '../../../src/agents/generic/index.js';
import type { GenericRecord } from '../../../src/agents/generic/record.js';
import type { AgentEvent } from '../../../src/events.js';
import { readFixture, runLines, transcript } from './run.js';

const lines = (...records: GenericRecord[]) => records.map((r) => JSON.stringify(r));
const run = (...records: GenericRecord[]) => runLines(lines(...records));
const said = (...records: GenericRecord[]) => transcript(run(...records).events);
const ask = (text: string): GenericRecord => ({ role: 'user', text });
const call = (name: string, input: Record<string, string | string[]>, id?: string): GenericRecord => ({
  role: 'assistant',
  tools: [{ ...(id !== undefined && { id }), name, input }],
});
const result = (
  id: string | undefined,
  output: string,
  extra: { isError?: boolean; name?: string } = {},
): GenericRecord => ({ role: 'tool', toolResult: { ...(id !== undefined && { id }), output, ...extra } });

describe('generic adapter: signal and noise', () => {
  test('system records, empty messages and injected context give nothing', () => {
    assert.deepEqual(
      said(
        { role: 'system', text: 'You are a helpful assistant with these tools…' },
        { role: 'user' },
        { role: 'user', text: '   \n ' },
        { role: 'user', text: '<instructions>Always answer in English.</instructions>' },
        { role: 'user', text: '<environment_context>\n<cwd>/w</cwd>\n</environment_context>' },
        { role: 'assistant', text: '  ' },
        { role: 'assistant' },
        ask('<system-reminder>Todo list is empty.</system-reminder>\nplease fix the login bug'),
        ask('fix the <context> parsing, it drops the tag'),
      ),
      ['> please fix the login bug', '> fix the <context> parsing, it drops the tag'],
    );
  });

  test('the same reply logged twice in a turn (stream and final) is one reply; a later turn may repeat it', () => {
    assert.deepEqual(
      said(ask('go'), { role: 'assistant', text: 'Done.' }, { role: 'assistant', text: 'Done.' }, ask('again'), {
        role: 'assistant',
        text: 'Done.',
      }),
      ['> go', '< Done.', '> again', '< Done.'],
    );
  });

  test('tools that are not named (reads, searches, web, task lists) give nothing, nor do their results', () => {
    assert.deepEqual(
      said(
        ask('look around'),
        call('read_file', { path: 'a.ts' }, 'r1'),
        result('r1', 'export const a = 1;'),
        call('Grep', { pattern: 'TODO' }, 'g1'),
        result('g1', 'a.ts:1: TODO'),
        call('web_search', { query: 'zod 4 catch' }, 'w1'),
        call('TodoWrite', { todos: 'x' }, 't1'),
        call('str_replace_based_edit_tool', { command: 'view', path: 'a.ts' }, 'v1'),
        call('bash', {}, 'b0'),
        result('b0', 'ran nothing'),
      ),
      ['> look around'],
    );
  });
});

describe('generic adapter: tool calls', () => {
  test('names shell and file tools across agents and frameworks', () => {
    assert.deepEqual(
      said(
        call('Bash', { command: 'npm test' }, 'c1'),
        call('functions.shell', { command: ['bash', '-lc', 'git status --short'] }, 'c2'),
        call('mcp__shell__run_command', { cmd: ['ls', '-la', 'my dir'] }, 'c3'),
        call('execute_command', { command: 'rm -f old.log' }, 'c4'),
        call('run_terminal_cmd', { command: 'git mv a.ts b.ts' }, 'c5'),
        call('create_file', { path: 'docs/new.md', content: '# New' }, 'c6'),
        call('str_replace_editor', { command: 'create', path: 'src/x.ts', file_text: '' }, 'c7'),
        call('Write', { file_path: 'src/y.ts', content: '' }, 'c8'),
        call('apply-diff', { path: 'src/z.ts', diff: '...' }, 'c9'),
      ),
      [
        '$ ran npm test [c1]',
        '$ ran git status --short [c2]',
        "$ ran ls -la 'my dir' [c3]",
        '$ deleted old.log [c4]',
        '$ moved a.ts to b.ts [c5]',
        '$ created docs/new.md [c6]',
        '$ created src/x.ts [c7]',
        '$ edited src/y.ts [c8]',
        '$ edited src/z.ts [c9]',
      ],
    );
  });

  test('tool calls carry the files they change and the command', () => {
    const { events } = run(
      call('bash', { command: 'echo hi > notes.txt && rm old.txt' }, 'c1'),
      call('edit_file', { path: 'src/a.ts' }, 'c2'),
    );
    const calls = events.filter((e) => e.kind === 'tool_call');
    assert.deepEqual(
      calls.map((e) => (e.kind === 'tool_call' ? [e.files, e.command] : [])),
      [
        [
          [
            { path: 'notes.txt', op: 'created' },
            { path: 'old.txt', op: 'deleted' },
          ],
          'echo hi > notes.txt && rm old.txt',
        ],
        [[{ path: 'src/a.ts', op: 'modified' }], undefined],
      ],
    );
  });

  test('paths are relative to the session folder, or to the repository top when the session ran below it', () => {
    const records: GenericRecord[] = [
      { role: 'user', text: 'go', cwd: '/repo/services/api' },
      call('Write', { file_path: '/repo/services/api/config.js' }, 'w'),
      call('bash', { command: 'rm tmp.txt', workdir: 'build' }, 'b'),
    ];
    assert.deepEqual(transcript(runLines(lines(...records)).events).slice(1), [
      '$ edited config.js [w]',
      '$ deleted build/tmp.txt [b]',
    ]);
    assert.deepEqual(transcript(runLines(lines(...records), { repoRoot: '/repo' }).events).slice(1), [
      '$ edited services/api/config.js [w]',
      '$ deleted services/api/build/tmp.txt [b]',
    ]);
  });

  test('calls without ids get stable ids of their own, and results pair in order, or by tool name', () => {
    assert.deepEqual(
      said(
        ask('go'),
        {
          role: 'assistant',
          tools: [
            { name: 'bash', input: { command: 'make' } },
            { name: 'write_file', input: { path: 'out.txt' } },
          ],
        },
        result(undefined, 'wrote out.txt', { name: 'write_file' }),
        result(undefined, 'make: *** [all] Error 2\nExit code 2'),
      ),
      [
        '> go',
        '$ ran make [generic-call-2]',
        '$ edited out.txt [generic-call-3]',
        '= generic-call-3 ok',
        '= generic-call-2 failed: exit 2',
      ],
    );
  });

  test('a call logged twice, or a result logged twice, counts once', () => {
    assert.deepEqual(
      said(
        call('bash', { command: 'ls' }, 'c1'),
        call('bash', { command: 'ls' }, 'c1'),
        result('c1', 'a'),
        result('c1', 'a'),
        call('bash', { command: 'ls' }, 'c1'),
      ),
      ['$ ran ls [c1]', '= c1 ok'],
    );
  });
});

describe('generic adapter: results', () => {
  const outcome = (output: string, isError?: boolean) => {
    const { events } = run(
      call('bash', { command: 'x' }, 'c'),
      result('c', output, isError === undefined ? {} : { isError }),
    );
    const r = events.find((e): e is Extract<AgentEvent, { kind: 'tool_result' }> => e.kind === 'tool_result');
    assert.ok(r);
    return [r.isError, r.outcome, r.reason, r.exitCode];
  };

  test('failed, refused and interrupted calls are errors, with the format flag or from what the output opens with', () => {
    assert.deepEqual(outcome('some output', true), [true, 'failed', undefined, undefined]);
    assert.deepEqual(outcome('Exit code 1\nnpm ERR! test failed'), [true, 'failed', 'exit 1', 1]);
    assert.deepEqual(outcome('Chunk ID: 9\nProcess exited with code 2\nOutput:\nboom'), [true, 'failed', 'exit 2', 2]);
    assert.deepEqual(outcome('Exit code 130'), [true, 'interrupted', undefined, 130]);
    assert.deepEqual(outcome('Traceback (most recent call last):\n  File "x.py", line 1'), [
      true,
      'failed',
      'exception',
      undefined,
    ]);
    assert.deepEqual(outcome('fatal: not a git repository (or any of the parent directories): .git'), [
      true,
      'failed',
      undefined,
      undefined,
    ]);
    assert.deepEqual(outcome('error[E0425]: cannot find value `x` in this scope'), [
      true,
      'failed',
      undefined,
      undefined,
    ]);
    assert.deepEqual(outcome('bash: line 1: pnpm: command not found'), [
      true,
      'failed',
      'command not found',
      undefined,
    ]);
    assert.deepEqual(outcome('The command was rejected by the user.'), [
      true,
      'refused',
      'rejected by user',
      undefined,
    ]);
    assert.deepEqual(outcome('Command timed out after 120s'), [true, 'interrupted', 'timed out', undefined]);
    assert.deepEqual(outcome('[Request interrupted by user for tool use]', true), [
      true,
      'interrupted',
      undefined,
      undefined,
    ]);
  });

  test('a call that worked is no error, whatever its output mentions further down', () => {
    assert.deepEqual(outcome('Process exited with code 0\nerror: this line is program output'), [
      false,
      undefined,
      undefined,
      0,
    ]);
    assert.deepEqual(outcome('src/errors.ts:3: export class error {}\n2 errors fixed'), [
      false,
      undefined,
      undefined,
      undefined,
    ]);
    assert.deepEqual(outcome(''), [false, undefined, undefined, undefined]);
  });

  test('the output tail is kept, bounded', () => {
    const { events } = run(
      call('bash', { command: 'npm test' }, 'c'),
      result('c', `${'noise\n'.repeat(10_000)}# pass 12\n# fail 0`),
    );
    const r = events.find((e) => e.kind === 'tool_result');
    assert.ok(
      r?.kind === 'tool_result' &&
        r.output !== undefined &&
        r.output.length <= 2000 &&
        r.output.endsWith('# pass 12\n# fail 0'),
    );
  });

  test('a call whose result never comes is never reported as done', () => {
    const { events, state } = run(ask('deploy'), call('bash', { command: './deploy.sh' }, 'd1'), {
      role: 'assistant',
      text: 'Deploying now.',
    });
    assert.deepEqual(transcript(events), ['> deploy', '$ ran ./deploy.sh [d1]', '< Deploying now.']);
    assert.ok(!events.some((e) => e.kind === 'tool_result'));
    assert.deepEqual(state.pending, [{ id: 'd1', tool: 'bash' }]);
    // The next prompt ends the turn: a result naming no call is not taken for the old call's.
    const after = runLines(lines(ask('status?'), result(undefined, 'deployed')), undefined, state);
    assert.deepEqual(transcript(after.events), ['> status?']);
  });

  test('the results of the fixtures: the failing test run is failed, never done', () => {
    const records = readFixture('anthropic-api.jsonl').records;
    const { events } = runLines(records.map((r) => JSON.stringify(r)));
    const failed = events.filter((e) => e.kind === 'tool_result' && e.isError);
    assert.deepEqual(
      failed.map((e) => (e.kind === 'tool_result' ? e.callId : '')),
      ['toolu_05'],
    );
  });
});

describe('generic adapter: the adapter contract', () => {
  const HOSTILE = [
    '',
    '  ',
    'null',
    '[]',
    '"str"',
    '{}',
    '{"role":"narrator"}',
    '{"role":"user","text":5}',
    '{"role":"assistant","tools":[null,5,{"name":7}]}',
    '{"role":"assistant","tools":[{"name":"bash","input":{"command":{"a":1}}}]}',
    '{"role":"tool","toolResult":"x"}',
    '{"role":"user","text":"cut',
    '\u0000 garbage {',
    '['.repeat(100_000) + ']'.repeat(100_000),
    JSON.stringify({ role: 'user', text: 'x'.repeat(5_000_000) }),
    JSON.stringify({
      role: 'assistant',
      text: 'y'.repeat(5_000_000),
      tools: Array.from({ length: 10_000 }, (_, i) => ({ id: `h${i}`, name: 'bash', input: { command: `echo ${i}` } })),
    }),
    JSON.stringify({
      role: 'assistant',
      tools: [
        {
          id: 'i'.repeat(100_000),
          name: 'n'.repeat(100_000),
          input: { command: 'c'.repeat(1_000_000), file_path: 'p'.repeat(1_000_000) },
        },
      ],
    }),
    JSON.stringify({ role: 'assistant', tools: [{ name: 'Write', input: { file_path: 'p'.repeat(1_000_000) } }] }),
    JSON.stringify({
      role: 'tool',
      toolResult: { id: 'h1', output: `Exit code ${'9'.repeat(100_000)}\n${'o'.repeat(3_000_000)}` },
    }),
    JSON.stringify({ role: 'user', text: 'go', cwd: '/'.repeat(100_000), at: 't'.repeat(1000) }),
    '{"role":"user","__proto__":{"role":"system"},"text":"hi"}',
  ];

  function check(state: GenericState, line: string, what: string): GenericState {
    const before = JSON.stringify(state);
    const out = genericAdapter.parseLine(state, line);
    assert.equal(JSON.stringify(state), before, `${what}: input state untouched`);
    assert.deepEqual(genericAdapter.parseLine(state, line), out, `${what}: deterministic`);
    assert.ok(
      !out.events.some((e) => e.kind === 'skipped' && e.reason.startsWith('internal-error')),
      `${what}: no internal error`,
    );
    genericStateSchema.parse(JSON.parse(JSON.stringify(out.state)));
    assert.ok(JSON.stringify(out.state).length < before.length + 40_000, `${what}: state stays small`);
    for (const e of out.events) assert.ok(JSON.stringify(e).length < 100_000, `${what}: event bounded (${e.kind})`);
    return out.state;
  }

  test('never throws on hostile lines, from a fresh state and mid-session', () => {
    const mid = runLines(
      readFixture('anthropic-api.jsonl')
        .records.slice(0, 5)
        .map((r) => JSON.stringify(r)),
    ).state;
    for (const [i, line] of HOSTILE.entries())
      for (const state of [genericAdapter.initialState(), mid]) check(state, line, `hostile #${i}`);
  });

  test('lines that are no record are counted as skipped, never dropped silently', () => {
    const out = runLines(['null', '{"role":"user","text":5}', 'not json']).events;
    assert.deepEqual(out, [
      { kind: 'skipped', reason: 'bad-shape:record' },
      { kind: 'skipped', reason: 'bad-shape:record' },
      { kind: 'skipped', reason: 'invalid-json' },
    ]);
  });

  test('state stays bounded over a long session of calls that never get results', () => {
    let state = genericAdapter.initialState();
    for (let i = 0; i < 5000; i++)
      state = genericAdapter.parseLine(
        state,
        JSON.stringify({
          role: 'assistant',
          text: `step ${i}`,
          tools: [{ name: 'bash', input: { command: `echo ${i}` } }],
        }),
      ).state;
    assert.ok(state.pending.length <= 256);
    assert.ok(state.recentReplies.length <= 32);
    assert.ok(JSON.stringify(state).length < 50_000);
  });

  test('the same events after a JSON round trip of the state at any cut', () => {
    for (const name of [
      'anthropic-api.jsonl',
      'openai-chat.jsonl',
      'langchain.jsonl',
      'responses-array.json',
      'messages-document.json',
      'chat-export.md',
    ]) {
      const all = readFixture(name).records.map((r) => JSON.stringify(r));
      const whole = runLines(all).events;
      for (let cut = 0; cut <= all.length; cut++) {
        const first = runLines(all.slice(0, cut));
        const resumed = genericStateSchema.parse(JSON.parse(JSON.stringify(first.state)));
        assert.deepEqual(
          [...first.events, ...runLines(all.slice(cut), undefined, resumed).events],
          whole,
          `${name} cut at ${cut}`,
        );
      }
    }
  });

  test('ctx.redact is applied before a long text is cut', () => {
    const secret = `ghp_${'Zx9'.repeat(12)}`;
    const text = `${'a '.repeat(15_990)}${secret} and more`;
    const redact = (t: string) => t.replace(/ghp_[A-Za-z0-9]{20,}/g, '[REDACTED]');
    const { events } = runLines(lines({ role: 'assistant', text }), { redact });
    const reply = events.find((e) => e.kind === 'reply');
    assert.ok(reply?.kind === 'reply');
    assert.ok(!reply.text.includes('ghp_'), reply.text.slice(-60));
  });

  test('is named generic and has the adapter shape', () => {
    assert.equal(genericAdapter.name, 'generic');
    assert.deepEqual(genericAdapter.initialState(), {
      version: 1,
      sessionEmitted: false,
      seq: 0,
      pending: [],
      done: [],
      recentReplies: [],
    });
  });
});
