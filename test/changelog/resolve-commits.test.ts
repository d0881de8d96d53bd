import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveCommits, unresolvedSpan } from '../../src/changelog/resolve-commits.js';
import { initialWindowState, WindowTracker, type ClosedWindow } from '../../src/changelog/window.js';
import { commitsBetween } from '../../src/git.js';
import { cleanup, gitRepo, tempDir } from '../helpers.js';

const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 10, min)).toISOString();
const opts = { sessionId: 's1', granularity: 'session' as const, idleMs: 30 * 60_000, redact: (t: string) => t };

/** Windows as the tracker closes them: each runs a quiet `git commit -q` (no hash in its output). */
function windows(...spans: { from: number; to: number; command: string }[]): ClosedWindow[] {
  const t = new WindowTracker(initialWindowState(), opts);
  t.apply({ kind: 'session', cwd: '/repo' });
  spans.forEach((s, i) => {
    t.apply({ kind: 'prompt', at: at(s.from), text: `task ${i}` });
    t.apply({
      kind: 'tool_call',
      at: at(s.to),
      callId: `c${i}`,
      tool: 'Bash',
      action: s.command,
      command: s.command,
      files: [],
    });
    t.apply({ kind: 'tool_result', at: at(s.to), callId: `c${i}`, isError: false, exitCode: 0, output: '' });
    t.close('flush');
  });
  return t.takeClosed();
}

function commitAt(repo: string, min: number, message: string): string {
  const when = at(min);
  execFileSync('git', ['commit', '-q', '--allow-empty', '-m', message], {
    cwd: repo,
    env: { ...process.env, GIT_COMMITTER_DATE: when, GIT_AUTHOR_DATE: when },
  });
  return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
}

describe('resolving quiet commits against one git log', () => {
  const root = tempDir('resolve-commits');
  after(() => cleanup(root));
  const repo = gitRepo(join(root, 'repo'));
  const early = commitAt(repo, 1, 'Add parser');
  const outside = commitAt(repo, 20, 'Add parser');
  const late = commitAt(repo, 41, 'Add retry loop');
  const later = commitAt(repo, 42, 'Tidy');

  it('one span covers every window with such a commit, and one lookup resolves each in its own span', async () => {
    const closed = windows(
      { from: 0, to: 2, command: 'git commit -qm "Add parser"' },
      { from: 40, to: 43, command: 'git commit -q -m "Add retry loop"' },
      { from: 43, to: 45, command: 'git commit -q' },
    );
    const span = unresolvedSpan(closed);
    assert.deepEqual(span, { since: new Date(Date.parse(at(-1))), until: new Date(Date.parse(at(46))) });
    const log = await commitsBetween(repo, span.since, span.until);
    assert.deepEqual(
      log?.map((c) => c.hash),
      [later, late, outside, early],
      'newest first',
    );
    const [a, b, c] = closed.map((w) => resolveCommits(w, log ?? []));
    assert.deepEqual(
      a?.window.commits,
      [{ hash: early, message: 'Add parser' }],
      'the same subject outside the window is not taken',
    );
    assert.deepEqual(b?.window.commits, [{ hash: late, message: 'Add retry loop' }]);
    // No message known: the newest commit in the window's span (43-45 min, a minute of slack).
    assert.deepEqual(c?.window.commits, [{ hash: later, message: 'Tidy' }]);
  });

  it('a commit git named by its short hash gets its full hash; one the log does not hold stays as printed', async () => {
    const t = new WindowTracker(initialWindowState(), opts);
    t.apply({ kind: 'session', cwd: '/repo' });
    t.apply({ kind: 'prompt', at: at(40), text: 'commit it' });
    const commit = (id: string, output: string) => {
      t.apply({
        kind: 'tool_call',
        at: at(41),
        callId: id,
        tool: 'Bash',
        action: 'ran git commit',
        command: 'git commit -m "Add retry loop"',
        files: [],
      });
      t.apply({ kind: 'tool_result', at: at(41), callId: id, isError: false, exitCode: 0, output });
    };
    commit('a', `[main ${late.slice(0, 7)}] Add retry loop\n 1 file changed`);
    commit('b', '[main 0abcdef] Add retry loop\n 1 file changed');
    t.close('flush');
    const [w] = t.takeClosed();
    assert.ok(w);
    const span = unresolvedSpan([w]);
    assert.ok(span, 'short hashes need the log too');
    const resolved = resolveCommits(w, (await commitsBetween(repo, span.since, span.until)) ?? []);
    assert.deepEqual(resolved.window.commits, [
      { hash: late, message: 'Add retry loop' },
      { hash: '0abcdef', message: 'Add retry loop' },
    ]);
  });

  it('a message with no match, or no repository, leaves the commit out; windows without one are untouched', async () => {
    const [w] = windows({ from: 0, to: 2, command: 'git commit -qm "Never made"' });
    assert.ok(w);
    assert.deepEqual(
      resolveCommits(w, (await commitsBetween(repo, new Date(at(-1)), new Date(at(3)))) ?? []).window.commits,
      [],
    );
    assert.equal(await commitsBetween(join(root, 'not-a-repo-'), new Date(at(0)), new Date(at(1))), null);
    const [plain] = windows({ from: 0, to: 2, command: 'ls' });
    assert.ok(plain);
    assert.equal(unresolvedSpan([plain]), null);
    assert.equal(resolveCommits(plain, []), plain);
  });
});
