import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { randomInt } from 'node:crypto';
import { cleanup, CLI, runProcess, tempDir } from '../helpers.js';
import { processesWith } from '../process-groups.js';

/**
 * `shiplog install` asks `codex --version`. A codex that never answers and ignores SIGTERM (a
 * broken install on a hung mount) must not hang install: the version is given up at its
 * deadline, the hooks are still registered (trust entries included, as for an unknown version),
 * and nothing it started is left running.
 */
it('a codex --version that hangs and ignores SIGTERM does not hang install', { timeout: 120_000 }, async () => {
  const root = tempDir();
  const marker = `100000.${randomInt(1e9)}`;
  after(() => {
    for (const pid of processesWith(marker)) process.kill(pid, 'SIGKILL');
    cleanup(root);
  });
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'codex'), `#!/bin/sh\ntrap '' TERM\nexec sleep ${marker}\n`);
  chmodSync(join(bin, 'codex'), 0o755);
  const codexHome = join(root, '.codex');
  mkdirSync(codexHome);
  const env = {
    ...process.env,
    HOME: root,
    CODEX_HOME: codexHome,
    CLAUDE_CONFIG_DIR: join(root, '.claude'),
    PATH: `${bin}:${process.env.PATH ?? ''}`,
  };

  const r = await runProcess(process.execPath, [CLI, 'install', '--codex'], { env });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /codex: .*registered in/);
  assert.deepEqual(processesWith(marker), [], 'the hung codex was killed with its group');
});
