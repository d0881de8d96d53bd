import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ChangelogEntry } from '../../src/changelog/schema.js';
import { CLI, cleanup, gitRepo, readOutputs, tempDir } from '../helpers.js';
import { writeClaudeTranscript } from '../synthetic.js';
import { eventually, groupMembers, killRecorded, processesWith, recordedPids, running } from '../process-groups.js';
import { stuckGit } from './stuck-git.js';

/**
 * `shiplog process` with a misbehaving `git` first on PATH. Its `git log` (the lookup of a
 * commit made with `git commit -q`, run while a batch of lines is stored) either ignores SIGTERM
 * and never ends, or leaves a grandchild outside its process group holding its stdout. Either
 * way the run finishes: git has a hard deadline, after which its group is SIGKILLed and its
 * output no longer waited for.
 */
const FAILURE_BOUND_MS = 90_000;
const AT = Date.UTC(2026, 0, 1, 10, 0, 0);

describe('git deadline (real `shiplog process`, fake git on PATH)', () => {
  const root = tempDir('shiplog-gitdeadline-');
  const pidFiles: string[] = [];
  const started: number[] = [];
  after(() => {
    for (const pid of started) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (err) {
        // ESRCH: it finished, as it should have.
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      }
    }
    for (const f of pidFiles) killRecorded(f);
    cleanup(root);
  });
  let n = 0;

  /** A session whose one turn committed quietly, and the commit it made, at the transcript's time. */
  function setup(mode: 'stubborn' | 'holder') {
    const dir = join(root, String(n++));
    const repo = gitRepo(join(dir, 'repo'), true);
    const when = new Date(AT + 2000).toISOString();
    const env = { ...process.env, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when };
    const c = spawnSync('git', ['commit', '-q', '--allow-empty', '-m', 'Add greeting'], {
      cwd: repo,
      env,
      encoding: 'utf8',
    });
    assert.equal(c.status, 0, c.stderr);
    const hash = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).stdout.trim();
    mkdirSync(join(dir, 'projects'));
    const sessionId = `git-${mode}`;
    const transcript = writeClaudeTranscript(join(dir, 'projects', `${sessionId}.jsonl`), sessionId, repo, [
      { prompt: 'Commit the greeting', command: 'git commit -q -m "Add greeting"', output: '', reply: 'Committed.' },
    ]);
    const fake = stuckGit(dir, mode, 'log');
    pidFiles.push(fake.pids);
    const cliEnv: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${fake.bin}:${process.env.PATH ?? ''}`,
      HOME: join(dir, 'home'),
      XDG_CONFIG_HOME: join(dir, 'xdg'),
      SHIPLOG_HOME: join(dir, 'state'),
    };
    delete cliEnv.SHIPLOG_INTERNAL;
    return { repo, hash, sessionId, transcript, pids: fake.pids, marker: fake.marker, env: cliEnv };
  }

  /** Runs the CLI; resolves with its exit, or with `hung` once the failure bound has passed. */
  function processWithBound(
    s: ReturnType<typeof setup>,
  ): Promise<{ code: number | null; stderr: string; hung: boolean }> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [CLI, 'process', s.transcript, '--repo', s.repo, '--session', s.sessionId],
        { env: s.env, cwd: s.repo, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      if (child.pid !== undefined) started.push(child.pid);
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const bound = setTimeout(() => {
        child.kill('SIGKILL');
        resolve({ code: null, stderr, hung: true });
      }, FAILURE_BOUND_MS);
      child.on('error', reject);
      // 'exit', not 'close': a grandchild may hold the stderr pipe; what matters is that shiplog ended.
      child.on('exit', (code) => {
        clearTimeout(bound);
        resolve({ code, stderr, hung: false });
      });
    });
  }

  const entries = (s: ReturnType<typeof setup>) =>
    readOutputs(s.repo, s.sessionId)
      .entries.split('\n')
      .filter(Boolean)
      .map((l) => ChangelogEntry.parse(JSON.parse(l)));

  it("a git that ignores SIGTERM and never ends: the run finishes, the entry is written, git's group is gone", async () => {
    const s = setup('stubborn');
    const r = await processWithBound(s);
    assert.equal(r.hung, false, `shiplog process still running after ${FAILURE_BOUND_MS} ms`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(entries(s).length, 1);
    const [pid] = recordedPids(s.pids);
    assert.ok(pid, 'the stuck git ran');
    assert.ok(
      await eventually(() => !running(pid) && groupMembers(pid).length === 0 && processesWith(s.marker).length === 0),
      `git ${pid} or its group outlived the deadline`,
    );
  });

  it('a git whose grandchild (setsid) holds its stdout: its output is read once it exits, without waiting for the pipe', async () => {
    const s = setup('holder');
    const r = await processWithBound(s);
    assert.equal(r.hung, false, `shiplog process still running after ${FAILURE_BOUND_MS} ms`);
    assert.equal(r.code, 0, r.stderr);
    const [entry] = entries(s);
    assert.deepEqual(
      entry?.commits,
      [{ hash: s.hash, message: 'Add greeting' }],
      "the quiet commit is resolved from git log's output",
    );
    const [holder] = recordedPids(s.pids);
    assert.ok(
      holder !== undefined && running(holder),
      'the grandchild was still holding the output when shiplog finished',
    );
  });
});
