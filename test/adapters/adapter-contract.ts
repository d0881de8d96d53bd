import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Adapter, LineContext } from '../../src/adapters/adapter.js';
import { claudeCodeAdapter } from '../../src/agents/claude-code/adapter.js';
import { codexAdapter } from '../../src/agents/codex/adapter.js';
import { AgentEvent } from '../../src/events.js';
import { prng, runAdapter } from '../helpers.js';

/**
 * The contract every transcript adapter keeps (src/adapters/adapter.ts), checked the same way for
 * each: total (never throws, on real lines, cut lines, lines with every field of the wrong type,
 * and hostile input), pure (the input state is untouched, the same input gives the same output),
 * resumable (a JSON round trip of the state mid-file changes nothing downstream), and bounded
 * (the state stays small however long the transcript).
 */
export interface Subject {
  adapter: Adapter<unknown>;
  files: string[];
  /** Lines shaped like this format's records, for the mutation tests. */
  extraHostile: string[];
  ctx?: LineContext;
}

/** The adapters with their format's extra hostile lines, over the given transcripts. */
export function subjects(files: { claude: string[]; codex: string[] }): Subject[] {
  return [
    {
      adapter: claudeCodeAdapter,
      files: files.claude,
      extraHostile: [
        '{"type":"user","message":{"content":7}}',
        '{"type":"assistant","message":{"id":"m","content":[null,5,{"type":"tool_use"}]}}',
      ],
    },
    {
      adapter: codexAdapter,
      files: files.codex,
      extraHostile: [
        '{"timestamp":5,"type":"event_msg","payload":null}',
        '{"timestamp":"t","type":"response_item","payload":{"type":"function_call","name":"exec_command","arguments":"{not json","call_id":"c"}}',
        '{"timestamp":"t","type":"response_item","payload":{"type":"custom_tool_call","name":"apply_patch","input":"*** Begin Patch\\n*** Add File: \\n*** End Patch","call_id":"c"}}',
        '{"timestamp":"t","type":"event_msg","payload":{"type":"item_completed","item":{"type":"FileChange","id":"x","changes":{"/a":7}}}}',
        '{"timestamp":"t","type":"event_msg","payload":{"type":"collab_waiting_end","agent_statuses":[null,5,{"thread_id":[]}]}}',
        '{"timestamp":"t","ordinal":"x","type":"session_meta","payload":{"id":5,"cwd":{}}}',
        `{"type":"response_item","payload":{"type":"custom_tool_call","name":"apply_patch","call_id":"c","input":${JSON.stringify(`*** Begin Patch\n${'*** Add File: a\n'.repeat(200_000)}`)}}}`,
      ],
    },
  ];
}

const HOSTILE: string[] = [
  '',
  '   \t ',
  'null',
  '[]',
  '"str"',
  '42',
  '{}',
  '{"type":5}',
  '{"type":"x","payload":5}',
  '{"type":"user","message":{"content":"hel',
  '\u0000\u0001\uFFFD garbage {',
  Buffer.from([0x7b, 0x22, 0x74, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]).toString('utf8'),
  '['.repeat(100_000) + ']'.repeat(100_000),
  `{"type":"event_msg","payload":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
  JSON.stringify({ type: 't'.repeat(1_000_000) }),
  JSON.stringify({
    type: 'event_msg',
    timestamp: 'x',
    payload: { type: 'user_message', message: 'x'.repeat(5_000_000) },
  }),
  '{"type":"user","__proto__":{"isMeta":true},"constructor":1,"message":{"content":"x"}}',
];

const WRONG_VALUES: unknown[] = [null, 5, 'x', [], {}, true];

/** Every field (to depth 3) of a record replaced by each wrong-typed value in turn. */
function* mutations(record: unknown, depth = 0): Generator<unknown> {
  if (depth > 2 || typeof record !== 'object' || record === null) return;
  for (const key of Object.keys(record)) {
    const value = (record as Record<string, unknown>)[key];
    for (const wrong of WRONG_VALUES) yield { ...record, [key]: wrong };
    for (const inner of mutations(value, depth + 1))
      yield Array.isArray(record) ? Object.assign([...record], { [key]: inner }) : { ...record, [key]: inner };
  }
}

function linesOf(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}

function check(adapter: Adapter<unknown>, state: unknown, line: string, what: string, ctx?: LineContext): unknown {
  const before = JSON.stringify(state);
  let r: ReturnType<typeof adapter.parseLine>;
  try {
    r = adapter.parseLine(state, line, ctx);
  } catch (err) {
    assert.fail(`${what}: threw ${String(err)}`);
  }
  assert.equal(JSON.stringify(state), before, `${what}: input state unchanged`);
  for (const e of r.events)
    assert.ok(AgentEvent.safeParse(e).success, `${what}: valid event ${JSON.stringify(e).slice(0, 200)}`);
  assert.ok(
    !r.events.some((e) => e.kind === 'skipped' && e.reason.startsWith('internal-error')),
    `${what}: no internal error`,
  );
  adapter.stateSchema.parse(JSON.parse(JSON.stringify(r.state)));
  return r.state;
}

const run = (adapter: Adapter<unknown>, lines: string[], state?: unknown) => runAdapter(adapter, lines, { state });

export function describeAdapterContract(what: string, subject: Subject): void {
  const { adapter, files } = subject;
  describe(`adapter contract: ${adapter.name}, ${what}`, () => {
    it(`has transcripts to check against (${files.length})`, () => assert.ok(files.length >= 5));

    it('never throws on hostile lines, from a fresh state and from a mid-file state', () => {
      const mid = run(adapter, linesOf(files[0] as string).slice(0, 50)).state;
      for (const [i, line] of [...HOSTILE, ...subject.extraHostile].entries()) {
        for (const state of [adapter.initialState(), mid]) {
          const next = check(adapter, state, line, `hostile #${i}`);
          assert.ok(
            JSON.stringify(next).length < JSON.stringify(state).length + 20_000,
            `hostile #${i}: state stays small`,
          );
        }
      }
    });

    it('never throws on real lines cut short or with fields of the wrong type', () => {
      const rand = prng(7);
      for (const file of files) {
        const lines = linesOf(file);
        let state = adapter.initialState();
        for (const [n, line] of lines.entries()) {
          if (rand() < 0.15) {
            const cut = 1 + Math.floor(rand() * (line.length - 1));
            check(adapter, state, line.slice(0, cut), `${file}:${n + 1} cut at ${cut}`);
            if (line.length < 20_000) {
              let k = 0;
              for (const m of mutations(JSON.parse(line)))
                if (k++ % 7 === 0) check(adapter, state, JSON.stringify(m), `${file}:${n + 1} mutated`);
            }
          }
          state = check(adapter, state, line, `${file}:${n + 1}`);
        }
      }
    });

    it('is pure and deterministic on every transcript', () => {
      for (const file of files) {
        const lines = linesOf(file);
        let state = adapter.initialState();
        for (const line of lines) {
          const first = adapter.parseLine(state, line);
          assert.deepEqual(adapter.parseLine(state, line), first, file);
          state = first.state;
        }
        assert.deepEqual(run(adapter, lines), run(adapter, lines), file);
      }
    });

    it('gives the same events after a JSON round trip of the state at any cut', () => {
      for (const file of files) {
        const lines = linesOf(file);
        const whole = run(adapter, lines).events;
        for (const cut of [1, Math.floor(lines.length / 3), Math.floor(lines.length / 2), lines.length - 1]) {
          const head = run(adapter, lines.slice(0, cut));
          const revived = adapter.stateSchema.parse(JSON.parse(JSON.stringify(head.state)));
          assert.deepEqual(
            [...head.events, ...run(adapter, lines.slice(cut), revived).events],
            whole,
            `${file} cut at ${cut}`,
          );
        }
      }
    });

    it('marks every result with an outcome as an error, with a short reason of its own words', () => {
      for (const file of files) {
        for (const e of run(adapter, linesOf(file)).events) {
          if (e.kind !== 'tool_result' || e.outcome === undefined) continue;
          // Whatever reads only isError (the window's files, tests, commits) never counts it as done.
          assert.equal(e.isError, true, `${file}: ${e.callId}`);
          assert.ok(e.reason === undefined || /^[\w -]{1,40}$/.test(e.reason), `${file}: reason ${e.reason}`);
        }
      }
    });

    it('keeps its state bounded however long the transcript', () => {
      let biggest = 0;
      for (const file of files) biggest = Math.max(biggest, JSON.stringify(run(adapter, linesOf(file)).state).length);
      assert.ok(biggest < 512 * 1024, `largest state ${biggest} bytes`);
      // The longest file played ten times over: the state may not grow with it.
      const longest = files.map(linesOf).sort((a, b) => b.length - a.length)[0] ?? [];
      const once = JSON.stringify(run(adapter, longest).state).length;
      const tenTimes = JSON.stringify(run(adapter, Array.from({ length: 10 }, () => longest).flat()).state).length;
      assert.ok(tenTimes < once * 3 + 10_000, `state after 10× ${tenTimes} vs once ${once}`);
    });
  });
}
