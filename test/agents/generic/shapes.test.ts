import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  GenericRecord,
  MAX_FILE_CHARS,
  MAX_INPUT_KEYS,
  MAX_INPUT_VALUE_CHARS,
  MAX_RECORDS,
  MAX_TEXT_CHARS,
  MAX_TOOLS_PER_RECORD,
} from '../../../src/agents/generic/record.js';
import { type GenericRead, readGeneric } from '../../../src/agents/generic/shapes.js';
import { fixture, readFixture } from './run.js';

const jsonl = (...values: unknown[]) => values.map((v) => JSON.stringify(v)).join('\n');

function ok(read: GenericRead): Extract<GenericRead, { ok: true }> {
  assert.ok(read.ok, read.ok ? '' : read.reason);
  return read;
}

function reason(read: GenericRead): string {
  assert.equal(read.ok, false, 'expected the file to be refused');
  return read.ok ? '' : read.reason;
}

describe('readGeneric: records', () => {
  test('role/content JSONL: system kept for the adapter to drop, thinking and usage left out, results one record each', () => {
    const { records } = readFixture('anthropic-api.jsonl');
    assert.deepEqual(records.slice(0, 4), [
      {
        role: 'system',
        text: "You are a coding agent working in the user's repository.\n<rules>Run the tests before you say a change is done.</rules>",
        at: '2025-03-04T10:00:00.000Z',
      },
      {
        role: 'user',
        text: 'Rename the --verbose flag to --debug in the CLI and update the README.',
        at: '2025-03-04T10:00:01.000Z',
      },
      {
        role: 'assistant',
        text: "I'll find where the flag is defined first.",
        tools: [{ id: 'toolu_01', name: 'bash', input: { command: 'grep -rn -- --verbose src README.md' } }],
        at: '2025-03-04T10:00:04.000Z',
      },
      {
        role: 'tool',
        toolResult: {
          id: 'toolu_01',
          output: "src/cli.ts:12:  .option('--verbose', 'print more')\nREADME.md:30:Run with --verbose for details.",
        },
        at: '2025-03-04T10:00:05.000Z',
      },
    ]);
    // The user turn with two results gives two tool records and no user record.
    assert.deepEqual(
      records.slice(5, 7).map((r) => [r.role, r.toolResult?.id]),
      [
        ['tool', 'toolu_02'],
        ['tool', 'toolu_03'],
      ],
    );
    for (const r of records) assert.ok(GenericRecord.safeParse(r).success);
  });

  test('OpenAI arguments are parsed from their JSON string; LangChain tool_calls win over additional_kwargs', () => {
    const openai = readFixture('openai-chat.jsonl').records;
    assert.deepEqual(openai[4]?.tools, [
      {
        id: 'call_a2',
        name: 'write_file',
        input: { path: 'scripts/release.js', content: "import { join } from 'node:path';\n// ..." },
      },
      { id: 'call_a3', name: 'read_file', input: { path: 'package.json' } },
    ]);
    assert.deepEqual(openai[0], {
      role: 'system',
      text: 'You are a helpful coding assistant. Use the tools to inspect and change files.',
      at: '2025-03-04T10:00:00.000Z',
    });
    const langchain = readFixture('langchain.jsonl').records;
    assert.deepEqual(langchain[2]?.tools, [
      { id: 'call_1', name: 'write_file', input: { file_path: '.nvmrc', text: '20\n' } },
    ]);
    assert.deepEqual(langchain[6], {
      role: 'tool',
      toolResult: {
        id: 'call_3',
        name: 'terminal',
        output: "sed: can't read .github/workflows/ci.yml: No such file or directory",
        isError: true,
      },
    });
  });

  test('Responses items: argv kept as a list, workdir as a string, images dropped', () => {
    const { records } = readFixture('responses-array.json');
    assert.deepEqual(records[1], { role: 'user', text: 'Bump the lodash dependency to 4.17.21 and run the tests.' });
    assert.deepEqual(records[2], {
      role: 'assistant',
      tools: [
        {
          id: 'fc_1',
          name: 'shell',
          input: { command: ['bash', '-lc', 'npm install lodash@4.17.21'], workdir: '/work/shop' },
        },
      ],
    });
  });

  test('a document gives its cwd to the first record', () => {
    assert.equal(readFixture('messages-document.json').records[0]?.cwd, '/home/dev/calendar');
  });

  test('{conversation: [...]} and {conversation: {messages: [...]}} are messages documents', () => {
    const messages = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
    ];
    for (const doc of [{ conversation: messages }, { conversation: { messages } }]) {
      const read = ok(readGeneric(JSON.stringify(doc), 'chat.json'));
      assert.equal(read.shape, 'messages-document');
      assert.deepEqual(read.records, [
        { role: 'user', text: 'hi' },
        { role: 'assistant', text: 'hello' },
      ]);
    }
  });

  test('a single message object is a one-line JSONL file; a LangChain array is a json-array', () => {
    assert.equal(ok(readGeneric('{"role":"user","content":"one"}\n', 'x.jsonl')).shape, 'role-content-jsonl');
    assert.equal(ok(readGeneric('{\n  "type": "human",\n  "content": "one"\n}', 'x.json')).shape, 'langchain');
    const array = ok(
      readGeneric(
        JSON.stringify([
          { type: 'human', content: 'q' },
          { type: 'ai', content: 'a' },
        ]),
        'x.json',
      ),
    );
    assert.equal(array.shape, 'json-array');
    assert.deepEqual(array.records, [
      { role: 'user', text: 'q' },
      { role: 'assistant', text: 'a' },
    ]);
  });

  test('lines that are not messages are counted as skipped, not fatal', () => {
    const text = [
      '{"session":"abc","cwd":"/w"}',
      'not json at all',
      '{"role":"user","content":"fix it"}',
      '{"role":"narrator","content":"?"}',
      '{"type":"ai","content":"done"}',
    ].join('\n');
    const read = ok(readGeneric(text, 'log.jsonl'));
    assert.equal(read.skipped, 3);
    assert.deepEqual(read.records, [
      { role: 'user', text: 'fix it' },
      { role: 'assistant', text: 'done' },
    ]);
  });

  test('Markdown variants: ### User:, **User:** inline, **Assistant**:, ## You / ## ChatGPT; a bold word in prose is no label', () => {
    const md = [
      '### User:',
      'first question',
      '',
      '**Assistant**: first answer',
      'continues here',
      '**User** accounts are created on sign-up.',
      '**User:** second question',
      '## ChatGPT',
      'second answer',
      '## You',
      'thanks',
    ].join('\n');
    const read = ok(readGeneric(md, 'export.txt'));
    assert.equal(read.shape, 'markdown');
    assert.deepEqual(read.records, [
      { role: 'user', text: 'first question' },
      { role: 'assistant', text: 'first answer\ncontinues here\n**User** accounts are created on sign-up.' },
      { role: 'user', text: 'second question' },
      { role: 'assistant', text: 'second answer' },
      { role: 'user', text: 'thanks' },
    ]);
  });
});

describe('readGeneric: files it cannot read say why', () => {
  const lookedFor = (text: string) => {
    assert.match(text, /`role`/);
    assert.match(text, /LangChain `type`/);
    assert.match(text, /JSON array/);
    assert.match(text, /`messages` or `conversation`/);
    assert.match(text, /## Human/);
  };

  test('plain prose names every shape looked for', () => {
    const why = reason(readGeneric(fixture('notes.txt'), 'notes.txt'));
    assert.match(why, /^no known session shape: looked for/);
    lookedFor(why);
  });

  test('JSON that is not a conversation, JSONL without messages, an array without messages, a .md without turns', () => {
    lookedFor(reason(readGeneric('{"name":"pkg","version":"1.0.0"}', 'package.json')));
    lookedFor(reason(readGeneric('{"level":"info","msg":"started"}\n{"level":"warn","msg":"slow"}', 'app.jsonl')));
    assert.match(reason(readGeneric('[1, 2, 3]', 'x.json')), /^a JSON array with no messages in it \(3 items\)/);
    assert.match(
      reason(readGeneric('# Notes\n\n## Human resources\ntext', 'notes.md')),
      /^a Markdown file with no conversation turns/,
    );
    // One side only is not a chat export.
    assert.equal(readGeneric('## User\nhello', 'x.md').ok, false);
  });

  test('empty, binary, SQLite, broken JSON array, too large', () => {
    assert.match(reason(readGeneric(' \n\t\n', 'x.jsonl')), /empty file/);
    assert.match(reason(readGeneric('{"role":"user"}\u0000\u0001', 'x.jsonl')), /binary/);
    assert.match(reason(readGeneric('SQLite format 3', 'history.db')), /SQLite/);
    assert.match(reason(readGeneric('[{"role":"user","content":"x"}', 'x.json')), /not valid JSON/);
    assert.match(reason(readGeneric('x'.repeat(MAX_FILE_CHARS + 1), 'huge.log')), /too large/);
  });

  test('Claude Code and Codex transcripts are sent to their own adapters', () => {
    const claude = jsonl(
      { type: 'user', message: { role: 'user', content: 'hi' }, uuid: 'u1' },
      { type: 'assistant', message: { role: 'assistant', content: [{ type: 'text', text: 'hello' }] }, uuid: 'a1' },
    );
    assert.match(
      reason(readGeneric(claude, 'abc.jsonl')),
      /Claude Code transcript: read it with the claude-code adapter/,
    );
    const codex = jsonl(
      { timestamp: 't', type: 'session_meta', payload: { id: 'x' } },
      { timestamp: 't', type: 'event_msg', payload: { type: 'user_message', message: 'hi' } },
    );
    assert.match(reason(readGeneric(codex, 'rollout.jsonl')), /Codex transcript: read it with the codex adapter/);
  });
});

describe('readGeneric: bounded on hostile files', () => {
  const LIMIT_MS = 30_000;
  /**
   * Runs `f`, failing when it takes longer than `ms`: hostile text must cost linear time. The
   * bound is loose on purpose (a loaded machine is slow); a quadratic scan of these inputs takes
   * hours, not seconds.
   */
  function quick<T>(ms: number, f: () => T): T {
    const start = performance.now();
    const out = f();
    const took = performance.now() - start;
    assert.ok(took < ms, `took ${Math.round(took)} ms`);
    return out;
  }

  test('records are capped at MAX_RECORDS, and the cut is reported', () => {
    const line = '{"role":"user","content":"again"}\n';
    const read = ok(quick(LIMIT_MS, () => readGeneric(line.repeat(MAX_RECORDS + 500), 'x.jsonl')));
    assert.equal(read.records.length, MAX_RECORDS);
    assert.equal(read.truncated, true);
    const md = ok(quick(LIMIT_MS, () => readGeneric('## Human\nq\n## Assistant\na\n'.repeat(MAX_RECORDS), 'x.md')));
    assert.equal(md.records.length, MAX_RECORDS);
    assert.equal(md.truncated, true);
    const array = ok(
      quick(LIMIT_MS, () =>
        readGeneric(
          JSON.stringify(Array.from({ length: MAX_RECORDS + 10 }, () => ({ role: 'user', content: 'x' }))),
          'x.json',
        ),
      ),
    );
    assert.equal(array.records.length, MAX_RECORDS);
    assert.equal(array.truncated, true);
  });

  test('long texts, outputs, inputs and tool lists are cut', () => {
    const bigInput: Record<string, unknown> = { command: `echo ${'y'.repeat(100_000)}`, nested: { deep: [1, 2, 3] } };
    for (let i = 0; i < 10_000; i++) bigInput[`k${i}`] = 'v';
    const text = jsonl(
      { role: 'user', content: 'q'.repeat(5_000_000) },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'a', name: 'bash', input: bigInput },
          ...Array.from({ length: 500 }, (_, i) => ({
            type: 'tool_use',
            id: `t${i}`,
            name: 'bash',
            input: { command: 'ls' },
          })),
        ],
      },
      { role: 'tool', tool_call_id: 'a', content: `HEAD${'o '.repeat(1_000_000)}TAIL` },
      {
        role: 'assistant',
        tool_calls: [
          { id: 'b', function: { name: 'bash', arguments: `{"command":"${'z'.repeat(2 * 1024 * 1024)}"}` } },
        ],
      },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'i'.repeat(10_000), name: 'n'.repeat(10_000), input: {} }],
      },
    );
    const { records } = ok(quick(LIMIT_MS, () => readGeneric(text, 'big.jsonl')));
    assert.ok((records[0]?.text?.length ?? 0) <= MAX_TEXT_CHARS);
    const tools = records[1]?.tools ?? [];
    assert.equal(tools.length, MAX_TOOLS_PER_RECORD);
    const input = tools[0]?.input ?? {};
    assert.ok(Object.keys(input).length <= MAX_INPUT_KEYS);
    assert.equal(input['nested'], undefined);
    assert.ok(String(input['command']).length <= MAX_INPUT_VALUE_CHARS);
    const output = records[2]?.toolResult?.output ?? '';
    assert.ok(output.length < 5000, `output ${output.length}`);
    assert.ok(output.startsWith('HEADo o'));
    assert.ok(output.endsWith('o TAIL'));
    // Arguments over the parse limit are not parsed: the call is kept by name only.
    assert.deepEqual(records[3]?.tools, [{ id: 'b', name: 'bash' }]);
    // A huge id is no id; a huge name is cut.
    const odd = records[4]?.tools?.[0];
    assert.equal(odd?.id, undefined);
    assert.ok((odd?.name.length ?? 0) <= 100);
  });

  test('base64 data is left out before text is cut', () => {
    const image = `data:image/png;base64,${'iVBORw0KGgo'.repeat(50_000)}`;
    const { records } = ok(
      readGeneric(jsonl({ role: 'user', content: `look at this ${image} and fix the layout` }), 'x.jsonl'),
    );
    assert.equal(records[0]?.text, 'look at this data:image/png;base64,[base64 data left out] and fix the layout');
  });

  test('garbage of every kind is refused or read without throwing, in linear time', () => {
    const hostile: [string, string][] = [
      ['deep.json', '['.repeat(200_000) + ']'.repeat(200_000)],
      ['deep-obj.json', `${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`],
      ['deep-broken.json', '['.repeat(500_000)],
      [
        'deep-line.jsonl',
        `{"role":"user","content":${'['.repeat(100_000)}${']'.repeat(100_000)}}\n{"role":"user","content":"ok"}`,
      ],
      ['hashes.md', `${'#'.repeat(3_000_000)}\n## Human\nq\n## Assistant\na`],
      ['stars.md', `${'**'.repeat(1_500_000)}\n${'**User:'.repeat(300_000)}`],
      ['fences.md', '```\n'.repeat(500_000)],
      ['newlines.txt', `${'\n'.repeat(5_000_000)}x`],
      [
        'angles.jsonl',
        jsonl(
          { role: 'user', content: '<'.repeat(2_000_000) },
          { role: 'user', content: `<context>${'<context>'.repeat(200_000)}` },
        ),
      ],
      ['b64-ish.jsonl', jsonl({ role: 'user', content: `${'A'.repeat(999)} `.repeat(5000) })],
      ['exit.jsonl', jsonl({ role: 'tool', tool_call_id: 'x', content: `Exit code ${'1'.repeat(1_000_000)}` })],
      ['proto.jsonl', '{"role":"user","__proto__":{"role":"system"},"content":"hi","constructor":{"prototype":1}}'],
      [
        'lonely-surrogate.jsonl',
        jsonl({ role: 'user', content: `${'x'.repeat(MAX_TEXT_CHARS - 2)}\uD83D\uDE00\uD83D\uDE00` }),
      ],
      [
        'types.jsonl',
        jsonl(
          { role: 5 },
          { role: 'user', content: 7 },
          { role: 'assistant', tool_calls: 'x', content: [null, 3, {}] },
          { type: 'ai', data: 'x' },
          { role: 'tool', content: { nested: { deep: true } } },
        ),
      ],
    ];
    for (const [name, text] of hostile) {
      const read = quick(LIMIT_MS, () => readGeneric(text, name));
      if (read.ok) for (const r of read.records) assert.ok(GenericRecord.safeParse(r).success, name);
      else assert.ok(read.reason.length > 0 && read.reason.length < 1000, name);
    }
  });

  test('a secret across the text cut is redacted whole, not left in part', () => {
    const secret = `sk-${'A1b2C3d4'.repeat(6)}`;
    const content = `${'w '.repeat((MAX_TEXT_CHARS - 20) / 2)}${secret} trailing words`;
    const redact = (t: string) => t.replace(/sk-[A-Za-z0-9]{20,}/g, '[REDACTED]');
    const { records } = ok(readGeneric(jsonl({ role: 'user', content }), 'x.jsonl', { redact }));
    const text = records[0]?.text ?? '';
    assert.ok(!text.includes('sk-'), text.slice(-80));
    // Without redaction the cut would leave the start of the key.
    const plain = ok(readGeneric(jsonl({ role: 'user', content }), 'x.jsonl')).records[0]?.text ?? '';
    assert.ok(plain.includes('sk-'));
  });
});
