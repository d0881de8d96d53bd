import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { openDb } from '../../src/state/db.js';
import {
  CLI,
  cleanup,
  gitRepo,
  HOOK,
  hookEnv,
  readOutputs,
  runProcess,
  sessionEndPayload,
  tempDir,
  waitForWorkers,
} from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

interface Check {
  key: string;
  status: string;
  message: string;
  fix?: string;
}

/**
 * Issue 13, finding 7: a state.db that is garbage, or that cannot be written. A damaged one is
 * moved aside and rebuilt by the next worker (doctor says so instead of blaming permissions); a
 * read-only one is reported by doctor with the chmod that fixes it, and the worker leaves its
 * job spooled rather than crashing with it.
 */
describe('a damaged or read-only state database', () => {
  const root = tempDir();
  after(() => cleanup(root));
  const entriesOf = (repo: string, session: string) =>
    readOutputs(repo, session)
      .entries.split('\n')
      .filter((l) => l.includes(`"session_id":"${session}"`));
  const doctor = async (env: NodeJS.ProcessEnv, cwd: string, asNobody = false): Promise<Check | undefined> => {
    const cmd = asNobody
      ? ([
          'setpriv',
          ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, 'doctor', '--json'],
        ] as const)
      : ([process.execPath, [CLI, 'doctor', '--json']] as const);
    const r = await runProcess(cmd[0], [...cmd[1]], { env, cwd });
    assert.ok(r.stdout.startsWith('['), `doctor printed no checks: ${r.stderr}`);
    return (JSON.parse(r.stdout) as Check[]).find((c) => c.key === 'state.db');
  };

  it('garbage bytes: doctor says it is damaged and how it is rebuilt; the next worker moves it aside and rebuilds it', async () => {
    const repo = gitRepo(join(root, 'repo'), true);
    const home = join(root, 'home-corrupt');
    mkdirSync(home, { recursive: true });
    const garbage = Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 131 + 7) % 256));
    writeFileSync(join(home, 'state.db'), garbage);
    const env = hookEnv(home);

    const check = await doctor(env, repo);
    assert.equal(check?.status, 'problem');
    assert.match(check?.message ?? '', /damaged/);
    assert.match(check?.fix ?? '', /moves it aside/);
    assert.doesNotMatch(check?.fix ?? '', /writable/);
    assert.deepEqual(readFileSync(join(home, 'state.db')), garbage, 'doctor changed nothing');

    const transcript = writeClaudeTranscript(join(root, 'rebuilt.jsonl'), 'rebuilt', repo, [simpleTurn(1)]);
    const r = await runProcess('/bin/sh', [HOOK, process.execPath], {
      env,
      input: sessionEndPayload('rebuilt', transcript, repo),
    });
    assert.equal(r.code, 0, r.stderr);
    await waitForWorkers(home, 'rebuilt');
    const aside = readdirSync(home).filter(
      (n) => n.startsWith('state.db.corrupt-') && !n.endsWith('-wal') && !n.endsWith('-shm'),
    );
    assert.equal(aside.length, 1, readdirSync(home).join(', '));
    assert.deepEqual(readFileSync(join(home, aside[0] ?? '')), garbage, 'the damaged file is kept as it was');
    assert.match(
      readFileSync(join(home, 'shiplog.log'), 'utf8'),
      /state database was corrupt; moved aside and rebuilt/,
    );
    assert.equal(entriesOf(repo, 'rebuilt').length, 1);
    openDb(home).close();
    assert.equal((await doctor(env, repo))?.status, 'ok');
  });

  it('read-only: doctor names the file and the chmod; the worker leaves the job spooled; flush takes it once writable', async () => {
    // Root writes through any permission: the user here is nobody.
    chmodSync(root, 0o755);
    const base = join(root, 'ro');
    mkdirSync(base, { mode: 0o777 });
    chmodSync(base, 0o777);
    const repo = gitRepo(join(base, 'repo'), true);
    chmodSync(repo, 0o777);
    for (const d of readdirSync(join(repo, '.git'), { recursive: true, withFileTypes: true }))
      chmodSync(join(d.parentPath, d.name), 0o777);
    chmodSync(join(repo, '.git'), 0o777);
    const home = join(base, 'home');
    mkdirSync(home, { mode: 0o777 });
    chmodSync(home, 0o777);
    openDb(home).close();
    chmodSync(join(home, 'state.db'), 0o444);
    const transcript = writeClaudeTranscript(join(base, 'ro.jsonl'), 'ro', repo, [simpleTurn(3)]);
    chmodSync(transcript, 0o644);
    const user = join(base, 'user');
    mkdirSync(user, { mode: 0o777 });
    chmodSync(user, 0o777);
    const env = {
      ...hookEnv(home),
      HOME: user,
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'safe.directory',
      GIT_CONFIG_VALUE_0: '*',
    };

    const check = await doctor(env, repo, true);
    assert.equal(check?.status, 'problem', JSON.stringify(check));
    assert.match(check?.message ?? '', /read-only/);
    assert.match(
      check?.fix ?? '',
      new RegExp(`chmod u\\+w ${join(home, 'state.db').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );

    const r = await runProcess(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', '/bin/sh', HOOK, process.execPath],
      { env, input: sessionEndPayload('ro', transcript, repo) },
    );
    assert.equal(r.code, 0, r.stderr);
    const alive = join(home, 'spool', 'ro', 'worker.alive');
    for (
      let i = 0;
      i < 1200 &&
      !/jobs left in the spool/.test(
        existsSync(join(home, 'shiplog.log')) ? readFileSync(join(home, 'shiplog.log'), 'utf8') : '',
      );
      i++
    )
      await sleep(50);
    for (let i = 0; i < 1200 && existsSync(alive); i++) await sleep(50);
    assert.match(readFileSync(join(home, 'shiplog.log'), 'utf8'), /state database unavailable; jobs left in the spool/);
    assert.equal(
      readdirSync(join(home, 'spool', 'ro')).filter((n) => n.endsWith('.json')).length,
      1,
      'the job is kept',
    );

    // What doctor's fix says (the WAL files SQLite made beside it copy its read-only mode).
    for (const f of ['state.db', 'state.db-wal', 'state.db-shm'])
      if (existsSync(join(home, f))) chmodSync(join(home, f), 0o666);
    const flush = await runProcess(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, 'flush'],
      { env, cwd: repo },
    );
    assert.equal(flush.code, 0, flush.stderr + flush.stdout);
    await waitForWorkers(home, 'ro');
    assert.equal(entriesOf(repo, 'ro').length, 1);
  });
});
