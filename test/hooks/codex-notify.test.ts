import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import {
  cleanup,
  CODEX_FIXTURES,
  gitRepo,
  hookEnv,
  NOTIFY_HOOK,
  readOutputs,
  runProcess,
  tempDir,
  waitForWorkers,
} from '../helpers.js';

const THREAD = '01a2007f-c9c4-7083-b3b6-473cb6f459ec';

/** Codex runs notify as: /bin/sh codex-notify.sh <node> [the user's program…] <json>, with stdio on /dev/null. */
describe('codex notify entry', () => {
  const root = tempDir();
  after(() => cleanup(root));
  let n = 0;

  /** A real program standing in for the user's own notify: it records the arguments it got. */
  function userProgram(): { argv: string[]; marker: string } {
    const marker = join(root, `marker-${++n}.json`);
    return {
      argv: [
        process.execPath,
        '-e',
        `require('fs').writeFileSync(${JSON.stringify(marker)}, JSON.stringify(process.argv.slice(1)))`,
        'extra-arg',
      ],
      marker,
    };
  }
  /** The user program's record once it is whole: the file exists before its JSON is written. */
  async function waitFor(file: string): Promise<string> {
    const bound = Date.now() + 120_000;
    for (;;) {
      const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
      if (isJson(text) || Date.now() > bound) return text;
      await sleep(25);
    }
  }
  function isJson(text: string): boolean {
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false; // not written yet, or half written
    }
  }
  const payload = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      type: 'agent-turn-complete',
      'thread-id': THREAD,
      'turn-id': 't1',
      cwd: '/tmp',
      'input-messages': ['hi'],
      'last-assistant-message': 'Done.',
      ...extra,
    });

  it("runs the user's program with the same JSON, exits 0 silently, and spools the turn by thread id", async () => {
    const home = join(root, 'state-1');
    const user = userProgram();
    const json = payload();
    const r = await runProcess('/bin/sh', [NOTIFY_HOOK, process.execPath, ...user.argv, json], {
      env: hookEnv(home, { SHIPLOG_WORKER_LINGER_SECONDS: '0', CODEX_HOME: join(root, 'no-codex') }),
    });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '');
    assert.deepEqual(JSON.parse(await waitFor(user.marker)), ['extra-arg', json]);
    await waitForWorkers(home, THREAD);
    // No Codex hook has named this thread's rollout yet, so the worker has nothing to read.
    assert.match(readFileSync(join(home, 'shiplog.log'), 'utf8'), /"trigger":"Notify".*no transcript for this session/);
  });

  it("without a user program it only spools; under SHIPLOG_INTERNAL=1 it still runs the user's program but records nothing", async () => {
    const home = join(root, 'state-2');
    const user = userProgram();
    const r = await runProcess('/bin/sh', [NOTIFY_HOOK, process.execPath, ...user.argv, payload()], {
      env: { ...hookEnv(home, { CODEX_HOME: join(root, 'no-codex') }), SHIPLOG_INTERNAL: '1' },
    });
    assert.equal(r.code, 0);
    assert.ok((await waitFor(user.marker)).includes('agent-turn-complete'));
    assert.equal(existsSync(join(home, 'spool')), false);
    assert.equal(existsSync(join(home, 'inbox')), false);
  });

  it("older payloads (no thread-id) with no recent rollout, other types and garbage are logged and left, and the user's program still runs", async () => {
    const home = join(root, 'state-3');
    const codexHome = join(root, 'empty-codex-home');
    for (const json of [
      JSON.stringify({
        type: 'agent-turn-complete',
        'turn-id': '1',
        'input-messages': [],
        'last-assistant-message': 'ok',
      }),
      payload({ type: 'other' }),
      'not json',
      payload({ 'thread-id': '../../etc' }),
    ]) {
      const user = userProgram();
      const r = await runProcess('/bin/sh', [NOTIFY_HOOK, process.execPath, ...user.argv, json], {
        env: hookEnv(home, { CODEX_HOME: codexHome }),
      });
      assert.equal(r.code, 0);
      assert.equal(r.stdout + r.stderr, '');
      assert.ok((await waitFor(user.marker)).length > 0);
    }
    await waitForWorkers(home, 'none');
    assert.equal(existsSync(join(home, 'spool')) ? readdirSync(join(home, 'spool')).length : 0, 0);
    const lines = readFileSync(join(home, 'shiplog.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string });
    assert.deepEqual(
      lines.map((l) => l.msg),
      [
        'notify payload ignored: no thread-id and no rollout written in the last two minutes',
        'notify payload ignored: not agent-turn-complete',
        'notify argument is not JSON; ignored',
        'notify payload ignored: unsafe thread-id',
      ],
    );
  });

  it('a user program that no longer exists is logged; the turn is still spooled', async () => {
    const home = join(root, 'state-4');
    const r = await runProcess(
      '/bin/sh',
      [NOTIFY_HOOK, process.execPath, join(root, 'gone', 'notify-program'), payload()],
      { env: hookEnv(home, { CODEX_HOME: join(root, 'no-codex') }) },
    );
    assert.equal(r.code, 0);
    assert.equal(r.stdout + r.stderr, '');
    await waitForWorkers(home, THREAD);
    const log = readFileSync(join(home, 'shiplog.log'), 'utf8');
    assert.match(log, /could not start the notify program shiplog passes turns on to: not found/);
    assert.match(log, /"trigger":"Notify"/);
  });

  it("an old payload without thread-id or cwd (0.20–0.40) is tied to the rollout written last, in Codex's working folder", async () => {
    const home = join(root, 'state-5');
    const codexHome = join(root, 'codex-home-5');
    const now = new Date();
    const pad = (n: number) => String(n).padStart(2, '0');
    const day = join(codexHome, 'sessions', String(now.getFullYear()), pad(now.getMonth() + 1), pad(now.getDate()));
    mkdirSync(day, { recursive: true });
    const thread = '8d224b73-e1ac-4967-9d68-1e9ee5584d4e';
    copyFileSync(
      join(CODEX_FIXTURES, 'pre-envelope-0.20.jsonl'),
      join(day, `rollout-2026-11-22T03-02-07-${thread}.jsonl`),
    );
    const repo = gitRepo(join(root, 'repo-5'));
    const old = JSON.stringify({
      type: 'agent-turn-complete',
      'turn-id': '1',
      'input-messages': [],
      'last-assistant-message': 'Created hello.txt with the shell tool and notes.txt with apply_patch.',
    });
    const r = await runProcess('/bin/sh', [NOTIFY_HOOK, process.execPath, old], {
      env: hookEnv(home, { CODEX_HOME: codexHome }),
      cwd: repo,
    });
    assert.equal(r.code, 0);
    await waitForWorkers(home, thread);
    assert.ok(readOutputs(repo, thread).devlog?.includes('Create hello.txt and notes.txt.'));
  });
});
