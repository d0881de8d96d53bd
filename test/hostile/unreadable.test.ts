import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { CLI, runProcess } from '../helpers.js';
import { claudeFixture } from '../claude-fixtures.js';

/**
 * A transcript the user cannot read. The tests run as root, which reads anything, so shiplog
 * runs here as `nobody` (setpriv, util-linux): the run ends with EACCES and its reason, and
 * writes nothing but its state.
 */
it('a transcript without read permission: exit 1 with EACCES, nothing written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shiplog-unreadable-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755);
  for (const d of ['repo', 'state']) mkdirSync(join(dir, d), { mode: 0o777 });
  chmodSync(join(dir, 'repo'), 0o777);
  chmodSync(join(dir, 'state'), 0o777);
  const t = join(dir, 't.jsonl');
  copyFileSync(claudeFixture('build'), t);
  chmodSync(t, 0o000);
  const r = await runProcess(
    'setpriv',
    [
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      process.execPath,
      CLI,
      'process',
      t,
      '--repo',
      join(dir, 'repo'),
      '--agent',
      'claude-code',
    ],
    {
      env: { ...process.env, HOME: dir, SHIPLOG_HOME: join(dir, 'state') },
      cwd: dir,
    },
  );
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /cannot open transcript .*: EACCES/);
  assert.match(readFileSync(join(dir, 'state', 'shiplog.log'), 'utf8'), /EACCES/);
  assert.deepEqual(readdirSync(join(dir, 'repo')), []);
});
