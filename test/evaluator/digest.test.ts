import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { heuristicEntry } from '../../src/changelog/heuristic.js';
import { initialWindowState, WindowTracker, type ClosedWindow } from '../../src/changelog/window.js';
import { renderDigests } from '../../src/evaluator/digest.js';
import type { AgentEvent } from '../../src/events.js';
import { createRedactor } from '../../src/redact/redact.js';

/** The evaluator's digest, built from the window's events by the real tracker and renderer. */
const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 10, min)).toISOString();
const redactor = createRedactor();
const opts = {
  sessionId: 's1',
  granularity: 'session' as const,
  idleMs: 30 * 60_000,
  redact: (t: string) => redactor.redact(t),
};

function call(id: string, min: number, extra: Partial<Extract<AgentEvent, { kind: 'tool_call' }>> = {}): AgentEvent {
  return { kind: 'tool_call', at: at(min), callId: id, tool: 'Bash', action: `ran ${id}`, files: [], ...extra };
}
function result(
  id: string,
  min: number,
  extra: Partial<Extract<AgentEvent, { kind: 'tool_result' }>> = {},
): AgentEvent {
  return { kind: 'tool_result', at: at(min), callId: id, isError: false, ...extra };
}
function digests(closed: ClosedWindow, chars = 40_000) {
  const entry = heuristicEntry(closed, {
    tool: 'claude',
    actor: 'me',
    repo: '/repo',
    sessionId: 's1',
    transcriptPath: '/t.jsonl',
    fallbackTime: at(0),
  });
  return renderDigests(closed.window, entry, chars);
}

describe('evaluator digest', () => {
  it("holds this window's events only, with the prompts before it as context", () => {
    const t = new WindowTracker(initialWindowState(), opts);
    t.apply({ kind: 'session', cwd: '/repo' });
    t.apply({ kind: 'prompt', at: at(0), text: 'first task: set up the parser' });
    t.apply(call('a', 1, { command: 'npm init', action: 'ran npm init' }));
    t.apply(result('a', 1, { exitCode: 0, output: 'created package.json' }));
    t.close('flush');
    t.apply({ kind: 'prompt', at: at(5), text: 'second task: add the retry loop' });
    t.apply(
      call('b', 6, { tool: 'Edit', action: 'edited src/retry.ts', files: [{ path: 'src/retry.ts', op: 'modified' }] }),
    );
    t.apply(result('b', 6));
    t.close('flush');
    const [first, second] = t.takeClosed();
    assert.ok(first && second);
    const d = digests(second).full;
    assert.match(d, /\[user\] second task: add the retry loop/);
    assert.match(d, /\[tool\] edited src\/retry\.ts/);
    assert.match(d, /Files modified: src\/retry\.ts/);
    assert.match(d, /Earlier prompts[^\n]*\n- first task: set up the parser/);
    assert.ok(!d.includes('[user] first task'), 'an earlier prompt is context, not part of the window');
    assert.ok(!d.includes('ran npm init'), "an earlier window's tool calls are left out");
    assert.ok(!digests(first).full.includes('Earlier prompts'));
  });

  it('leaves command output out, except a short redacted tail of a failed call', () => {
    const t = new WindowTracker(initialWindowState(), opts);
    t.apply({ kind: 'prompt', at: at(0), text: 'fix the tests' });
    t.apply(call('ok', 1, { command: 'ls', action: 'ran ls' }));
    t.apply(result('ok', 1, { exitCode: 0, output: 'SUCCESSFUL-OUTPUT-MARKER\nfile.ts' }));
    const noise = Array.from({ length: 400 }, (_, i) => `noise line ${i}`).join('\n');
    t.apply(call('bad', 2, { command: 'npm test', action: 'ran npm test' }));
    t.apply(
      result('bad', 2, {
        exitCode: 1,
        output: `${noise}\nexport GITHUB_TOKEN=ghp_${'a1B2c3D4e5'.repeat(4)}\nAssertionError: expected 2 to equal 3`,
      }),
    );
    t.close('flush');
    const [closed] = t.takeClosed();
    assert.ok(closed);
    const d = digests(closed).full;
    assert.ok(!d.includes('SUCCESSFUL-OUTPUT-MARKER'));
    assert.match(d, /\[tool\] ran npm test {2}\(FAILED\)\n {4}/);
    assert.match(d, /AssertionError: expected 2 to equal 3/);
    assert.ok(!d.includes('noise line 0\n'), 'only the tail of the output');
    assert.ok(!d.includes('ghp_a1B2'), 'the tail is redacted');
    assert.match(d, /\[REDACTED:github-token\]/);
  });

  it('stays within its budget, and the budget digest keeps the telling calls and few prompts', () => {
    const t = new WindowTracker(initialWindowState(), opts);
    let m = 0;
    for (let p = 0; p < 12; p++) {
      t.apply({ kind: 'prompt', at: at(m++ % 60), text: `prompt number ${p} ${'words '.repeat(100)}` });
      for (let r = 0; r < 30; r++) {
        t.apply(
          call(`read${p}-${r}`, m % 60, {
            tool: 'Read',
            action: `read src/file${p}-${r}.ts`,
            files: [{ path: `src/file${p}-${r}.ts`, op: 'read' }],
          }),
        );
        t.apply(result(`read${p}-${r}`, m % 60));
      }
      t.apply(
        call(`edit${p}`, m % 60, {
          tool: 'Edit',
          action: `edited src/mod${p}.ts`,
          files: [{ path: `src/mod${p}.ts`, op: 'modified' }],
        }),
      );
      t.apply(result(`edit${p}`, m % 60));
      t.apply({ kind: 'reply', at: at(m % 60), text: `reply ${p} ${'text '.repeat(100)}`, messageId: `m${p}` });
    }
    t.apply(call('test', 13, { command: 'npm test', action: 'ran npm test' }));
    t.apply(result('test', 13, { exitCode: 1, output: 'FAIL src/mod.test.ts' }));
    t.apply(call('git', 13, { command: 'git commit -m "wip"', action: 'ran git commit -m "wip"' }));
    t.apply(result('git', 13, { exitCode: 0, output: '[main abc1234] wip' }));
    t.close('flush');
    const [closed] = t.takeClosed();
    assert.ok(closed);
    const { full, budget } = digests(closed, 12_000);
    assert.ok(full.length <= 12_000, `full digest ${full.length} chars`);
    assert.ok(budget.length <= 4_000, `budget digest ${budget.length} chars`);
    assert.match(full, /less relevant items? left out/);
    for (const d of [full, budget]) {
      assert.match(d, /ran npm test {2}\(FAILED\)/);
      assert.match(d, /ran git commit/);
      assert.match(d, /edited src\/mod11\.ts/);
    }
    assert.ok((budget.match(/\[user\]/g) ?? []).length <= 3);
    const tools: string[] = budget.match(/^\[tool\] .*$/gm) ?? [];
    assert.ok(tools.length <= 25, `${tools.length} tool calls in the budget digest`);
    for (let p = 0; p < 12; p++) assert.ok(tools.includes(`[tool] edited src/mod${p}.ts`), `edit ${p} kept`);
    assert.ok(
      tools.filter((l) => l.startsWith('[tool] read ')).length <= 25 - 14,
      'reads only fill what edits, tests and git leave',
    );
  });

  it('a private key printed by a failed call is redacted whole, even when the tail starts inside it', () => {
    const body = Array.from(
      { length: 24 },
      (_, i) => `MIIEpAIBAAKCAQEA${String(i).padStart(2, '0')}q7Hk3nY5vT8wZxRb2LmN4pQs6UdFgH1jK9oE0aCzXyWvBt`,
    ).join('\n');
    const output = `cat deploy/key.pem\n-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\nerror: key rejected`;
    const t = new WindowTracker(initialWindowState(), opts);
    t.apply({ kind: 'session', cwd: '/repo' });
    t.apply({ kind: 'prompt', at: at(0), text: 'deploy it' });
    t.apply(call('k', 1, { command: './deploy.sh', action: 'ran ./deploy.sh' }));
    t.apply(result('k', 1, { exitCode: 1, isError: true, output }));
    t.close('flush');
    const [w] = t.takeClosed();
    assert.ok(w);
    const d = digests(w).full;
    assert.match(d, /error: key rejected/);
    for (const line of body.split('\n'))
      assert.ok(!d.includes(line.slice(16)), `a line of the key is in the digest: ${line}`);
  });
});
