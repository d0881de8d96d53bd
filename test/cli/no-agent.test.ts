import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { cleanup, CLI, ROOT, runProcess, tempDir } from '../helpers.js';

const AFTER_INSTALL = join(ROOT, 'scripts', 'after-install.mjs');

/**
 * On a machine with neither Claude Code nor Codex, install registers nothing and says how to
 * register later, and doctor reports that nothing records sessions as a problem (so
 * ./install.sh does not end with "Done. … sessions now write …").
 */
it('no agent found: install says nothing was registered; doctor calls it a problem', async () => {
  const root = tempDir();
  after(() => cleanup(root));
  const home = join(root, 'home');
  const bin = join(root, 'bin');
  mkdirSync(home);
  mkdirSync(bin);
  symlinkSync(process.execPath, join(bin, 'node'));
  symlinkSync('/usr/bin/git', join(bin, 'git'));
  const env: NodeJS.ProcessEnv = {
    HOME: home,
    PATH: bin,
    SHIPLOG_HOME: join(root, 'state'),
    XDG_CONFIG_HOME: join(root, 'config'),
  };

  const install = await runProcess(process.execPath, [CLI, 'install'], { env, cwd: home });
  assert.equal(install.code, 0, install.stderr);
  assert.match(install.stdout, /nothing to register/i);
  assert.match(install.stdout, /shiplog install --claude/);
  assert.doesNotMatch(install.stdout, /Done|now write/);

  const doctor = await runProcess(process.execPath, [CLI, 'doctor', '--json'], { env, cwd: home });
  assert.equal(doctor.code, 1, 'doctor exits 1: nothing will be recorded');
  const checks = JSON.parse(doctor.stdout) as { key: string; status: string; fix?: string }[];
  const agents = checks.find((c) => c.key === 'agents');
  assert.equal(agents?.status, 'problem', JSON.stringify(checks));
  assert.match(agents?.fix ?? '', /shiplog install/);

  // ./install.sh ends with scripts/after-install.mjs: a machine without an agent is installed, not failed.
  const finish = await runProcess(process.execPath, [AFTER_INSTALL], { env, cwd: home });
  assert.equal(finish.code, 0, finish.stderr);
  assert.match(finish.stdout, /problem agents/);
  assert.match(finish.stdout, /Installed\. No Claude Code, Codex or Gemini CLI is registered yet/);
  assert.doesNotMatch(finish.stdout, /Done|now write/);
});

it('./install.sh fails on any other problem doctor finds', async () => {
  const root = tempDir();
  after(() => cleanup(root));
  const home = join(root, 'home');
  mkdirSync(join(home, '.config', 'shiplog'), { recursive: true });
  writeFileSync(join(home, '.config', 'shiplog', 'config.toml'), 'this is = = not toml\n');
  const env: NodeJS.ProcessEnv = {
    HOME: home,
    PATH: `${join(root, 'bin')}:/usr/bin:/bin`,
    SHIPLOG_HOME: join(root, 'state'),
    XDG_CONFIG_HOME: join(home, '.config'),
  };
  const r = await runProcess(process.execPath, [AFTER_INSTALL], { env, cwd: home });
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, /shiplog doctor found problems/);
});
