import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Config } from '../../src/config/config.js';
import { ChangelogEntry, FailureRecord } from '../../src/changelog/schema.js';
import {
  CLI,
  cleanup,
  gitRepo,
  HOOK,
  hookEnv,
  readOutputs,
  runInProcess,
  runProcess,
  sessionEndPayload,
  tempDir,
  waitForWorkers,
} from '../helpers.js';
import { claudeFixture } from '../claude-fixtures.js';
import { fakeCalls, fakeEnv } from './fake-env.js';

/**
 * LLM evaluators inside the real pipeline (real SQLite, real files), with a fake CLI on PATH:
 * the entry takes the evaluator's fields and keeps the locally computed ones; failures never
 * lose the window; a limit pauses every evaluator call; `shiplog retry` finishes the job.
 */
const TRANSCRIPT = claudeFixture('build');

function config(evaluator: 'claude' | 'codex'): Config {
  return Config.parse({ changelog: { evaluator } });
}

function lines(text: string): unknown[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

function windows(home: string): { run_id: string; status: string; needs_eval: number; stage: string | null }[] {
  const db = new Database(join(home, 'state.db'), { readonly: true });
  try {
    return db.prepare('SELECT run_id, status, needs_eval, stage FROM windows ORDER BY rowid').all() as {
      run_id: string;
      status: string;
      needs_eval: number;
      stage: string | null;
    }[];
  } finally {
    db.close();
  }
}

function shiplog(args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('LLM evaluators in the pipeline', () => {
  const root = tempDir('shiplog-pipe-eval-');
  after(() => cleanup(root));
  let n = 0;
  const box = (mode: string) => {
    const dir = join(root, String(n++));
    mkdirSync(join(dir, 'home'), { recursive: true });
    const env = fakeEnv(dir, mode);
    return { dir, env, repo: gitRepo(join(dir, 'repo')), home: join(dir, 'state'), log: env.FAKE_LOG as string };
  };

  for (const name of ['claude', 'codex'] as const) {
    it(`${name}: the entry takes the evaluator's fields and keeps files, tests and commits from the transcript`, async () => {
      const heur = box('ok');
      await runInProcess(heur.home, {
        sessionId: 's',
        agent: 'claude-code',
        transcriptPath: TRANSCRIPT,
        repo: heur.repo,
        trigger: 'test',
        close: 'test',
      });
      const b = box('ok');
      const out = await runInProcess(
        b.home,
        {
          sessionId: 's',
          agent: 'claude-code',
          transcriptPath: TRANSCRIPT,
          repo: b.repo,
          trigger: 'test',
          close: 'test',
        },
        config(name),
        b.env,
      );
      assert.equal(out.windows.written.length, 1);
      const [entry] = lines(readOutputs(b.repo, 's').entries).map((e) => ChangelogEntry.parse(e));
      const [plain] = lines(readOutputs(heur.repo, 's').entries).map((e) => ChangelogEntry.parse(e));
      assert.ok(entry && plain);
      assert.equal(entry.evaluator, name);
      assert.equal(entry.summary, 'Added retry handling to the uploader.');
      assert.deepEqual(entry.bullets, [
        'Added a retry loop to `upload.ts` with exponential backoff.',
        'Ran `npm test`, which passed.',
      ]);
      assert.equal(plain.evaluator, undefined);
      for (const k of ['run_id', 'label', 'start', 'end', 'touched_files', 'tests', 'commits', 'transcript'] as const) {
        assert.deepEqual(entry[k], plain[k], k);
      }
      const calls = fakeCalls(b.log);
      assert.equal(calls.length, 1);
      assert.match(calls[0]?.stdin ?? '', /\[user\] /);
      assert.match(calls[0]?.stdin ?? '', /Files (created|modified): /);
      assert.deepEqual(
        windows(b.home).map((w) => [w.status, w.needs_eval]),
        [['written', 0]],
      );
    });
  }

  it('malformed output: one failure record naming the evaluator, the window kept; later runs leave it; shiplog retry writes it', async () => {
    const b = box('malformed');
    const out = await runInProcess(
      b.home,
      {
        sessionId: 's',
        agent: 'claude-code',
        transcriptPath: TRANSCRIPT,
        repo: b.repo,
        trigger: 'test',
        close: 'test',
      },
      config('claude'),
      b.env,
    );
    assert.equal(out.windows.written.length, 0);
    assert.equal(out.windows.failed.length, 1);
    const failures = lines(readOutputs(b.repo, 's').failures).map((f) => FailureRecord.parse(f));
    assert.equal(failures.length, 1);
    assert.equal(failures[0]?.stage, 'evaluate');
    assert.equal(failures[0]?.error_code, 'malformed');
    assert.match(failures[0]?.message ?? '', /^claude evaluator: /);
    assert.match(failures[0]?.retry ?? '', /shiplog retry --session s/);
    assert.deepEqual(
      windows(b.home).map((w) => [w.status, w.stage]),
      [['failed', 'evaluate']],
    );
    assert.equal(readOutputs(b.repo, 's').entries, '');

    // A later run of the session does not call the evaluator again for it.
    await runInProcess(
      b.home,
      {
        sessionId: 's',
        agent: 'claude-code',
        transcriptPath: TRANSCRIPT,
        repo: b.repo,
        trigger: 'test',
        close: 'test',
      },
      config('claude'),
      b.env,
    );
    assert.equal(fakeCalls(b.log).length, 1);

    const r = shiplog(['retry', '--session', 's'], {
      ...b.env,
      FAKE_MODE: 'ok',
      SHIPLOG_HOME: b.home,
      CTX_CHANGELOG_EVALUATOR: 'claude',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /entry/);
    assert.equal(lines(readOutputs(b.repo, 's').entries).length, 1);
    assert.equal(lines(readOutputs(b.repo, 's').failures).length, 1, 'the failure is recorded once');
    assert.deepEqual(
      windows(b.home).map((w) => w.status),
      ['written'],
    );
    assert.equal(
      shiplog(['retry'], { ...b.env, SHIPLOG_HOME: b.home }).stdout,
      'Nothing to retry: no failed or waiting windows.\n',
    );
  });

  it('a private key the CLI printed before failing is redacted whole in the failure record, though the record keeps only its end', async () => {
    const b = box('leaky');
    const out = await runInProcess(
      b.home,
      {
        sessionId: 's',
        agent: 'claude-code',
        transcriptPath: TRANSCRIPT,
        repo: b.repo,
        trigger: 'test',
        close: 'test',
      },
      config('claude'),
      b.env,
    );
    assert.equal(out.windows.failed.length, 1);
    const text = readOutputs(b.repo, 's').failures;
    assert.match(text, /fatal: could not start/);
    assert.match(text, /REDACTED:private-key/);
    assert.doesNotMatch(text, /q7Hk3nY5vT8wZxRb2LmN4pQs6UdFgH1jK9oE0aCzXyWvBt/);
  });

  it('an answer that redaction makes too long is a malformed failure of its window, not an error of the run', async () => {
    const b = box('long');
    const out = await runInProcess(
      b.home,
      {
        sessionId: 's',
        agent: 'claude-code',
        transcriptPath: TRANSCRIPT,
        repo: b.repo,
        trigger: 'test',
        close: 'test',
      },
      config('claude'),
      b.env,
    );
    assert.equal(out.windows.failed.length, 1);
    const failures = lines(readOutputs(b.repo, 's').failures).map((f) => FailureRecord.parse(f));
    assert.equal(failures[0]?.error_code, 'malformed');
    assert.doesNotMatch(JSON.stringify(failures), /hunter2/);
    assert.deepEqual(
      windows(b.home).map((w) => [w.status, w.stage]),
      [['failed', 'evaluate']],
    );
  });

  for (const [mode, kind] of [
    ['429', 'rate_limit'],
    ['auth', 'auth'],
  ] as const) {
    it(`${mode}: evaluator calls pause for every session, windows stay pending, one failure record says until when`, async () => {
      const b = box(mode);
      const cfg = config('claude');
      const out = await runInProcess(
        b.home,
        {
          sessionId: 's1',
          agent: 'claude-code',
          transcriptPath: TRANSCRIPT,
          repo: b.repo,
          trigger: 'test',
          close: 'test',
        },
        cfg,
        b.env,
      );
      assert.equal(out.windows.written.length, 0);
      assert.deepEqual(out.windows.deferred?.length, 1);
      const failures = lines(readOutputs(b.repo, 's1').failures).map((f) => FailureRecord.parse(f));
      assert.equal(failures.length, 1);
      assert.equal(failures[0]?.error_code, kind);
      const until = /pause until (\S+)\./.exec(failures[0]?.retry ?? '')?.[1];
      assert.ok(until && Date.parse(until) > Date.now() + 25 * 60_000, failures[0]?.retry);
      assert.deepEqual(
        windows(b.home).map((w) => [w.status, w.needs_eval]),
        [['closing', 1]],
      );

      // Another session during the pause: read and closed, not evaluated, no new failure record.
      await runInProcess(
        b.home,
        {
          sessionId: 's2',
          agent: 'claude-code',
          transcriptPath: TRANSCRIPT,
          repo: b.repo,
          trigger: 'test',
          close: 'test',
        },
        cfg,
        { ...b.env, FAKE_MODE: 'ok' },
      );
      assert.equal(fakeCalls(b.log).length, 1, 'no evaluator call during the pause');
      assert.equal(lines(readOutputs(b.repo, 's1').failures).length, 1);
      assert.deepEqual(
        windows(b.home).map((w) => [w.status, w.needs_eval]),
        [
          ['closing', 1],
          ['closing', 1],
        ],
      );

      // The pause and the waiting windows show in doctor and status.
      const doctor = shiplog(['doctor'], { ...b.env, SHIPLOG_HOME: b.home, CTX_CHANGELOG_EVALUATOR: 'claude' });
      assert.equal(doctor.status, 1);
      assert.match(
        doctor.stdout,
        /evaluator\.paused\.claude/,
        `${doctor.stderr} ${String(doctor.error)} ${doctor.signal}`,
      );
      assert.match(doctor.stdout, /evaluator\.waiting +problem +2 window\(s\)|evaluator\.waiting.*2 window\(s\)/);
      assert.match(
        shiplog(['status'], { ...b.env, SHIPLOG_HOME: b.home }).stdout,
        /evaluator claude paused until \S+ \((authentication error|usage or rate limit)\)/,
      );

      const r = shiplog(['retry'], {
        ...b.env,
        FAKE_MODE: 'ok',
        SHIPLOG_HOME: b.home,
        CTX_CHANGELOG_EVALUATOR: 'claude',
      });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(fakeCalls(b.log).length, 3);
      assert.deepEqual(
        windows(b.home).map((w) => w.status),
        ['written', 'written'],
      );
      assert.equal(lines(readOutputs(b.repo, 's1').entries).length, 2);
    });
  }

  it('a window held by a pause is written by the next worker of any session once the pause is over, without shiplog retry', async () => {
    const b = box('429');
    await runInProcess(
      b.home,
      {
        sessionId: 'ended',
        agent: 'claude-code',
        transcriptPath: TRANSCRIPT,
        repo: b.repo,
        trigger: 'test',
        close: 'session-end',
      },
      config('claude'),
      b.env,
    );
    assert.deepEqual(
      windows(b.home).map((w) => w.status),
      ['closing'],
    );
    const env = hookEnv(b.home, { ...b.env, FAKE_MODE: 'ok', CTX_CHANGELOG_EVALUATOR: 'claude' });

    // Still paused: another session's worker leaves it be.
    const first = await runProcess('/bin/sh', [HOOK, process.execPath], {
      env,
      input: sessionEndPayload('other-1', TRANSCRIPT, b.repo),
    });
    assert.equal(first.code, 0, first.stderr);
    await waitForWorkers(b.home, 'other-1');
    assert.equal(windows(b.home)[0]?.status, 'closing');
    assert.equal(fakeCalls(b.log).length, 1, 'no evaluator call during the pause');

    const db = new Database(join(b.home, 'state.db'));
    db.prepare('UPDATE evaluator_backoff SET until = ?').run(new Date(Date.now() - 1000).toISOString());
    db.close();
    const second = await runProcess('/bin/sh', [HOOK, process.execPath], {
      env,
      input: sessionEndPayload('other-2', TRANSCRIPT, b.repo),
    });
    assert.equal(second.code, 0, second.stderr);
    await waitForWorkers(b.home, 'other-2');
    await waitForWorkers(b.home, 'ended');
    const all = lines(readOutputs(b.repo, 'ended').entries).map((e) => ChangelogEntry.parse(e));
    const held = all.filter((e) => e.transcript.session_id === 'ended');
    assert.equal(held.length, 1);
    assert.equal(held[0]?.evaluator, 'claude');
    assert.deepEqual(
      all.map((e) => e.transcript.session_id).sort(),
      ['ended', 'other-1', 'other-2'],
      'each window once',
    );
    assert.ok(
      windows(b.home).every((w) => w.status === 'written'),
      JSON.stringify(windows(b.home)),
    );
  });

  it('the heuristic keeps no digest (its entry is final at close); an LLM evaluator keeps one per window', async () => {
    const digestsOf = (home: string, session: string) => {
      const db = new Database(join(home, 'state.db'), { readonly: true });
      try {
        const w = db.prepare('SELECT digest FROM windows WHERE session_id = ?').all(session) as {
          digest: string | null;
        }[];
        const open = db
          .prepare("SELECT json_extract(window_state, '$.cur.digest') AS d FROM sessions WHERE session_id = ?")
          .get(session) as { d: string | null };
        return { closed: w.map((x) => x.digest), open: open.d };
      } finally {
        db.close();
      }
    };
    const b = box('ok');
    const req = (sessionId: string, close: 'test' | null) => ({
      sessionId,
      agent: 'claude-code' as const,
      transcriptPath: TRANSCRIPT,
      repo: b.repo,
      trigger: 'test',
      close,
    });
    await runInProcess(b.home, req('h', 'test'), Config.parse({}), b.env);
    await runInProcess(b.home, req('h-open', null), Config.parse({}), b.env);
    assert.deepEqual(digestsOf(b.home, 'h').closed, [null]);
    assert.equal(digestsOf(b.home, 'h-open').open, '[]');
    await runInProcess(b.home, req('c', 'test'), config('claude'), b.env);
    await runInProcess(b.home, req('c-open', null), config('claude'), b.env);
    assert.match(digestsOf(b.home, 'c').closed[0] ?? '', /"full":"[^"]*\[user\]/);
    assert.ok(JSON.parse(digestsOf(b.home, 'c-open').open ?? '[]').length > 0);
  });

  it('an evaluator setting of heuristic later writes a pending window with its heuristic fields', async () => {
    const b = box('429');
    await runInProcess(
      b.home,
      {
        sessionId: 's',
        agent: 'claude-code',
        transcriptPath: TRANSCRIPT,
        repo: b.repo,
        trigger: 'test',
        close: 'test',
      },
      config('claude'),
      b.env,
    );
    const r = shiplog(['retry'], { ...b.env, SHIPLOG_HOME: b.home, CTX_CHANGELOG_EVALUATOR: 'heuristic' });
    assert.equal(r.status, 0, r.stderr);
    const [entry] = lines(readOutputs(b.repo, 's').entries).map((e) => ChangelogEntry.parse(e));
    assert.ok(entry, 'the pending window is written');
    assert.equal(entry.evaluator, undefined);
    assert.equal(fakeCalls(b.log).length, 1, 'no evaluator call once the setting is heuristic');
  });
});
