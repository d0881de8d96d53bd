import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { configForSession } from '../../src/config/session-config.js';
import { createRedactor } from '../../src/redact/redact.js';
import { cleanup, ROOT, tempDir } from '../helpers.js';

/** Runs a module script with node; SIGKILLed after `boundMs`, so a regression fails instead of hanging the suite. */
function runBounded(
  script: string,
  env: NodeJS.ProcessEnv,
  boundMs: number,
): Promise<{ code: number | null; killed: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const bound = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, boundMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(bound);
      resolve({ code, killed, stdout, stderr });
    });
  });
}

describe('redaction patterns from the user config', () => {
  const root = tempDir();
  after(() => cleanup(root));
  const userConfig = (name: string, toml: string): NodeJS.ProcessEnv => {
    const xdg = join(root, name);
    mkdirSync(join(xdg, 'shiplog'), { recursive: true });
    writeFileSync(join(xdg, 'shiplog', 'config.toml'), toml);
    return { XDG_CONFIG_HOME: xdg, SHIPLOG_HOME: join(root, `${name}-state`) };
  };

  it('run in linear time: (a+)+$ against 50 KB of "aaaa…!" finishes', async () => {
    const env = userConfig(
      'hostile',
      '[redact]\nextra = [{ kind = "slow", pattern = "(a+)+$" }, { kind = "acme-token", pattern = "acme_([a-z0-9]{12})" }]\n',
    );
    const dist = (p: string) => pathToFileURL(join(ROOT, 'dist', 'src', p)).href;
    const script = `
      import { configForSession } from ${JSON.stringify(dist('config/session-config.js'))};
      import { createRedactor } from ${JSON.stringify(dist('redact/redact.js'))};
      const { config, problems } = configForSession(null);
      const r = createRedactor({ allow: config.redact.allow, extra: config.redact.extra });
      const hostile = 'a'.repeat(50_000) + '!';
      const out = r.redact(hostile);
      const token = r.redact('key acme_0123456789ab here');
      process.stdout.write(JSON.stringify({ problems, same: out === hostile, token }));
    `;
    // Generous: the linear engine takes well under a second; the backtracking one takes forever.
    const r = await runBounded(script, { ...process.env, ...env }, 60_000);
    assert.equal(r.killed, false, 'the redaction did not finish: the pattern backtracked');
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { problems: unknown[]; same: boolean; token: string };
    assert.deepEqual(result.problems, []);
    assert.equal(result.same, true);
    assert.equal(result.token, 'key acme_[REDACTED:acme-token] here');
  });

  it('an invalid or unsupported pattern is a config problem, and the others still apply', () => {
    const env = userConfig(
      'invalid',
      [
        '[redact]',
        'extra = [',
        '  { kind = "open", pattern = "(a" },',
        '  { kind = "lookbehind", pattern = "(?<=x)secret" },',
        '  { kind = "backref", pattern = "(ab)\\\\1" },',
        '  { kind = "empty", pattern = "x*" },',
        '  { kind = "acme-token", pattern = "acme_[a-z0-9]{12}" },',
        ']',
        '',
      ].join('\n'),
    );
    const file = join(env.XDG_CONFIG_HOME as string, 'shiplog', 'config.toml');
    const { config, problems } = configForSession(null, env);
    assert.deepEqual(
      problems.map((p) => [p.file, p.key]),
      [
        [file, 'redact.extra.0'],
        [file, 'redact.extra.1'],
        [file, 'redact.extra.2'],
        [file, 'redact.extra.3'],
      ],
    );
    assert.match(problems[0]?.message ?? '', /open.*\(a/);
    assert.match(problems[3]?.message ?? '', /empty string/);
    assert.deepEqual(
      config.redact.extra.map((e) => e.kind),
      ['acme-token'],
    );
    const r = createRedactor({ extra: config.redact.extra });
    assert.equal(r.redact('token acme_0123456789ab'), 'token [REDACTED:acme-token]');
  });
});
