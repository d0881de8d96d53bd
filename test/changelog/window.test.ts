import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { commitFromOutput, isCommitCommand, isTestCommand } from '../../src/changelog/commands.js';
import { heuristicEntry } from '../../src/changelog/heuristic.js';
import { ChangelogEntry } from '../../src/changelog/schema.js';
import { initialWindowState, WindowState, WindowTracker } from '../../src/changelog/window.js';
import type { AgentEvent } from '../../src/events.js';

const opts = { sessionId: 's1', granularity: 'session' as const, idleMs: 30 * 60_000 };
const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 10, min)).toISOString();

function call(id: string, min: number, extra: Partial<Extract<AgentEvent, { kind: 'tool_call' }>>): AgentEvent {
  return { kind: 'tool_call', at: at(min), callId: id, tool: 'Bash', action: `ran ${id}`, files: [], ...extra };
}
function result(
  id: string,
  min: number,
  extra: Partial<Extract<AgentEvent, { kind: 'tool_result' }>> = {},
): AgentEvent {
  return { kind: 'tool_result', at: at(min), callId: id, isError: false, ...extra };
}

describe('window tracker', () => {
  it('records only successful edits, with their net effect, never reads', () => {
    const t = new WindowTracker(initialWindowState(), opts);
    const events: AgentEvent[] = [
      { kind: 'session', cwd: '/repo' },
      { kind: 'prompt', at: at(0), text: 'add a feature' },
      call('w1', 1, { tool: 'Write', files: [{ path: 'src/new.ts', op: 'modified' }] }),
      result('w1', 1, { files: [{ path: 'src/new.ts', op: 'created' }] }),
      call('e1', 2, { tool: 'Edit', files: [{ path: 'src/new.ts', op: 'modified' }] }),
      result('e1', 2),
      call('e2', 3, { tool: 'Edit', files: [{ path: '/repo/src/old.ts', op: 'modified' }] }),
      result('e2', 3),
      call('e3', 4, { tool: 'Edit', files: [{ path: 'src/failed.ts', op: 'modified' }] }),
      result('e3', 4, { isError: true }),
      call('r1', 5, { tool: 'Read', files: [{ path: 'src/read.ts', op: 'read' }] }),
      result('r1', 5),
      call('rm', 6, { command: 'rm src/gone.ts', files: [{ path: 'src/gone.ts', op: 'deleted' }] }),
      result('rm', 6),
      call('mv', 7, { command: 'git mv a.ts b.ts', files: [{ path: 'b.ts', op: 'moved', from: 'a.ts' }] }),
      result('mv', 7),
    ];
    for (const e of events) t.apply(e);
    t.close('end');
    const [closed] = t.takeClosed();
    assert.ok(closed);
    const entry = ChangelogEntry.parse(
      heuristicEntry(closed, {
        tool: 'claude',
        actor: 'me',
        repo: '/repo',
        sessionId: 's1',
        transcriptPath: '/t.jsonl',
        fallbackTime: at(0),
      }),
    );
    assert.deepEqual(entry.touched_files, {
      created: ['src/new.ts'],
      modified: ['src/old.ts'],
      deleted: ['src/gone.ts'],
      moved: [{ from: 'a.ts', to: 'b.ts' }],
    });
  });

  it('tests keep their order and results; commits come from git output', () => {
    const t = new WindowTracker(initialWindowState(), opts);
    t.apply({ kind: 'prompt', at: at(0), text: 'fix the tests and commit' });
    t.apply(call('t1', 1, { command: 'cd app && npm test' }));
    t.apply(result('t1', 1, { isError: true, exitCode: 1 }));
    t.apply(call('t2', 2, { command: 'cd app && npm test' }));
    t.apply(result('t2', 2, { exitCode: 0 }));
    t.apply(call('c1', 3, { command: 'git add -A && git commit -m "Fix parser"' }));
    t.apply(result('c1', 3, { output: '[main 1a2b3c4] Fix parser\n 1 file changed, 2 insertions(+)' }));
    t.apply(call('t3', 4, { command: 'pytest -q' }));
    t.close('end');
    const w = t.takeClosed()[0]?.window;
    assert.deepEqual(w?.tests, [
      { cmd: 'cd app && npm test', result: 'fail' },
      { cmd: 'cd app && npm test', result: 'pass' },
      { cmd: 'pytest -q', result: 'unknown' },
    ]);
    assert.deepEqual(w?.commits, [{ hash: '1a2b3c4', message: 'Fix parser' }]);
  });

  it('closes at a gap longer than the idle time and chains the windows', () => {
    const t = new WindowTracker(initialWindowState(), { ...opts, idleMs: 10 * 60_000 });
    t.apply({ kind: 'prompt', at: at(0), text: 'first' });
    t.apply({ kind: 'reply', at: at(1), text: 'ok', messageId: 'm1' });
    t.apply({ kind: 'prompt', at: at(30), text: 'second, after a break' });
    t.close('end');
    const closed = t.takeClosed();
    assert.equal(closed.length, 2);
    assert.equal(closed[0]?.reason, 'idle-gap');
    assert.equal(closed[0]?.continuationOf, null);
    assert.equal(closed[1]?.continuationOf, closed[0]?.runId);
    assert.deepEqual(closed[1]?.window.prompts, ['second, after a break']);
  });

  it('turn granularity closes a window per prompt; an empty close writes nothing', () => {
    const t = new WindowTracker(initialWindowState(), { ...opts, granularity: 'turn' });
    t.apply({ kind: 'prompt', at: at(0), text: 'one' });
    t.apply({ kind: 'reply', at: at(1), text: 'a', messageId: 'm1' });
    t.apply({ kind: 'prompt', at: at(2), text: 'two' });
    t.close('end');
    t.close('again');
    assert.deepEqual(
      t.takeClosed().map((c) => c.window.prompts),
      [['one'], ['two']],
    );
  });

  it('state survives a JSON round trip mid-window', () => {
    const a = new WindowTracker(initialWindowState(), opts);
    a.apply({ kind: 'prompt', at: at(0), text: 'x' });
    a.apply(call('t1', 1, { command: 'go test ./...' }));
    const b = new WindowTracker(JSON.parse(JSON.stringify(a.snapshot())), opts);
    b.apply(result('t1', 2));
    b.close('end');
    assert.deepEqual(b.takeClosed()[0]?.window.tests, [{ cmd: 'go test ./...', result: 'pass' }]);
  });

  it("run_ids come from the window's content: the same work gives the same id, more work a new one", () => {
    const events: AgentEvent[] = [
      { kind: 'prompt', at: at(0), text: 'go' },
      call('a', 1, { command: 'make' }),
      result('a', 1),
      { kind: 'reply', at: at(2), text: 'done', messageId: 'm1' },
    ];
    const idOf = (evs: AgentEvent[], state = initialWindowState()) => {
      const t = new WindowTracker(state, opts);
      for (const e of evs) t.apply(e);
      t.close('end');
      return t.takeClosed()[0]?.runId;
    };
    const id = idOf(events);
    assert.match(id ?? '', /^w-[0-9a-f]{24}$/);
    // Read again from a fresh state (state.db lost), or after other sessions' work: the same id.
    assert.equal(idOf(events), id);
    // The same first and last events with one more between them is other work.
    assert.notEqual(
      idOf([...events.slice(0, 3), call('b', 1, { command: 'make' }), result('b', 1), ...events.slice(3)]),
      id,
    );
    // A later end (a resumed session) is another run, though the window starts at the same event.
    assert.notEqual(idOf([...events, { kind: 'prompt', at: at(3), text: 'more' }]), id);
    // Another session with the same events is another run.
    const t = new WindowTracker(initialWindowState(), { ...opts, sessionId: 's2' });
    for (const e of events) t.apply(e);
    t.close('end');
    assert.notEqual(t.takeClosed()[0]?.runId, id);
  });

  it('a window opened before run_ids came from content keeps its old id', () => {
    const a = new WindowTracker(initialWindowState(), opts);
    a.apply({ kind: 'prompt', at: at(0), text: 'x' });
    const saved = a.snapshot();
    // As stored by the previous release: no marks.
    const cur = saved.cur as Record<string, unknown>;
    delete cur.firstMark;
    delete cur.lastMark;
    delete cur.marks;
    const b = new WindowTracker(WindowState.parse(JSON.parse(JSON.stringify(saved))), opts);
    b.apply({ kind: 'reply', at: at(1), text: 'done', messageId: 'm1' });
    b.close('end');
    assert.equal(b.takeClosed()[0]?.runId, createHash('sha256').update('s1\n0').digest('hex').slice(0, 20));
  });
});

describe('command recognition', () => {
  it('finds test runs inside compound commands', () => {
    for (const c of [
      'npm test',
      'cd x && npm run test:unit',
      'CI=1 pytest -x tests/',
      'python -m pytest',
      'go test ./...',
      'cargo test',
      'mix test 2>&1 | tail',
      'npx vitest run',
      'node --import tsx --test test/a.test.ts',
      'make check',
      'sh test/run.sh',
      'bash tests/smoke.sh',
      'node test.js',
      'python3 test_app.py',
      'node tests/api.test.mjs',
      'tsx src/parse.spec.ts',
      'ruby test/unit.rb',
    ]) {
      assert.ok(isTestCommand(c), c);
    }
    for (const c of [
      'npm install',
      'git commit -m test',
      'cat test.txt',
      'ls tests/',
      'echo pytest',
      'cat test/run.sh',
      'sh scripts/build.sh',
      'node server.js',
      'python3 manage.py migrate',
      'node latest.js',
      'node contest.js',
    ])
      assert.equal(isTestCommand(c), false, c);
  });

  it('finds commits and reads their hash and message', () => {
    assert.ok(isCommitCommand('git add . && git commit -m "x"'));
    assert.ok(isCommitCommand('git -c user.name=a commit --amend'));
    assert.equal(isCommitCommand('git log --grep commit'), false);
    assert.deepEqual(commitFromOutput('[main (root-commit) abcdef1] Initial commit\n', ''), {
      hash: 'abcdef1',
      message: 'Initial commit',
    });
    assert.equal(commitFromOutput('nothing to commit, working tree clean', ''), null);
  });
});
