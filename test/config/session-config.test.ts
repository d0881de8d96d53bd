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
 * repository's settings shape them, not the subfolder's, whichever run writes them.
 */
describe('the config a session uses', () => {
  const root = tempDir();
  after(() => cleanup(root));

  const world = async (name: string, extra: NodeJS.ProcessEnv) => {
    const dir = join(root, name);
    const repo = gitRepo(join(dir, 'repo'), true);
    const sub = gitRepo(join(repo, 'vendor', 'lib'), true);
    writeFileSync(join(sub, '.shiplog.toml'), '[changelog]\nactor = "vendor"\n');
    mkdirSync(join(dir, 'xdg'));
    const state = join(dir, 'state');
    const env = hookEnv(state, { XDG_CONFIG_HOME: join(dir, 'xdg'), ...extra });
    const unset = ['SHIPLOG_ACTOR', 'CTX_ACTOR', 'CHANGELOG_ACTOR', 'SHIPLOG_EVALUATOR', 'CTX_CHANGELOG_EVALUATOR'];
    for (const k of unset) delete env[k];
    for (const k of ['SHIPLOG_GRANULARITY', 'SHIPLOG_IDLE_MINUTES']) if (!(k in extra)) delete env[k];

    const show = await runProcess(process.execPath, [CLI, 'config', 'show', '--repo', repo, '--json'], {
      env,
      cwd: dir,
    });
    assert.equal(show.code, 0, show.stderr);
    const actor = (JSON.parse(show.stdout) as { actor: { value: string } }).actor.value;

    const id = `${name}-1`;
    const transcript = join(dir, `${id}.jsonl`);
    const stop = async (cwd: string, n: number) => {
      writeClaudeTranscript(transcript, id, cwd, [simpleTurn(n)], { append: n > 1, firstSeq: n - 1 });
      const input = stopPayload(id, transcript, cwd, { last_assistant_message: simpleTurn(n).reply });
      const hook = await runProcess('/bin/sh', [HOOK, process.execPath], { env, input });
      assert.equal(hook.code, 0, hook.stderr);
      await waitForWorkers(state, id);
    };
    const actors = () => readdirSync(join(repo, '.changelog')).filter((d) => d !== '.gitignore');
    return { repo, sub, env, actor, stop, actors };
  };

  it('is the one config show prints for its repository when the agent works in a subfolder', async () => {
    // One entry per turn, so each Stop shows which settings its run used.
    const w = await world('turns', { SHIPLOG_GRANULARITY: 'turn' });
    await w.stop(w.repo, 1);
    await w.stop(w.sub, 2);
    assert.deepEqual(
      w.actors(),
      [w.actor],
      `entries under other actors than config show's: another .shiplog.toml was read`,
    );
    assert.equal(existsSync(join(w.sub, '.changelog')), false, 'the session writes into its own repository');
  });

  it('is the same for the idle close of a session last seen in that subfolder', async () => {
    // One window for the whole session, closed once it is idle: by a worker on its way out, or
    // by the sweep, both of which know the session only from the state database.
    const w = await world('idle', { SHIPLOG_IDLE_MINUTES: '0.001' });
    await w.stop(w.repo, 1);
    await w.stop(w.sub, 2);
    const sweep = await runProcess(process.execPath, [CLI, 'sweep'], { env: w.env });
    assert.equal(sweep.code, 0, sweep.stdout + sweep.stderr);
    assert.deepEqual(
      w.actors(),
      [w.actor],
      `entries under other actors than config show's: another .shiplog.toml was read`,
    );
  });
});
