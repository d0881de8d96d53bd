import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { cleanup, CLI, runProcess, tempDir } from '../helpers.js';

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
  const env: NodeJS.ProcessEnv = { HOME: home, PATH: bin, SHIPLOG_HOME: join(root, 'state'), XDG_CONFIG_HOME: join(root, 'config') };

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
});
