import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { cleanup, CLI, gitRepo, runProcess, tempDir } from '../helpers.js';

/**
 * `shiplog config show` says which config files exist and shows every setting, including the
 * ones left unset (the model) and the actor in effect with where it comes from.
 */
it('config show names the files that exist and the actor in effect', async () => {
  const root = tempDir();
  after(() => cleanup(root));
  const repo = gitRepo(join(root, 'repo'));
  const xdg = join(root, 'xdg');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: root,
    XDG_CONFIG_HOME: xdg,
    SHIPLOG_HOME: join(root, 'state'),
  };
  for (const k of ['SHIPLOG_ACTOR', 'CTX_ACTOR', 'CHANGELOG_ACTOR', 'SHIPLOG_MODEL', 'CTX_CHANGELOG_MODEL'])
    delete env[k];
  const show = (...args: string[]) =>
    runProcess(process.execPath, [CLI, 'config', 'show', '--repo', repo, ...args], { env, cwd: repo });

  const none = await show();
  assert.equal(none.code, 0, none.stderr);
  assert.ok(none.stdout.includes(`user file:  ${join(xdg, 'shiplog', 'config.toml')} (not found)`), none.stdout);
  assert.ok(none.stdout.includes(`repo file:  ${join(repo, '.shiplog.toml')} (not found)`), none.stdout);
  assert.match(none.stdout, /^changelog\.actor = "tester@example\.com" +# in effect: git user\.email$/m);
  assert.match(none.stdout, /^changelog\.model = \(unset\) +# default/m);

  mkdirSync(join(xdg, 'shiplog'), { recursive: true });
  writeFileSync(join(xdg, 'shiplog', 'config.toml'), '[changelog]\nactor = "me"\n');
  writeFileSync(join(repo, '.shiplog.toml'), '[changelog]\ngranularity = "turn"\n');
  const both = await show();
  assert.ok(both.stdout.includes(`user file:  ${join(xdg, 'shiplog', 'config.toml')} (found)`), both.stdout);
  assert.ok(
    both.stdout.includes(`repo file:  ${join(repo, '.shiplog.toml')} (found, not trusted: output-shaping keys only)`),
    both.stdout,
  );
  assert.match(both.stdout, /^changelog\.actor = "me" +# .*config\.toml$/m);

  const json = JSON.parse((await show('--json')).stdout) as {
    files: { path: string; exists: boolean }[];
    actor: { value: string; from: string };
  };
  assert.deepEqual(
    json.files.map((f) => f.exists),
    [true, true],
  );
  assert.deepEqual(json.actor, { value: 'me', from: 'config' });
});
