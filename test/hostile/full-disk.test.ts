import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cleanup, CLI, gitRepo, listFiles, readOutputs, runProcess, tempDir } from '../helpers.js';
import { claudeFixture } from '../claude-fixtures.js';

/**
 * The repository's .changelog on a full disk, then on a read-only one (small tmpfs mounts; the
 * test machines run as root, and mount works there). The window fails with the reason in the
 * log, nothing is lost: once there is room again, the next run writes it, once.
 */
describe('a full or read-only .changelog', () => {
  const root = tempDir();
  const mounts: string[] = [];
  after(() => {
    for (const m of mounts) execFileSync('umount', ['-l', m]);
    cleanup(root);
  });

  for (const kind of ['full', 'read-only'] as const) {
    it(`${kind}: the window waits with its reason logged, and is written once there is room`, async () => {
      const repo = gitRepo(join(root, kind, 'repo'));
      const state = join(root, kind, 'state');
      const env = { ...process.env, SHIPLOG_HOME: state, SHIPLOG_ACTOR: 'disk' };
      const target = join(repo, '.changelog');
      mkdirSync(target);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', target]);
      mounts.push(target);
      if (kind === 'full') {
        mkdirSync(join(target, 'disk'));
        // Fill it: the write that fills it fails with ENOSPC, which is the point.
        try {
          writeFileSync(join(target, 'filler'), Buffer.alloc(256 * 1024));
        } catch (err) {
          assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
        }
      } else execFileSync('mount', ['-o', 'remount,ro', target]);
      const t = join(root, kind, 't.jsonl');
      copyFileSync(claudeFixture('build'), t);

      const others = () =>
        listFiles(join(root, kind)).filter(
          (f) => !/^repo\/\.(devlog|changelog|git)\//.test(f) && !f.startsWith('state/'),
        );
      const before = others();
      const r = await runProcess(
        process.execPath,
        [CLI, 'process', t, '--repo', repo, '--session', kind, '--agent', 'claude-code'],
        { env },
      );
      assert.deepEqual(others(), before, 'nothing written outside the outputs and the state folder');
      assert.equal(r.code, 1);
      assert.match(r.stdout, new RegExp(`FAILED\\s+\\S+\\s+append: .*${kind === 'full' ? 'ENOSPC' : 'EROFS'}`));
      assert.match(readFileSync(join(state, 'shiplog.log'), 'utf8'), kind === 'full' ? /ENOSPC/ : /EROFS/);
      assert.ok(readOutputs(repo, kind).devlog, 'the devlog, on another disk, is written');

      execFileSync('umount', [target]);
      mounts.splice(mounts.indexOf(target), 1);
      const flush = await runProcess(process.execPath, [CLI, 'flush'], { env });
      assert.equal(flush.code, 0, flush.stdout + flush.stderr);
      assert.equal(readOutputs(repo, kind).entries.trim().split('\n').length, 1);
      assert.ok(!existsSync(join(target, 'filler')));
    });
  }
});
