import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { cleanup, ROOT, runProcess, tempDir } from '../helpers.js';

/**
 * ./install.sh runs scripts/build-if-stale.mjs: a tree already built from the same sources by the
 * same node is not rebuilt; any change to a source rebuilds it. Checked in a copy of the
 * project (sharing node_modules), so the checkout's own dist/ is left alone.
 */
it('the build runs when dist is missing or a source changed, and is skipped when up to date', async () => {
  const root = tempDir();
  after(() => cleanup(root));
  for (const name of ['src', 'scripts', 'test', 'tsconfig.json', 'package.json', 'package-lock.json'])
    cpSync(join(ROOT, name), join(root, name), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  const build = () => runProcess(process.execPath, [join(root, 'scripts', 'build-if-stale.mjs')], { cwd: root });

  const first = await build();
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.match(first.stdout, /==> building/);
  const main = join(root, 'dist', 'src', 'cli', 'main.js');
  assert.ok(existsSync(main));
  const built = statSync(main).mtimeMs;

  const second = await build();
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /==> build up to date/);
  assert.equal(statSync(main).mtimeMs, built, 'dist untouched');

  appendFileSync(join(root, 'src', 'cli', 'main.ts'), '\n// a change\n');
  const third = await build();
  assert.equal(third.code, 0, third.stderr);
  assert.match(third.stdout, /==> building/);
});
