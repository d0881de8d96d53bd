import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { LineContext } from '../../src/adapters/adapter.js';
import { codexAdapter } from '../../src/agents/codex/adapter.js';
import type { AgentEvent } from '../../src/events.js';
import { CODEX_FIXTURES, runAdapter } from '../helpers.js';

const T = '2026-11-22T10:00:00.000Z';
const line = (type: string, payload: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ timestamp: T, type, payload, ...extra });
const meta = line('session_meta', { id: 'th-1', cwd: '/w', cli_version: '0.140.0', git: { branch: 'main' } });
const item = (payload: unknown) => line('response_item', payload);
const event = (payload: unknown) => line('event_msg', payload);

const run = (lines: string[], ctx?: LineContext) => runAdapter(codexAdapter, lines, { ctx });
const kinds = (events: AgentEvent[], kind: AgentEvent['kind']) => events.filter((e) => e.kind === kind);
const actions = (events: AgentEvent[]) => events.flatMap((e) => (e.kind === 'tool_call' ? [e.action] : []));
const fileLines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

describe('codex adapter: prompts and replies', () => {
  it('takes each prompt once: the event, not the response_item copy, never injected context', () => {
    const { events } = run([
      meta,
      item({
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: '<environment_context>\n<cwd>/w</cwd>\n</environment_context>' }],
      }),
      item({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'fix the bug' }] }),
      event({ type: 'user_message', message: 'fix the bug', images: [] }),
      event({
        type: 'item_completed',
        item: { type: 'UserMessage', id: 'u1', content: [{ type: 'text', text: 'fix the bug' }] },
      }),
    ]);
    assert.deepEqual(
      kinds(events, 'prompt').map((e) => (e.kind === 'prompt' ? e.text : '')),
      ['fix the bug'],
    );
  });

  it('keeps a prompt the user sends again in a later turn', () => {
    const turn = [
      event({ type: 'user_message', message: 'continue' }),
      event({ type: 'agent_message', message: 'ok' }),
    ];
    assert.equal(kinds(run([meta, ...turn, ...turn]).events, 'prompt').length, 2);
  });

  it('takes each reply once whichever copy comes first; task_complete only when nothing else had it', () => {
    const { events } = run([
      meta,
      event({ type: 'user_message', message: 'hi' }),
      event({ type: 'agent_message', message: 'Done.' }),
      item({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Done.' }] }),
      event({ type: 'task_complete', turn_id: 't', last_agent_message: 'Done.' }),
      event({ type: 'user_message', message: 'again' }),
      event({ type: 'task_complete', turn_id: 't2', last_agent_message: 'Only here.' }),
    ]);
    assert.deepEqual(
      kinds(events, 'reply').map((e) => (e.kind === 'reply' ? e.text : '')),
      ['Done.', 'Only here.'],
    );
  });

  it('skips encrypted reasoning, token counts and turn contexts without counting them as unknown', () => {
    const { events } = run([
      meta,
      item({ type: 'reasoning', summary: [], content: null, encrypted_content: 'gAAAA' }),
      event({ type: 'token_count', info: null }),
      line('turn_context', { turn_id: 't', cwd: '/w/sub' }),
      event({ type: 'agent_reasoning', text: 'thinking' }),
    ]);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['session'],
    );
  });

  it('counts compaction once and does not re-read replacement_history', () => {
    const { events } = run([
      meta,
      event({ type: 'user_message', message: 'first' }),
      line('compacted', {
        message: '',
        replacement_history: [
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'first' }] },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'old answer' }] },
        ],
      }),
      event({ type: 'context_compacted' }),
    ]);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['session', 'prompt', 'compaction'],
    );
  });
});

describe('codex adapter: apply_patch in all its shapes', () => {
  const patch =
    '*** Begin Patch\n*** Add File: notes.txt\n+one\n*** Update File: src/a.ts\n@@\n-x\n+y\n*** Delete File: old.txt\n*** Update File: b.md\n*** Move to: docs/b.md\n@@\n-a\n+b\n*** End Patch';
  const expected = ['created notes.txt', 'edited src/a.ts', 'deleted old.txt', 'moved b.md to docs/b.md'];

  it('freeform custom tool, JSON function, shell argv and heredoc give the same actions', () => {
    const shapes = [
      item({ type: 'custom_tool_call', name: 'apply_patch', call_id: 'c1', input: patch }),
      item({ type: 'function_call', name: 'apply_patch', call_id: 'c1', arguments: JSON.stringify({ input: patch }) }),
      item({
        type: 'function_call',
        name: 'shell',
        call_id: 'c1',
        arguments: JSON.stringify({ command: ['apply_patch', patch] }),
      }),
      item({
        type: 'function_call',
        name: 'shell',
        call_id: 'c1',
        arguments: JSON.stringify({ command: ['bash', '-lc', `apply_patch <<'EOF'\n${patch}\nEOF`] }),
      }),
    ];
    for (const shape of shapes) assert.deepEqual(actions(run([meta, shape]).events), expected, shape.slice(0, 120));
  });

  it('patch_apply_end and FileChange items (absolute paths) stand for the call when no call was seen', () => {
    const changes = {
      '/w/notes.txt': { type: 'add', content: 'one' },
      '/w/src/a.ts': { type: 'update', unified_diff: '', move_path: null },
      '/w/old.txt': { type: 'delete', content: '' },
      '/w/b.md': { type: 'update', move_path: '/w/docs/b.md' },
    };
    assert.deepEqual(
      actions(run([meta, event({ type: 'patch_apply_end', call_id: 'p', success: true, changes })]).events),
      expected,
    );
    assert.deepEqual(
      actions(
        run([
          meta,
          event({ type: 'item_completed', item: { type: 'FileChange', id: 'exec-1', status: 'completed', changes } }),
        ]).events,
      ),
      expected,
    );
  });

  it('a patch that failed is a failed result for every file it named', () => {
    const { events } = run([
      meta,
      item({ type: 'custom_tool_call', name: 'apply_patch', call_id: 'c1', input: patch }),
      item({
        type: 'custom_tool_call_output',
        call_id: 'c1',
        output: 'Exit code: 1\nWall time: 0 seconds\nOutput:\nverification failed',
      }),
    ]);
    const results = kinds(events, 'tool_result');
    assert.equal(results.length, 4);
    assert.ok(results.every((r) => r.kind === 'tool_result' && r.isError));
  });
});

describe('codex adapter: commands', () => {
  it('exec_command, shell, shell_command and local_shell_call become "ran …"; rm becomes a deletion', () => {
    const { events } = run([
      meta,
      item({
        type: 'function_call',
        name: 'exec_command',
        call_id: 'a',
        arguments: JSON.stringify({ cmd: 'npm test', workdir: '/w' }),
      }),
      item({
        type: 'function_call',
        name: 'shell',
        call_id: 'b',
        arguments: JSON.stringify({ command: ['bash', '-lc', 'ls -la'] }),
      }),
      item({
        type: 'function_call',
        name: 'shell_command',
        call_id: 'c',
        arguments: JSON.stringify({ command: 'git status' }),
      }),
      item({
        type: 'local_shell_call',
        call_id: 'd',
        status: 'completed',
        action: { type: 'exec', command: ['echo', 'hi there'] },
      }),
      item({
        type: 'function_call',
        name: 'exec_command',
        call_id: 'e',
        arguments: JSON.stringify({ cmd: 'rm old.txt' }),
      }),
      item({ type: 'function_call', name: 'view_image', call_id: 'f', arguments: '{"path":"a.png"}' }),
    ]);
    assert.deepEqual(actions(events), [
      'ran npm test',
      'ran ls -la',
      'ran git status',
      "ran echo 'hi there'",
      'deleted old.txt',
      'used view_image',
    ]);
  });

  it('update_plan (the task list) is bookkeeping, not work: no call, no result', () => {
    const { events } = run([
      meta,
      item({
        type: 'function_call',
        name: 'update_plan',
        call_id: 'p',
        arguments: '{"plan":[{"step":"x","status":"pending"}]}',
      }),
      item({ type: 'function_call_output', call_id: 'p', output: 'Plan updated' }),
    ]);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['session'],
    );
  });

  it('reads exit codes from unified exec text, legacy JSON, exec_command_end and CommandExecution items', () => {
    const call = (id: string) =>
      item({
        type: 'function_call',
        name: 'exec_command',
        call_id: id,
        arguments: JSON.stringify({ cmd: 'npm test' }),
      });
    const { events } = run([
      meta,
      call('u'),
      item({
        type: 'function_call_output',
        call_id: 'u',
        output:
          'Chunk ID: 1\nWall time: 0.1 seconds\nProcess exited with code 1\nOriginal token count: 3\nOutput:\nFAIL x\n',
      }),
      call('l'),
      item({
        type: 'function_call_output',
        call_id: 'l',
        output: JSON.stringify({ output: 'ok', metadata: { exit_code: 0, duration_seconds: 0.2 } }),
      }),
      call('e'),
      event({ type: 'exec_command_end', call_id: 'e', exit_code: 2, aggregated_output: 'boom' }),
      call('i'),
      event({
        type: 'item_completed',
        item: {
          type: 'CommandExecution',
          id: 'i',
          command: ['/bin/bash', '-lc', 'npm test'],
          cwd: 'file:///w',
          status: 'completed',
          exit_code: 0,
          aggregated_output: 'ok',
        },
      }),
    ]);
    assert.deepEqual(
      kinds(events, 'tool_result').map((r) => (r.kind === 'tool_result' ? [r.callId, r.exitCode, r.isError] : [])),
      [
        ['u', 1, true],
        ['l', 0, false],
        ['e', 2, true],
        ['i', 0, false],
      ],
    );
  });

  it('a long-running command gets its exit code from the write_stdin poll that saw it end, once', () => {
    const { events } = run([
      meta,
      item({
        type: 'function_call',
        name: 'exec_command',
        call_id: 'run',
        arguments: JSON.stringify({ cmd: 'npm test' }),
      }),
      item({
        type: 'function_call_output',
        call_id: 'run',
        output:
          'Chunk ID: 1\nWall time: 1.0 seconds\nProcess running with session ID 48230\nOriginal token count: 0\nOutput:\n',
      }),
      item({
        type: 'function_call',
        name: 'write_stdin',
        call_id: 'poll',
        arguments: JSON.stringify({ session_id: 48230, chars: '' }),
      }),
      item({
        type: 'function_call_output',
        call_id: 'poll',
        output:
          'Chunk ID: 2\nWall time: 0.0 seconds\nProcess exited with code 0\nOriginal token count: 2\nOutput:\n2 passed\n',
      }),
      event({ type: 'exec_command_end', call_id: 'run', exit_code: 0, aggregated_output: '2 passed' }),
    ]);
    assert.deepEqual(actions(events), ['ran npm test'], 'the poll is not an action of its own');
    const results = kinds(events, 'tool_result');
    assert.equal(results.length, 1);
    assert.deepEqual(
      results[0]?.kind === 'tool_result' ? [results[0].callId, results[0].exitCode, results[0].output] : [],
      ['run', 0, '2 passed\n'],
    );
  });

  it('code mode: the exec script is no action; its commands and patches come from item_completed', () => {
    const events = run(fileLines(join(CODEX_FIXTURES, 'paginated-code-mode.jsonl'))).events;
    assert.deepEqual(actions(events), ["ran printf 'x\\n' > a.txt", 'created b.txt']);
    assert.ok(kinds(events, 'tool_call').every((e) => e.kind === 'tool_call' && e.callId.startsWith('exec-')));
  });
});

describe('codex adapter: sessions, forks, subagents, times', () => {
  it('one session event per rollout, with the thread id, cwd, branch and version', () => {
    const { events } = run([meta, meta]);
    assert.deepEqual(kinds(events, 'session'), [
      { kind: 'session', at: T, sessionId: 'th-1', cwd: '/w', gitBranch: 'main', version: '0.140.0' },
    ]);
  });

  it('a paginated fork holds only its own turn: the parent is not read twice', () => {
    const events = run(fileLines(join(CODEX_FIXTURES, 'paginated-fork.jsonl'))).events;
    assert.deepEqual(
      kinds(events, 'prompt').map((e) => (e.kind === 'prompt' ? e.text : '')),
      ['On this fork, show me what is in docs.'],
    );
  });

  it('names subagent threads at spawn and when the parent waits on them', () => {
    const at = (t: string) => ({ timestamp: t });
    const events = run([
      meta,
      event({ type: 'user_message', message: 'run a review' }),
      item({
        type: 'function_call',
        name: 'spawn_agent',
        arguments: JSON.stringify({ agent_type: 'explorer', message: 'review code' }),
        call_id: 'call_spawn1',
      }),
      line(
        'event_msg',
        {
          type: 'collab_agent_spawn_end',
          call_id: 'call_spawn1',
          new_thread_id: 'child-thread-uuid',
          new_agent_role: 'explorer',
        },
        at('2026-05-12T10:00:03.050Z'),
      ),
      item({
        type: 'function_call',
        name: 'wait_agent',
        arguments: JSON.stringify({ targets: ['child-thread-uuid'] }),
        call_id: 'call_wait1',
      }),
      line(
        'event_msg',
        {
          type: 'collab_waiting_end',
          call_id: 'call_wait1',
          agent_statuses: [{ thread_id: 'child-thread-uuid', agent_role: 'explorer' }],
        },
        at('2026-05-12T10:00:20.000Z'),
      ),
      event({ type: 'task_complete', turn_id: 'turn-1' }),
    ]).events;
    assert.deepEqual(kinds(events, 'subagent_ref'), [
      { kind: 'subagent_ref', at: '2026-05-12T10:00:03.050Z', agentId: 'child-thread-uuid', agentType: 'explorer' },
      { kind: 'subagent_ref', at: '2026-05-12T10:00:20.000Z', agentId: 'child-thread-uuid', agentType: 'explorer' },
    ]);
  });

  it("read as a subagent: its prompt is the parent's, its tools are attributed, its last message is its report", () => {
    const ctx: LineContext = { subagent: { id: 'child', type: 'explorer' } };
    const { events } = run(
      [
        meta,
        event({ type: 'user_message', message: 'review code' }),
        event({ type: 'agent_message', message: 'looking' }),
        item({
          type: 'function_call',
          name: 'exec_command',
          call_id: 'x',
          arguments: JSON.stringify({ cmd: 'rg foo' }),
        }),
        event({ type: 'task_complete', turn_id: 't', last_agent_message: 'Found 2 issues.' }),
      ],
      ctx,
    );
    assert.deepEqual(kinds(events, 'prompt'), []);
    assert.deepEqual(kinds(events, 'reply'), []);
    assert.deepEqual(
      kinds(events, 'tool_call').map((e) => (e.kind === 'tool_call' ? e.subagent : undefined)),
      [{ id: 'child', type: 'explorer' }],
    );
    assert.deepEqual(kinds(events, 'subagent_result'), [
      { kind: 'subagent_result', at: T, agentId: 'child', agentType: 'explorer', text: 'Found 2 issues.' },
    ]);
  });

  it("uses the records' UTC times, not the local time in the file name", () => {
    // A rollout named for 13:19 local time (UTC+1) whose records say 12:19:38Z.
    const at = '2026-02-23T12:19:38.512Z';
    const first = run([
      line(
        'session_meta',
        { id: 'th-1', cwd: '/w', cli_version: '0.104.0', timestamp: '2026-02-23T13:19:38' },
        { timestamp: at },
      ),
      line('event_msg', { type: 'user_message', message: 'hi' }, { timestamp: at }),
    ]).events.find((e) => e.kind === 'prompt');
    assert.equal(first?.kind === 'prompt' ? first.at : undefined, at);
  });

  it("0.20 records take the header's time, and prompts come from the user items there", () => {
    const events = run(fileLines(join(CODEX_FIXTURES, 'pre-envelope-0.20.jsonl'))).events;
    const header = JSON.parse(fileLines(join(CODEX_FIXTURES, 'pre-envelope-0.20.jsonl'))[0] ?? '{}') as {
      timestamp: string;
    };
    assert.deepEqual(kinds(events, 'prompt'), [
      { kind: 'prompt', at: header.timestamp, text: 'Create hello.txt and notes.txt.' },
    ]);
  });
});

describe('codex adapter: what became of each call', () => {
  const exec = (id: string, cmd = 'sh slow.sh') =>
    item({ type: 'function_call', name: 'exec_command', call_id: id, arguments: JSON.stringify({ cmd }) });
  const patchCall = (id: string) =>
    item({
      type: 'custom_tool_call',
      name: 'apply_patch',
      call_id: id,
      input: '*** Begin Patch\n*** Update File: app.txt\n@@\n-hello world\n+hello, world\n*** End Patch',
    });
  const verdicts = (lines: string[]) =>
    kinds(run([meta, ...lines]).events, 'tool_result').map((r) =>
      r.kind === 'tool_result' ? [r.callId, r.outcome, r.reason, r.isError] : [],
    );

  it('reads command outputs: exit codes, aborts, rejections, the sandbox and timeouts', () => {
    const out = (id: string, output: string) => [exec(id), item({ type: 'function_call_output', call_id: id, output })];
    assert.deepEqual(
      verdicts([
        ...out(
          'exit1',
          'Chunk ID: 1\nWall time: 0.1 seconds\nProcess exited with code 1\nOriginal token count: 3\nOutput:\nFAIL x\n',
        ),
        ...out(
          'killed',
          'Chunk ID: 1\nWall time: 3.0 seconds\nProcess exited with code 137\nOriginal token count: 0\nOutput:\n',
        ),
        // SIGINT to `codex exec` while the command ran (recorded from 0.169.0, fixture interrupted).
        ...out('abort', 'Wall time: 0.1 seconds\naborted by user'),
        ...out('abort2', 'aborted by user after 27.2s'),
        ...out('abort3', 'aborted'),
        ...out('rejected', 'exec command rejected by user'),
        ...out('policy', 'exec command rejected: dangerous command detected'),
        ...out('sandbox', 'sandbox denied exec error, exit code: 1, stdout: , stderr: Operation not permitted'),
        ...out('legacy-sandbox', 'failed in sandbox LinuxSeccomp with execution error: Denied'),
        ...out('timeout', 'command timed out after 10000 milliseconds'),
        ...out('legacy', JSON.stringify({ output: 'boom', metadata: { exit_code: 2, duration_seconds: 0.1 } })),
        // What a command printed is not Codex's verdict: exit 0 is a success whatever follows `Output:`.
        ...out(
          'ok',
          'Chunk ID: 1\nWall time: 0.1 seconds\nProcess exited with code 0\nOriginal token count: 1\nOutput:\naborted by user\n',
        ),
      ]),
      [
        ['exit1', 'failed', 'exit 1', true],
        ['killed', 'interrupted', undefined, true],
        ['abort', 'interrupted', undefined, true],
        ['abort2', 'interrupted', undefined, true],
        ['abort3', 'interrupted', undefined, true],
        ['rejected', 'refused', 'rejected by user', true],
        ['policy', 'refused', 'not permitted', true],
        ['sandbox', 'refused', 'sandbox denied', true],
        ['legacy-sandbox', 'refused', 'sandbox denied', true],
        ['timeout', 'interrupted', 'timed out', true],
        ['legacy', 'failed', 'exit 2', true],
        ['ok', undefined, undefined, false],
      ],
    );
  });

  it('reads patch outputs: a verification failure names why, for every file of the patch', () => {
    const out = (id: string, output: string) => [
      patchCall(id),
      item({ type: 'custom_tool_call_output', call_id: id, output }),
    ];
    assert.deepEqual(
      verdicts([
        // Recorded from 0.169.0 (fixture patch-retry): no `Exit code:` header.
        ...out('miss', 'apply_patch verification failed: Failed to find expected lines in /w/app.txt:\nhello world'),
        ...out('bad', 'apply_patch verification failed: invalid hunk at line 3'),
        ...out('no', 'patch rejected by user'),
        ...out('exit', 'Exit code: 1\nWall time: 0 seconds\nOutput:\nsomething else'),
        ...out('ok', 'Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess. Updated the following files:\nM app.txt\n'),
      ]),
      [
        ['miss', 'failed', 'expected lines not found', true],
        ['bad', 'failed', 'patch did not apply', true],
        ['no', 'refused', 'rejected by user', true],
        ['exit', 'failed', 'patch did not apply', true],
        ['ok', undefined, undefined, false],
      ],
    );
  });

  it('reads exec_command_end, patch_apply_end and paginated items the same way', () => {
    assert.deepEqual(
      verdicts([
        exec('declined'),
        event({
          type: 'exec_command_end',
          call_id: 'declined',
          exit_code: -1,
          stderr: 'exec command rejected by user',
          aggregated_output: 'exec command rejected by user',
          status: 'declined',
        }),
        patchCall('p'),
        event({
          type: 'patch_apply_end',
          call_id: 'p',
          success: false,
          stderr: 'apply_patch verification failed: Failed to find expected lines in /w/app.txt:\nhello world',
        }),
        exec('item-declined'),
        event({
          type: 'item_completed',
          item: {
            type: 'CommandExecution',
            id: 'item-declined',
            command: ['/bin/bash', '-lc', 'sh slow.sh'],
            status: 'declined',
          },
        }),
        exec('item-failed'),
        event({
          type: 'item_completed',
          item: {
            type: 'CommandExecution',
            id: 'item-failed',
            command: ['/bin/bash', '-lc', 'sh slow.sh'],
            status: 'failed',
            exit_code: 3,
            aggregated_output: 'no',
          },
        }),
        patchCall('fc'),
        event({ type: 'item_completed', item: { type: 'FileChange', id: 'fc', status: 'failed', changes: {} } }),
      ]),
      [
        ['declined', 'refused', 'rejected by user', true],
        ['p', 'failed', 'expected lines not found', true],
        ['item-declined', 'refused', 'not approved', true],
        ['item-failed', 'failed', 'exit 3', true],
        ['fc', 'failed', 'patch did not apply', true],
      ],
    );
  });

  it("reads a local_shell_call's output: its call would otherwise never get a result", () => {
    assert.deepEqual(
      verdicts([
        item({
          type: 'local_shell_call',
          call_id: 'l',
          status: 'completed',
          action: { type: 'exec', command: ['npm', 'test'] },
        }),
        item({
          type: 'local_shell_call_output',
          call_id: 'l',
          output: JSON.stringify({ output: 'FAIL', metadata: { exit_code: 1, duration_seconds: 0.1 } }),
        }),
      ]),
      [['l', 'failed', 'exit 1', true]],
    );
  });

  it('an aborted poll leaves a running command without a result: it may still run', () => {
    assert.deepEqual(
      verdicts([
        exec('run', 'npm run dev'),
        item({
          type: 'function_call_output',
          call_id: 'run',
          output:
            'Chunk ID: 1\nWall time: 10.0 seconds\nProcess running with session ID 7\nOriginal token count: 0\nOutput:\n',
        }),
        item({
          type: 'function_call',
          name: 'write_stdin',
          call_id: 'poll',
          arguments: JSON.stringify({ session_id: 7, chars: '' }),
        }),
        item({ type: 'function_call_output', call_id: 'poll', output: 'aborted by user after 3.2s' }),
      ]),
      [],
    );
  });

  it('drops the interrupt notice Codex writes as a user message, keeping anything typed after it', () => {
    const notice =
      '<turn_aborted>\nThe user interrupted the previous turn on purpose. Any running unified exec processes may still be running in the background. If any tools/commands were aborted, they may have partially executed.\n</turn_aborted>';
    const prompts = (message: string) =>
      kinds(run([meta, event({ type: 'user_message', message })]).events, 'prompt').map((e) =>
        e.kind === 'prompt' ? e.text : '',
      );
    assert.deepEqual(prompts(notice), []);
    assert.deepEqual(prompts(`${notice}\nnow run the quick one`), ['now run the quick one']);
    assert.deepEqual(prompts('why did <turn_aborted> show up?'), ['why did <turn_aborted> show up?']);
  });
});
