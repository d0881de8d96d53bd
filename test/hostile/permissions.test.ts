import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import {
  cleanup,
  gitRepo,
  HOOK,
  hookEnv,
  readOutputs,
  runProcess,
  sessionEndPayload,
  stopPayload,
  tempDir,
  waitForWorkers,
} from '../helpers.js';
import { claudeFixture } from '../claude-fixtures.js';

function walk(dir: string): { path: string; mode: number; dir: boolean }[] {
  const out: { path: string; mode: number; dir: boolean }[] = [
    { path: dir, mode: statSync(dir).mode & 0o777, dir: true },
  ];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push({ path: p, mode: statSync(p).mode & 0o777, dir: false });
  }
  return out;
}

/** Under a umask that would make everything world-readable, the state folder is still 0700 / 0600. */
it('state files are 0600 and state folders 0700, whatever the umask; the actor ../../etc stays inside .changelog', async () => {
  const root = tempDir();
  after(() => cleanup(root));
  const repo = gitRepo(join(root, 'repo'));
  const state = join(root, 'state');
  const t = join(root, 'perm.jsonl');
  copyFileSync(claudeFixture('build'), t);
  const env = hookEnv(state, { SHIPLOG_ACTOR: '../../etc' });
  for (const input of [stopPayload('perm', t, repo), sessionEndPayload('perm', t, repo)]) {
    const r = await runProcess('/bin/sh', ['-c', `umask 000; exec /bin/sh "${HOOK}" "${process.execPath}"`], {
      env,
      input,
    });
    assert.equal(r.code, 0);
    await waitForWorkers(state, 'perm');
  }
  const loose = walk(state).filter((f) => f.mode !== (f.dir ? 0o700 : 0o600));
  assert.deepEqual(loose, [], 'every state file 0600, every folder 0700');
  assert.equal(readOutputs(repo, 'perm').entries.trim().split('\n').length, 1);
  assert.deepEqual(readdirSync(join(repo, '.changelog')).sort(), ['.gitignore', 'etc']);
});
