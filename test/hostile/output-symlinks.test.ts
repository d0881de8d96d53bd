import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cleanup, CLI, gitRepo, listFiles, runProcess, tempDir } from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

/**
 * Finding 4: a cloned repository can hold symlinks where shiplog writes (git stores them). An
 * output file or folder that is a link to somewhere outside the repository (here a stand-in for
 * ~/.bashrc) is refused: the target is untouched, no lock appears beside it, and the run says why.
 */
describe('outputs that are symlinks out of the repository', () => {
  const root = tempDir();
  after(() => cleanup(root));
  const BASHRC = 'export PATH=$HOME/bin:$PATH\n# no final newline here';

  function world(name: string) {
    const dir = join(root, name);
    const repo = gitRepo(join(dir, 'repo'));
    const outside = join(dir, 'home');
    mkdirSync(outside);
    writeFileSync(join(outside, '.bashrc'), BASHRC);
    writeFileSync(join(outside, '.profile'), BASHRC);
    const state = join(dir, 'state');
    const env = { ...process.env, SHIPLOG_HOME: state, SHIPLOG_ACTOR: 'me' };
    const t = writeClaudeTranscript(join(dir, 't.jsonl'), name, repo, [simpleTurn(1)]);
    const run = () =>
      runProcess(process.execPath, [CLI, 'process', t, '--repo', repo, '--session', name, '--agent', 'claude-code'], {
        env,
      });
    const untouched = () => {
      assert.deepEqual(
        listFiles(outside),
        ['.bashrc', '.profile'],
        `${name}: nothing created beside the targets (no lock)`,
      );
      assert.equal(readFileSync(join(outside, '.bashrc'), 'utf8'), BASHRC, `${name}: .bashrc unchanged`);
      assert.equal(readFileSync(join(outside, '.profile'), 'utf8'), BASHRC, `${name}: .profile unchanged`);
    };
    return { dir, repo, outside, state, run, untouched };
  }

  it('entries.jsonl and failures.jsonl linked to files outside: refused, targets unchanged, the run reports it', async () => {
    const w = world('files');
    const actor = join(w.repo, '.changelog', 'me');
    mkdirSync(actor, { recursive: true });
    symlinkSync(join(w.outside, '.bashrc'), join(actor, 'entries.jsonl'));
    symlinkSync(join(w.outside, '.profile'), join(actor, 'failures.jsonl'));
    const r = await w.run();
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /FAILED\s+\S+\s+append: .*symlink/);
    w.untouched();
    assert.ok(lstatSync(join(actor, 'entries.jsonl')).isSymbolicLink(), 'the link itself is left as it was');
  });

  it('only entries.jsonl linked: refused; the failure record goes to the real failures.jsonl', async () => {
    const w = world('entries');
    const actor = join(w.repo, '.changelog', 'me');
    mkdirSync(actor, { recursive: true });
    symlinkSync(join(w.outside, '.bashrc'), join(actor, 'entries.jsonl'));
    const r = await w.run();
    assert.equal(r.code, 1, r.stdout + r.stderr);
    w.untouched();
    const failures = readFileSync(join(actor, 'failures.jsonl'), 'utf8').trim().split('\n');
    assert.equal(failures.length, 1);
    assert.match(String((JSON.parse(failures[0] ?? '') as { message: string }).message), /symlink/);
  });

  it('.changelog/<actor> linked to a folder outside: refused, nothing written there', async () => {
    const w = world('actor');
    mkdirSync(join(w.repo, '.changelog'));
    symlinkSync(w.outside, join(w.repo, '.changelog', 'me'));
    const r = await w.run();
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /FAILED\s+\S+\s+append: .*symlink/);
    w.untouched();
  });

  it('the devlog file linked to a file outside: refused, target unchanged, the run reports it', async () => {
    const w = world('devlog');
    const sessions = join(w.repo, '.devlog', 'sessions');
    mkdirSync(sessions, { recursive: true });
    symlinkSync(join(w.outside, '.bashrc'), join(sessions, 'devlog.json'));
    const r = await w.run();
    assert.notEqual(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /symlink/);
    w.untouched();
    assert.ok(lstatSync(join(sessions, 'devlog.json')).isSymbolicLink(), 'the link is not replaced either');
    assert.deepEqual(listFiles(sessions), ['devlog.json'], 'no temporary file left behind');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /devlog\s+NOT WRITTEN: .*symlink/);
    // The devlog is refused, not the changelog: the window's entry is written all the same.
    assert.equal(
      readFileSync(join(w.repo, '.changelog', 'me', 'entries.jsonl'), 'utf8')
        .trim()
        .split('\n').length,
      1,
      'the entry is written',
    );
  });
});
