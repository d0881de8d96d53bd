import assert from 'node:assert/strict';
import { isAbsolute } from 'node:path';
import { describe, it } from 'node:test';
import { claudeFixtureDisk, claudeFixtureWorkspace } from './claude-fixtures.js';
import { codexFixtureDisk, codexFixtureScenarios } from './codex-fixtures.js';
import type { FixtureDisk } from './fixture-disk.js';

const CLAUDE_SCENARIOS = [
  'build',
  'failures',
  'interactive',
  'long',
  'edit-retry',
  'parallel-subagents',
  'chains',
  'subfolder',
  'no-git',
  'chat-end',
];

/** What holds for any record of a start state and a difference from it. */
function consistent(what: string, d: FixtureDisk): void {
  const start = Object.keys(d.before);
  const sorted = (xs: string[]) => [...xs].sort();
  assert.ok(isAbsolute(d.root), `${what}: root is absolute`);
  for (const [name, xs] of Object.entries({ ...d.disk, tracked: d.tracked })) {
    assert.deepEqual(xs, sorted(xs), `${what}: ${name} is sorted`);
    assert.ok(
      xs.every((p) => !isAbsolute(p) && !p.includes('\\') && !p.startsWith('.git/')),
      `${what}: ${name} holds relative posix paths outside .git/`,
    );
  }
  assert.ok(
    d.disk.created.every((p) => !start.includes(p)),
    `${what}: created files were not there at the start`,
  );
  assert.ok(
    [...d.disk.modified, ...d.disk.deleted].every((p) => start.includes(p)),
    `${what}: modified and deleted files were there at the start`,
  );
  assert.ok(
    d.tracked.every((p) => start.includes(p)),
    `${what}: tracked files are in the start state`,
  );
  const times = d.commits.map((c) => Date.parse(c.at));
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
    `${what}: commits are oldest first`,
  );
  if (d.tracked.length === 0) assert.deepEqual(d.commits, [], `${what}: no repository, no commits`);
}

describe('the recorded fixtures say what happened on disk', () => {
  it('every Claude Code scenario has a consistent record', () => {
    for (const s of CLAUDE_SCENARIOS) consistent(s, claudeFixtureDisk(s));
  });

  it('every Codex scenario in the manifest has a consistent record', () => {
    assert.deepEqual(codexFixtureScenarios(), [
      'paginated-classic',
      'paginated-code-mode',
      'patch-retry',
      'interrupted',
    ]);
    for (const s of codexFixtureScenarios()) {
      const d = codexFixtureDisk(s);
      consistent(s, d);
      assert.ok(d.tracked.includes('README.md'), `${s}: README.md is committed at the start`);
    }
  });

  it('the sessions that commit (with git commit -q, printing no hash) have their commits recorded, the others none', () => {
    const subjects = (d: FixtureDisk) => d.commits.map((c) => c.subject);
    for (const s of CLAUDE_SCENARIOS) {
      const expected =
        s === 'build'
          ? ['Add app.txt and drop old.txt', 'Mark app.txt as version 2']
          : s === 'long'
            ? [
                'Add calculator with add and mul',
                'Add sub and div with a division-by-zero guard',
                'Add calc.sh entry point and usage docs',
              ]
            : [];
      assert.deepEqual(subjects(claudeFixtureDisk(s)), expected, s);
    }
    for (const s of codexFixtureScenarios())
      assert.deepEqual(subjects(codexFixtureDisk(s)), s === 'paginated-classic' ? ['Add notes and hello'] : [], s);
  });

  it('chains: a redirect onto a tracked file is a modification, a file written and removed by a script never appears', () => {
    const d = claudeFixtureDisk('chains');
    assert.deepEqual(d.disk, {
      created: ['b.txt', 'c.txt', 'docs/NOTES.md', 'hello.txt'],
      modified: ['VERSION'],
      deleted: ['NOTES.md'],
    });
    assert.deepEqual(d.tracked, ['NOTES.md', 'README.md', 'VERSION', 'a.txt', 'cleanup.sh']);
    assert.equal(d.before['VERSION'], '1.0.0\n');
    assert.equal(d.before['cleanup.sh'], 'rm -f out.log\n');
  });

  it('subfolder: the root is the repository, not the working folder inside it', () => {
    const d = claudeFixtureDisk('subfolder');
    assert.equal(claudeFixtureWorkspace('subfolder'), `${d.root}/services/api`);
    assert.deepEqual(d.disk, { created: ['services/api/config.js'], modified: ['README.md'], deleted: [] });
  });

  it('no-git: nothing is tracked, the folder is still the root', () => {
    const d = claudeFixtureDisk('no-git');
    assert.deepEqual(d.tracked, []);
    assert.equal(d.root, claudeFixtureWorkspace('no-git'));
    assert.deepEqual(d.disk, { created: ['todo.txt'], modified: [], deleted: [] });
  });

  it('failures: the refused Write outside the workspace and the killed jobs leave the repository as it was', () => {
    assert.deepEqual(claudeFixtureDisk('failures').disk, { created: [], modified: [], deleted: [] });
  });
});
