import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import Database from 'better-sqlite3';
import { cleanup, CLI, gitRepo, readOutputs, runProcess, tempDir } from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

const root = tempDir();
after(() => cleanup(root));

/** Turns whose command printed 1 MiB each: a transcript past the size `shiplog process` starts itself again for. */
function longTranscript(path: string, cwd: string): string {
  const turns = Array.from({ length: 70 }, (_, n) => ({
    ...simpleTurn(n),
    output: `${'line of output '.repeat(64)}\n`.repeat(1024),
  }));
  return writeClaudeTranscript(path, 'long-session', cwd, turns);
}

/** The pid of the process that ran the session, as the state database recorded it. */
function runPid(home: string): number {
  const db = new Database(join(home, 'state.db'), { readonly: true });
  try {
    const row: unknown = db.prepare('SELECT pid FROM runs ORDER BY id DESC LIMIT 1').get();
    assert.ok(typeof row === 'object' && row !== null && 'pid' in row && typeof row.pid === 'number');
    return row.pid;
  } finally {
    db.close();
  }
}

// A long transcript is read in a process started again with one malloc arena (the workers'
// setting, which lowers the peak memory); what it writes and prints is the same as in one process.
it('shiplog process of a long transcript runs in a second process with one arena, with the same outputs', async () => {
  const transcript = longTranscript(join(root, 'long-session.jsonl'), join(root, 'unused'));
  assert.ok(statSync(transcript).size > 64 * 1024 * 1024);
  const run = async (name: string, arena: string | undefined) => {
    const repo = gitRepo(join(root, name, 'repo'));
    const home = join(root, `home-${name}`);
    const env: NodeJS.ProcessEnv = { ...process.env, SHIPLOG_HOME: home };
    delete env['MALLOC_ARENA_MAX'];
    if (arena !== undefined) env['MALLOC_ARENA_MAX'] = arena;
    const r = await runProcess(process.execPath, [CLI, 'process', transcript, '--repo', repo, '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    const outcome: unknown = JSON.parse(r.stdout);
    return { pid: r.pid, ranIn: runPid(home), outcome, outputs: readOutputs(repo, 'long-session'), repo };
  };
  const again = await run('again', undefined);
  const once = await run('once', '1');
  assert.notEqual(again.ranIn, again.pid, 'without the setting, the session ran in a second process');
  assert.equal(once.ranIn, once.pid, 'with it already set, in the process started');
  const same = (text: string | null, repo: string) => text?.replaceAll(repo, 'REPO');
  assert.equal(same(JSON.stringify(again.outcome), again.repo), same(JSON.stringify(once.outcome), once.repo));
  assert.equal(same(again.outputs.entries, again.repo), same(once.outputs.entries, once.repo));
  assert.equal(same(again.outputs.devlog, again.repo), same(once.outputs.devlog, once.repo));
  assert.ok(again.outputs.entries.length > 0);
});
