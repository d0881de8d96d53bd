import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI, cleanup, gitRepo, HOOK, hookEnv, runProcess, stopPayload, tempDir, waitForWorkers } from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

/**
 * The configuration the worker uses for a session is the one `shiplog config show --repo <the
 * session's repository>` prints. The agent here starts at the top of a repository, then works in
 * a subfolder that is a repository of its own (a vendored checkout, a submodule) whose
 * .shiplog.toml names another actor: the session's entries still go to its repository, so that
 * repository's settings shape them, not the subfolder's.
 */
describe('the config a session uses', () => {
  const root = tempDir();
  after(() => cleanup(root));

  it('is the one config show prints for its repository when the agent works in a subfolder', async () => {
    const repo = gitRepo(join(root, 'repo'), true);
    const sub = gitRepo(join(repo, 'vendor', 'lib'), true);
    writeFileSync(join(sub, '.shiplog.toml'), '[changelog]\nactor = "vendor"\n');
    mkdirSync(join(root, 'xdg'));
    const state = join(root, 'state');
    // One entry per turn, so each Stop shows which settings its run used.
    const env = hookEnv(state, { XDG_CONFIG_HOME: join(root, 'xdg'), SHIPLOG_GRANULARITY: 'turn' });
    for (const k of ['SHIPLOG_ACTOR', 'CTX_ACTOR', 'CHANGELOG_ACTOR', 'SHIPLOG_EVALUATOR', 'CTX_CHANGELOG_EVALUATOR'])
      delete env[k];

    const show = await runProcess(process.execPath, [CLI, 'config', 'show', '--repo', repo, '--json'], {
      env,
      cwd: root,
    });
    assert.equal(show.code, 0, show.stderr);
    const actor = (JSON.parse(show.stdout) as { actor: { value: string } }).actor.value;

    const id = 'subfolder-1';
    const transcript = join(root, `${id}.jsonl`);
    const stop = async (cwd: string, n: number) => {
      writeClaudeTranscript(transcript, id, cwd, [simpleTurn(n)], { append: n > 1, firstSeq: n - 1 });
      const hook = await runProcess('/bin/sh', [HOOK, process.execPath], {
        env,
        input: stopPayload(id, transcript, cwd, { last_assistant_message: simpleTurn(n).reply }),
      });
      assert.equal(hook.code, 0, hook.stderr);
      await waitForWorkers(state, id);
    };
    await stop(repo, 1);
    await stop(sub, 2);

    const changelog = join(repo, '.changelog');
    assert.deepEqual(
      readdirSync(changelog).filter((d) => d !== '.gitignore'),
      [actor],
      `entries under other actors than config show's ${JSON.stringify(actor)}: the worker read another .shiplog.toml`,
    );
    assert.equal(existsSync(join(sub, '.changelog')), false, 'the session writes into its own repository');
  });
});
