import assert from 'node:assert/strict';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, cleanup, gitRepo, HOOK, runProcess, stopPayload, tempDir, waitForWorkers } from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

interface Check {
  key: string;
  status: 'ok' | 'problem' | 'info';
  message: string;
  fix?: string;
}
interface Shown {
  config: { changelog: { evaluator: string; commit: boolean; granularity: string } };
  problems: { file: string; key?: string; message: string; refused?: boolean }[];
}

/**
 * `shiplog trust` as a user meets it: a repository asks for keys only the user may set, the
 * user trusts that exact file, and an edit to the file takes the trust away again.
 */
describe('shiplog trust', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  let repo: string;
  let file: string;
  const cli = (args: string[], cwd = repo) => runProcess(process.execPath, [CLI, ...args], { env, cwd });
  const show = async (): Promise<Shown> => {
    const r = await cli(['config', 'show', '--repo', repo, '--json']);
    return JSON.parse(r.stdout) as Shown;
  };

  before(() => {
    root = tempDir();
    const base: NodeJS.ProcessEnv = { ...process.env };
    for (const k of [
      'SHIPLOG_INTERNAL',
      'CLAUDE_CONFIG_DIR',
      'CODEX_HOME',
      'XDG_STATE_HOME',
      'CTX_ACTOR',
      'CHANGELOG_ACTOR',
      'SHIPLOG_EVALUATOR',
      'CTX_CHANGELOG_EVALUATOR',
      'SHIPLOG_COMMIT_CHANGELOG',
    ])
      delete base[k];
    const home = join(root, 'home');
    mkdirSync(home);
    env = { ...base, HOME: home, SHIPLOG_HOME: join(root, 'state'), XDG_CONFIG_HOME: join(root, 'xdg') };
    repo = gitRepo(join(root, 'repo'));
    file = join(repo, '.shiplog.toml');
    writeFileSync(file, '[changelog]\nevaluator = "claude"\ncommit = true\ngranularity = "turn"\n');
  });
  after(() => cleanup(root));

  it('before trust, config show marks the refused keys and says how to trust the file', async () => {
    const r = await cli(['config', 'show', '--repo', repo]);
    assert.match(r.stdout, /^changelog\.evaluator = "heuristic"\s+# default$/m);
    assert.match(r.stdout, /^changelog\.granularity = "turn"\s+# .*\.shiplog\.toml$/m);
    assert.match(
      r.stdout,
      new RegExp(`^refused: ${file}: changelog\\.commit = true .*run: shiplog trust ${repo}`, 'm'),
    );
    assert.match(r.stdout, new RegExp(`^refused: ${file}: changelog\\.evaluator = "claude"`, 'm'));
    const shown = await show();
    assert.equal(shown.config.changelog.evaluator, 'heuristic');
    assert.deepEqual(
      shown.problems
        .filter((p) => p.refused)
        .map((p) => p.key)
        .sort(),
      ['changelog.commit', 'changelog.evaluator'],
    );
  });

  it('doctor, run in the repository, names what it tried to set and the fix', async () => {
    const r = await cli(['doctor', '--json']);
    const checks = JSON.parse(r.stdout) as Check[];
    const check = checks.find((c) => c.key === `config.repo.${repo}`);
    assert.equal(check?.status, 'problem', JSON.stringify(checks, null, 2));
    assert.match(check?.message ?? '', /changelog\.commit, changelog\.evaluator/);
    assert.match(check?.fix ?? '', new RegExp(`shiplog trust ${repo}`));
    // The plain "config" check is about invalid files; a refused key is not one.
    assert.notEqual(checks.find((c) => c.key === 'config')?.status, 'problem');
  });

  it('doctor names a repository a session wrote to, from any folder', async () => {
    const other = gitRepo(join(root, 'other'), true);
    writeFileSync(join(other, '.shiplog.toml'), '[redact]\nallow = ["ghp_0123456789abcdefghijklmnopqrstuvwxyz"]\n');
    const transcript = writeClaudeTranscript(join(root, 'other-1.jsonl'), 'other-1', other, [simpleTurn(1)]);
    const hook = await runProcess('/bin/sh', [HOOK, process.execPath], {
      env: { ...env, SHIPLOG_WORKER_LINGER_SECONDS: '0' },
      input: stopPayload('other-1', transcript, other),
    });
    assert.equal(hook.code, 0, hook.stderr);
    await waitForWorkers(env.SHIPLOG_HOME as string, 'other-1');
    const r = await cli(['doctor', '--json'], root);
    const check = (JSON.parse(r.stdout) as Check[]).find((c) => c.key === `config.repo.${other}`);
    assert.equal(check?.status, 'problem', r.stdout);
    assert.match(check?.message ?? '', /tries to set redact\.allow/);
    assert.match(check?.fix ?? '', new RegExp(`shiplog trust ${other}`));
  });

  it('trust from a subfolder trusts the repository’s file; its keys then apply', async () => {
    const sub = join(repo, 'src');
    mkdirSync(sub);
    const r = await cli(['trust'], sub);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`trusted ${file} \\(sha256 [0-9a-f]{12}`));
    assert.match(r.stdout, /changelog\.commit, changelog\.evaluator/);
    assert.ok(
      !existsSync(join(repo, '.shiplog-trust')) && !existsSync(join(repo, '.git', 'shiplog')),
      'nothing written inside the repository',
    );
    const shown = await show();
    assert.deepEqual(shown.problems, []);
    assert.equal(shown.config.changelog.evaluator, 'claude');
    assert.equal(shown.config.changelog.commit, true);
    const list = await cli(['trust', '--list']);
    assert.equal(list.code, 0);
    assert.match(list.stdout, new RegExp(`^${repo}\\s+[0-9a-f]{12}\\s+.*\\bcurrent$`, 'm'));
  });

  it('an edit to the trusted file refuses its keys again until the user trusts it again', async () => {
    writeFileSync(
      file,
      '[changelog]\nevaluator = "codex"\ncodex_config = ["mcp_servers.x.command=\\"/bin/sh\\""]\ncommit = true\n',
    );
    const shown = await show();
    assert.equal(shown.config.changelog.evaluator, 'heuristic');
    assert.equal(shown.config.changelog.commit, false);
    const refused = shown.problems.filter((p) => p.refused);
    assert.deepEqual(refused.map((p) => p.key).sort(), [
      'changelog.codex_config',
      'changelog.commit',
      'changelog.evaluator',
    ]);
    for (const p of refused)
      assert.match(p.message, new RegExp(`changed since you trusted it.*run: shiplog trust ${repo}`));
    assert.match((await cli(['trust', '--list'])).stdout, new RegExp(`^${repo}\\s+[0-9a-f]{12}\\s+.*\\bchanged$`, 'm'));
    assert.equal((await cli(['trust', repo])).code, 0);
    assert.equal((await show()).config.changelog.evaluator, 'codex');
  });

  it('--revoke takes the trust away; --list then shows nothing', async () => {
    const r = await cli(['trust', '--revoke', repo]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no longer trusted/);
    assert.equal((await show()).config.changelog.evaluator, 'heuristic');
    const list = await cli(['trust', '--list']);
    assert.match(list.stdout, /no trusted repository/);
    const again = await cli(['trust', '--revoke', repo]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /not trusted/);
  });

  it('refuses to trust a symlinked .shiplog.toml, or a repository without one', async () => {
    const bare = gitRepo(join(root, 'bare'));
    const r = await cli(['trust', bare]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no \.shiplog\.toml/);
    symlinkSync(file, join(bare, '.shiplog.toml'));
    const s = await cli(['trust', bare]);
    assert.equal(s.code, 1);
    assert.match(s.stderr, /symlink/);
  });

  it('--help explains what trust allows and where it is kept', async () => {
    const r = await cli(['trust', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: shiplog trust \[<repo>\]/);
    assert.match(r.stdout, /--list/);
    assert.match(r.stdout, /--revoke <repo>/);
    assert.match(r.stdout, /sha256/);
    assert.match((await cli(['help'])).stdout, /^ {2}trust\s/m);
  });
});
