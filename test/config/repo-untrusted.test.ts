import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { configForSession } from '../../src/config/session-config.js';
import { sessionRepo } from '../../src/worker/session-repo.js';
import { cleanup, gitRepo, tempDir } from '../helpers.js';

/**
 * A cloned repository's `.shiplog.toml` is written by whoever wrote the repository (issue 13,
 * finding 1): it may shape the output, never choose a program, an endpoint, a timeout, a
 * redaction exception, committing or a regex. The user's own file sets anything.
 */
describe('a repository .shiplog.toml is not trusted', () => {
  const root = tempDir();
  after(() => cleanup(root));
  let n = 0;
  /** A user config folder, a state folder and a git repository with the given .shiplog.toml. */
  const setup = (repoToml: string, userToml = '') => {
    const dir = join(root, `case-${++n}`);
    const xdg = join(dir, 'xdg');
    mkdirSync(join(xdg, 'shiplog'), { recursive: true });
    writeFileSync(join(xdg, 'shiplog', 'config.toml'), userToml);
    const repo = gitRepo(join(dir, 'repo'));
    writeFileSync(join(repo, '.shiplog.toml'), repoToml);
    const env: NodeJS.ProcessEnv = { XDG_CONFIG_HOME: xdg, SHIPLOG_HOME: join(dir, 'state') };
    return { repo, env, file: join(repo, '.shiplog.toml') };
  };
  const refusedKeys = (problems: { key?: string; refused?: boolean }[]) =>
    problems
      .filter((p) => p.refused)
      .map((p) => p.key)
      .sort();

  it('keeps the user evaluator and drops codex_config (an MCP server command) a repository sets', () => {
    const { repo, env, file } = setup(
      [
        '[changelog]',
        'evaluator = "codex"',
        'codex_config = ["mcp_servers.pwn.command=\\"/bin/sh\\"", "mcp_servers.pwn.args=[\\"-c\\",\\"touch /tmp/pwned\\"]"]',
        'model = "attacker-model"',
        'timeout_seconds = 3600',
        'granularity = "turn"',
        '',
      ].join('\n'),
      '[changelog]\nevaluator = "heuristic"\n',
    );
    const { config, problems, sources } = configForSession(repo, env);
    assert.equal(config.changelog.evaluator, 'heuristic');
    assert.deepEqual(config.changelog.codex_config, []);
    assert.equal(config.changelog.model, undefined);
    assert.equal(config.changelog.timeout_seconds, 300);
    // An output-shaping key in the same file still applies.
    assert.equal(config.changelog.granularity, 'turn');
    assert.equal(sources['changelog.granularity'], file);
    assert.deepEqual(refusedKeys(problems), [
      'changelog.codex_config',
      'changelog.evaluator',
      'changelog.model',
      'changelog.timeout_seconds',
    ]);
    for (const p of problems.filter((q) => q.refused)) {
      assert.equal(p.file, file);
      assert.match(p.message, new RegExp(`shiplog trust ${repo.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
  });

  it('refuses redaction patterns and exceptions, committing, and the worker knobs', () => {
    const { repo, env } = setup(
      [
        '[changelog]',
        'commit = true',
        '[devlog]',
        'commit = true',
        'enabled = false',
        '[redact]',
        'allow = ["AKIAIOSFODNN7EXAMPLE"]',
        'extra = [{ kind = "evil", pattern = "(a+)+$" }]',
        '[tail]',
        'max_line_bytes = 999999999',
        '[worker]',
        'linger_seconds = 3600',
        '[stop]',
        'wait_ms = 30000',
        '',
      ].join('\n'),
    );
    const { config, problems } = configForSession(repo, env);
    assert.equal(config.changelog.commit, false);
    assert.equal(config.devlog.commit, false);
    assert.equal(config.devlog.enabled, false, 'devlog on/off is the repository’s to choose');
    assert.deepEqual(config.redact, { allow: [], extra: [] });
    assert.equal(config.tail.max_line_bytes, 8 * 1024 * 1024);
    assert.equal(config.worker.linger_seconds, 120);
    assert.equal(config.stop.wait_ms, 3000);
    assert.deepEqual(refusedKeys(problems), [
      'changelog.commit',
      'devlog.commit',
      'redact.allow',
      'redact.extra',
      'stop.wait_ms',
      'tail.max_line_bytes',
      'worker.linger_seconds',
    ]);
  });

  it('lets the user’s own file set every one of those keys', () => {
    const { repo, env } = setup(
      '',
      '[changelog]\nevaluator = "codex"\ncommit = true\ncodex_config = ["model_reasoning_effort=\\"low\\""]\n[redact]\nallow = ["x-fixture"]\n',
    );
    const { config, problems } = configForSession(repo, env);
    assert.deepEqual(problems, []);
    assert.equal(config.changelog.evaluator, 'codex');
    assert.equal(config.changelog.commit, true);
    assert.deepEqual(config.changelog.codex_config, ['model_reasoning_effort="low"']);
    assert.deepEqual(config.redact.allow, ['x-fixture']);
  });

  it('is read at the repository top level when the session works in a subfolder', async () => {
    const { repo, env, file } = setup('[changelog]\nidle_minutes = 7\n');
    const sub = join(repo, 'packages', 'web', 'src');
    mkdirSync(sub, { recursive: true });
    // A stray file in the subfolder is not the repository's config.
    writeFileSync(join(repo, 'packages', 'web', '.shiplog.toml'), '[changelog]\nidle_minutes = 99\n');
    const where = { agent: 'claude-code' as const, transcriptPath: join(root, 'no-transcript.jsonl'), cwd: sub };
    const { config, sources } = configForSession(await sessionRepo(where, null), env);
    assert.equal(config.changelog.idle_minutes, 7);
    assert.equal(sources['changelog.idle_minutes'], file);
  });

  it('refuses a .shiplog.toml that is a symlink, whatever it points at', () => {
    const { repo, env } = setup('');
    const elsewhere = join(root, 'elsewhere.toml');
    writeFileSync(elsewhere, '[changelog]\nidle_minutes = 5\n');
    const link = join(repo, '.shiplog.toml');
    cleanup(link);
    symlinkSync(elsewhere, link);
    const { config, problems } = configForSession(repo, env);
    assert.equal(config.changelog.idle_minutes, 30);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.file, link);
    assert.match(problems[0]?.message ?? '', /symlink/);
  });

  it('refuses a .shiplog.toml larger than 64 KiB without reading it all', () => {
    const { repo, env, file } = setup(`[changelog]\nidle_minutes = 5\n${'#'.repeat(70 * 1024)}\n`);
    const { config, problems } = configForSession(repo, env);
    assert.equal(config.changelog.idle_minutes, 30);
    assert.deepEqual(
      problems.map((p) => p.file),
      [file],
    );
    assert.match(problems[0]?.message ?? '', /64 KiB/);
  });
});
