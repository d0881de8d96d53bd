import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findOnPath } from '../../src/find-on-path.js';
import { CLAUDE_FIXTURES, CLI, cleanup, CODEX_FIXTURES, runProcess, tempDir } from '../helpers.js';
import { buildFixture, entries, envFor, located, removeOutputs, type Fixture } from './backfill-world.js';

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
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nprintf '%s\\t%s\\n' "$(pwd -P)" "$*" >> '${log}'\nexec '${git}' "$@"\n`);
    chmodSync(join(bin, 'git'), 0o755);
    env = (home) => ({ ...envFor(fx, home), PATH: `${bin}:${envFor(fx, home).PATH ?? ''}` });
  });
  after(() => cleanup(fx.root));

  const questions = (): string[] => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
  const asked = (q: string) => questions().filter((l) => l.endsWith(`\t${q}`));
  const perFolder = (lines: string[]) => {
    const n = new Map<string, number>();
    for (const l of lines) n.set(l.split('\t')[0] ?? '', (n.get(l.split('\t')[0] ?? '') ?? 0) + 1);
    return n;
  };

  for (const jobs of [1, 2]) {
    it(`--jobs ${jobs}: HEAD, branch and remote at most once per folder and process`, async () => {
      removeOutputs(fx.work);
      writeFileSync(log, '');
      const home = join(fx.root, `state-${jobs}`);
      const r = await runProcess(process.execPath, [CLI, 'backfill', '--jobs', String(jobs)], { env: env(home), cwd: fx.root });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(entries(fx).size > 0);
      const head = asked('rev-parse HEAD');
      const folders = perFolder(head);
      assert.ok(located(fx.sessions).length > folders.size, 'sessions share repositories, or nothing would be asked twice anyway');
      for (const q of ['rev-parse HEAD', 'symbolic-ref --short -q HEAD', 'config --get remote.origin.url', 'rev-parse --show-toplevel']) {
        // The top level is asked by the backfill itself too, before its processes start.
        const most = q === 'rev-parse --show-toplevel' && jobs > 1 ? jobs + 1 : jobs;
        for (const [folder, n] of perFolder(asked(q))) assert.ok(n <= most, `${q} asked ${n} times in ${folder} with --jobs ${jobs}`);
      }
    });
  }
});
