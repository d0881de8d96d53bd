import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findOnPath } from '../../src/find-on-path.js';
import { CLAUDE_FIXTURES, CLI, cleanup, CODEX_FIXTURES, runProcess, tempDir } from '../helpers.js';
import { buildFixture, entries, envFor, located, query, removeOutputs, type Fixture } from './backfill-world.js';

/**
 * A backfill asks git about a repository's state (top level, HEAD, branch, remote, history) once
 * per process, not once per session: a git process is most of a small session's cost. The real
 * git runs behind a wrapper that notes each question.
 */
describe('backfill asks git about each repository once', () => {
  let fx: Fixture;
  let log: string;
  let env: (home: string) => NodeJS.ProcessEnv;
  before(() => {
    fx = buildFixture(tempDir(), { claude: CLAUDE_FIXTURES, codex: CODEX_FIXTURES });
    const git = findOnPath('git');
    assert.ok(git, 'git is installed');
    const bin = join(fx.root, 'git-bin');
    mkdirSync(bin);
    log = join(fx.root, 'git-questions.log');
    // $PPID: the shiplog process that asked (git is started directly, not through a shell).
    writeFileSync(
      join(bin, 'git'),
      `#!/bin/sh\nprintf '%s\\t%s\\t%s\\n' "$PPID" "$(pwd -P)" "$*" >> '${log}'\nexec '${git}' "$@"\n`,
    );
    chmodSync(join(bin, 'git'), 0o755);
    env = (home) => ({ ...envFor(fx, home), PATH: `${bin}:${envFor(fx, home).PATH ?? ''}` });
  });
  after(() => cleanup(fx.root));

  const questions = (): string[] => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
  const asked = (q: string) => questions().filter((l) => l.endsWith(`\t${q}`));
  const count = (keys: string[]) => {
    const n = new Map<string, number>();
    for (const k of keys) n.set(k, (n.get(k) ?? 0) + 1);
    return n;
  };
  const perFolder = (lines: string[]) => count(lines.map((l) => l.split('\t')[1] ?? ''));
  /** Folder and asking process. */
  const perFolderAndProcess = (lines: string[]) => count(lines.map((l) => l.split('\t').slice(0, 2).join(' in ')));

  for (const jobs of [1, 2]) {
    it(`--jobs ${jobs}: each question at most once per folder and process, asked by the processes that run sessions`, async () => {
      removeOutputs(fx.work);
      writeFileSync(log, '');
      const home = join(fx.root, `state-${jobs}`);
      const r = await runProcess(process.execPath, [CLI, 'backfill', '--jobs', String(jobs)], {
        env: env(home),
        cwd: fx.root,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(entries(fx).size > 0);
      const head = asked('rev-parse HEAD');
      const folders = perFolder(head);
      assert.ok(
        located(fx.sessions).length > folders.size,
        'sessions share repositories, or nothing would be asked twice anyway',
      );
      for (const q of [
        'rev-parse HEAD',
        'symbolic-ref --short -q HEAD',
        'config --get remote.origin.url',
        'rev-parse --show-toplevel',
      ]) {
        for (const [folder, n] of perFolder(asked(q)))
          assert.ok(n <= jobs, `${q} asked ${n} times in ${folder} with --jobs ${jobs}`);
      }
      // The actor too: its e-mail does not change during a backfill either.
      for (const q of ['rev-parse --show-toplevel', 'config --get user.email']) {
        for (const [where, n] of perFolderAndProcess(asked(q)))
          assert.equal(n, 1, `${q} asked ${n} times by ${where} with --jobs ${jobs}`);
      }
      // With --jobs 2 the backfill itself asks git nothing: the 40 questions it used to ask one
      // after the other, before any session process started, were wall time no process shared.
      const runners = new Set(query<{ pid: number }>(home, 'SELECT DISTINCT pid FROM runs').map((r) => String(r.pid)));
      const askers = new Set(questions().map((l) => l.split('\t')[0] ?? ''));
      for (const pid of askers)
        assert.ok(
          runners.has(pid),
          `git asked by process ${pid}, which ran no session (runs were by ${[...runners].join(', ')})`,
        );
    });
  }
});
