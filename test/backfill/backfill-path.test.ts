import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI, cleanup, gitRepo, readOutputs, ROOT, runProcess, tempDir } from '../helpers.js';

/**
 * `shiplog backfill --path`: a folder of session files from anywhere (an export, another
 * machine), each read by the reader that makes a session of it; chat logs of other tools, which
 * name no folder of this machine, are written into --repo.
 */
describe('shiplog backfill --path', () => {
  const root = tempDir();
  after(() => cleanup(root));

  it('reads every log under the folder once, skips what is no session with the reason, and a rerun finds all up to date', async () => {
    const logs = join(root, 'logs');
    mkdirSync(join(logs, 'gemini'), { recursive: true });
    const generic = join(ROOT, 'test', 'fixtures', 'generic');
    for (const name of readdirSync(generic)) copyFileSync(join(generic, name), join(logs, name));
    copyFileSync(
      join(ROOT, 'test', 'fixtures', 'gemini', 'build.jsonl'),
      join(logs, 'gemini', 'session-2026-12-07T14-42-f8c48a7e.jsonl'),
    );
    // Finished sessions, quiet for longer than the idle time.
    const past = new Date(Date.now() - 2 * 3_600_000);
    for (const f of [
      ...readdirSync(logs).map((n) => join(logs, n)),
      join(logs, 'gemini', 'session-2026-12-07T14-42-f8c48a7e.jsonl'),
    ])
      utimesSync(f, past, past);
    const repo = gitRepo(join(root, 'repo'));
    const env = { ...process.env, SHIPLOG_HOME: join(root, 'state') };

    const r = await runProcess(process.execPath, [CLI, 'backfill', '--path', logs, '--repo', repo, '--json'], { env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const summary = JSON.parse(r.stdout) as {
      results: { session_id: string; agent: string; status: string; reason?: string }[];
    };
    const byStatus = (status: string) =>
      summary.results
        .filter((s) => s.status === status)
        .map((s) => `${s.agent}:${s.session_id}`)
        .sort();
    assert.deepEqual(byStatus('skipped'), ['generic:notes']);
    assert.equal(
      summary.results.find((s) => s.status === 'skipped')?.reason,
      'not a session transcript shiplog can read',
    );
    const processed = summary.results.filter((s) => s.status !== 'skipped');
    assert.deepEqual(processed.map((s) => s.agent).sort(), [
      'gemini',
      'generic',
      'generic',
      'generic',
      'generic',
      'generic',
      'generic',
    ]);
    for (const s of processed)
      assert.ok(readOutputs(repo, s.session_id).devlog, `${s.session_id} has its devlog in --repo`);

    const again = await runProcess(process.execPath, [CLI, 'backfill', '--path', logs, '--repo', repo, '--json'], {
      env,
    });
    assert.equal(again.code, 0, again.stderr);
    const second = JSON.parse(again.stdout) as { results: { status: string }[] };
    assert.deepEqual([...new Set(second.results.map((s) => s.status))].sort(), ['skipped', 'up-to-date']);
  });

  it('--path to a file that is not there is a usage error', async () => {
    const r = await runProcess(process.execPath, [CLI, 'backfill', '--path', join(root, 'nothing-here')], {
      env: { ...process.env, SHIPLOG_HOME: join(root, 'state-2') },
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--path .*: no such file or folder/);
  });
});
