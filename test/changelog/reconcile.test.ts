import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ChangelogEntry } from '../../src/changelog/schema.js';
import { openDb } from '../../src/state/db.js';
import { createLogger } from '../../src/log.js';
import { runSession } from '../../src/worker/pipeline.js';
import { cleanup, defaultConfig, gitRepo, readOutputs, tempDir } from '../helpers.js';
import { type SyntheticTurn, writeClaudeTranscript } from '../synthetic.js';

/**
 * Issue 15, item 2: a window's file claims come from the calls; when it closes they are checked
 * against git (what was tracked when it began, what was committed since) and against the disk right
 * after its last event. Real git, real files, the whole pipeline.
 */

const root = tempDir();
after(() => cleanup(root));

// claudeTurnLines starts turn n at 10:00 + n minutes on this day, one second per record.
const SESSION_START = Date.UTC(2026, 0, 1, 10, 0, 0);

function git(repo: string, ...args: string[]): string {
  const r = spawnSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_DATE: '2025-12-31T09:00:00Z', GIT_COMMITTER_DATE: '2025-12-31T09:00:00Z' },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A repository whose files were committed the day before the session. */
function repoWith(name: string, files: Record<string, string>): string {
  const repo = gitRepo(join(root, name, 'repo'));
  for (const [path, content] of Object.entries(files)) writeFileSync(join(repo, path), content);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'before the session');
  return repo;
}

async function entryOf(name: string, repo: string, turns: SyntheticTurn[], minutesAfterStart: number) {
  const transcript = writeClaudeTranscript(join(root, name, 'session.jsonl'), `${name}-session`, repo, turns);
  const home = join(root, name, 'state');
  mkdirSync(home, { recursive: true });
  const db = openDb(home);
  try {
    const now = () => new Date(SESSION_START + minutesAfterStart * 60_000);
    await runSession(
      { stateDir: home, db, log: createLogger(home, 'test'), config: defaultConfig(), now },
      {
        sessionId: `${name}-session`,
        agent: 'claude-code',
        transcriptPath: transcript,
        repo,
        trigger: 'test',
        close: 'session-end',
      },
    );
  } finally {
    db.close();
  }
  const lines = readOutputs(repo, `${name}-session`).entries.trim().split('\n');
  assert.equal(lines.length, 1);
  return ChangelogEntry.parse(JSON.parse(lines[0] ?? ''));
}

describe('file claims checked against git and the disk when the window closes', () => {
  it('a shell redirect onto a file git tracked before the window modified it', async () => {
    const repo = repoWith('redirect', { VERSION: '1.0.0\n' });
    writeFileSync(join(repo, 'VERSION'), '1.1.0\n');
    const entry = await entryOf(
      'redirect',
      repo,
      [
        {
          prompt: 'Bump the version',
          command: "printf '1.1.0\\n' > VERSION",
          output: '',
          reply: 'VERSION now says 1.1.0.',
        },
      ],
      2,
    );
    assert.deepEqual(entry.touched_files, { created: [], modified: ['VERSION'], deleted: [], moved: [] });
  });

  it('a file written and then removed by a script the transcript cannot see into was not created', async () => {
    const repo = repoWith('script-removed', { 'cleanup.sh': 'rm -f out.log\n' });
    // As on disk after the session: out.log was written, then cleanup.sh removed it.
    const entry = await entryOf(
      'script-removed',
      repo,
      [
        {
          prompt: 'Log the run, then clean up',
          write: { path: join(repo, 'out.log'), content: 'run\n' },
          command: 'sh cleanup.sh',
          output: '',
          reply: 'Logged and cleaned up.',
        },
      ],
      2,
    );
    assert.deepEqual(entry.touched_files, { created: [], modified: [], deleted: [], moved: [] });
  });

  it('a changed file that is gone right after the window was deleted', async () => {
    const repo = repoWith('modified-gone', { 'notes.txt': 'a\n', 'tidy.sh': 'rm -f notes.txt\n' });
    rmSync(join(repo, 'notes.txt'));
    const entry = await entryOf(
      'modified-gone',
      repo,
      [
        { prompt: 'Add a note', command: 'echo b >> notes.txt', output: '', reply: 'Added a note.' },
        { prompt: 'Tidy up', command: 'sh tidy.sh', output: '', reply: 'Tidied.' },
      ],
      3,
    );
    assert.deepEqual(entry.touched_files, { created: [], modified: [], deleted: ['notes.txt'], moved: [] });
  });

  it('a new file the window committed stays created though it is gone from the work tree', async () => {
    const repo = repoWith('committed', { 'README.md': '# r\n' });
    writeFileSync(join(repo, 'gen.txt'), 'x\n');
    spawnSync('git', ['add', 'gen.txt'], { cwd: repo });
    spawnSync('git', ['commit', '-q', '-m', 'add gen'], {
      cwd: repo,
      env: { ...process.env, GIT_AUTHOR_DATE: '2026-01-01T10:00:03Z', GIT_COMMITTER_DATE: '2026-01-01T10:00:03Z' },
    });
    rmSync(join(repo, 'gen.txt'));
    const entry = await entryOf(
      'committed',
      repo,
      [
        {
          prompt: 'Generate gen.txt',
          write: { path: join(repo, 'gen.txt'), content: 'x\n' },
          command: 'git add gen.txt && git commit -q -m "add gen"',
          output: '',
          reply: 'Committed gen.txt.',
        },
      ],
      2,
    );
    assert.deepEqual(entry.touched_files.created, ['gen.txt']);
  });

  it('a disk looked at long after the session (backfill) does not overrule the transcript', async () => {
    const repo = repoWith('late', { 'cleanup.sh': 'rm -f out.log\n' });
    const entry = await entryOf(
      'late',
      repo,
      [{ prompt: 'Log the run', write: { path: join(repo, 'out.log'), content: 'run\n' }, reply: 'Logged.' }],
      24 * 60,
    );
    assert.deepEqual(entry.touched_files.created, ['out.log']);
  });

  it('outside a git repository the disk still settles what a script removed', async () => {
    const dir = join(root, 'plain', 'dir');
    mkdirSync(dir, { recursive: true });
    const entry = await entryOf(
      'plain',
      dir,
      [
        {
          prompt: 'Log the run, then clean up',
          write: { path: join(dir, 'out.log'), content: 'run\n' },
          command: 'sh cleanup.sh',
          output: '',
          reply: 'Logged and cleaned up.',
        },
      ],
      2,
    );
    assert.deepEqual(entry.touched_files.created, []);
  });
});
