import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cleanup, CLI, gitRepo, ROOT, runProcess, tempDir } from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

/**
 * One rule for every command: a usage error (unknown command or option, a missing argument, a
 * bad value) exits 2 with a sentence on stderr; a failure at run time exits 1. `--version` and
 * `-V` print the version. Agents are named the same everywhere: claude (or claude-code), codex.
 */
describe('usage errors, --version and agent names', () => {
  const root = tempDir();
  after(() => cleanup(root));
  const env = {
    ...process.env,
    SHIPLOG_HOME: join(root, 'state'),
    HOME: root,
    CLAUDE_CONFIG_DIR: join(root, '.claude'),
    CODEX_HOME: join(root, '.codex'),
  };
  const cli = (...args: string[]) => runProcess(process.execPath, [CLI, ...args], { env, cwd: root });
  const file = join(root, 'f.txt');
  writeFileSync(file, 'x');

  const usage: string[][] = [
    [],
    ['frobnicate'],
    ['status', '--bogus'],
    ['status', '--limit', 'many'],
    ['log', '--since', 'last tuesday'],
    ['process'],
    ['process', 'a.jsonl', 'b.jsonl'],
    ['process', 'a.jsonl', '--agent', 'aider'],
    ['process', 'a.jsonl', '--session', '../escape'],
    ['process', 'a.jsonl', '--repo', join(root, 'missing')],
    ['backfill', '--agent', 'aider'],
    ['backfill', '--evaluator', 'gpt'],
    ['backfill', '--max-concurrency', '0'],
    ['backfill', '--repo', file],
    ['install', '--scope', 'galaxy'],
    ['config'],
    ['config', 'edit'],
    ['trust', 'a', 'b'],
  ];
  for (const args of usage) {
    it(`shiplog ${args.join(' ') || '(nothing)'}: exit 2 with a reason`, async () => {
      const r = await cli(...args);
      assert.equal(r.code, 2, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
      assert.ok(r.stderr.trim().length > 0, 'says why on stderr');
    });
  }

  it('a failure at run time exits 1 (a log of a folder with no changelog)', async () => {
    const r = await cli('log', '--repo', root);
    assert.equal(r.code, 1, r.stderr);
  });

  it('--version and -V print the version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = await cli(flag);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `shiplog ${version}\n`);
    }
  });

  it('help says what the exit codes mean', async () => {
    const r = await cli('help');
    assert.match(r.stdout, /exit .*2.*usage/is);
  });

  it('process takes --agent claude as well as claude-code, like backfill', async () => {
    const repo = gitRepo(join(root, 'repo'));
    const t = writeClaudeTranscript(join(root, 'names.jsonl'), 'names-1', repo, [simpleTurn(0)]);
    const r = await cli('process', t, '--agent', 'claude', '--repo', repo);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});
