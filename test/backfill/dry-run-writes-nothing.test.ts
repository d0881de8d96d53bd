import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { cleanup, CLI, gitRepo, runProcess, tempDir } from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const st = statSync(join(dir, name));
    out[name] = `${st.size}:${st.mtimeMs}`;
  }
  return out;
}

/**
 * `backfill --dry-run` over a state folder that already exists writes nothing at all: not the
 * database, and not the -wal / -shm files SQLite makes when a WAL database is opened, even
 * read-only.
 */
it('backfill --dry-run leaves an existing state folder exactly as it was', async () => {
  const root = tempDir();
  after(() => cleanup(root));
  const repo = gitRepo(join(root, 'repo'));
  const claudeDir = join(root, 'claude');
  const state = join(root, 'state');
  mkdirSync(join(claudeDir, 'projects', 'p'), { recursive: true });
  const t = join(claudeDir, 'projects', 'p', 'dry-1.jsonl');
  writeClaudeTranscript(t, 'dry-1', repo, [simpleTurn(0)]);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: join(root, 'home'),
    SHIPLOG_HOME: state,
    XDG_CONFIG_HOME: join(root, 'xdg'),
    CLAUDE_CONFIG_DIR: claudeDir,
    CODEX_HOME: join(root, 'codex'),
  };
  delete env.SHIPLOG_INTERNAL;

  const real = await runProcess(process.execPath, [CLI, 'backfill', '--evaluator', 'heuristic'], { env, cwd: root });
  assert.equal(real.code, 0, real.stdout + real.stderr);
  writeClaudeTranscript(t, 'dry-1', repo, [simpleTurn(1)], { append: true, firstSeq: 1 });
  const before = snapshot(state);
  assert.deepEqual(
    Object.keys(before).filter((n) => /-(wal|shm)$/.test(n)),
    [],
    'the real run closed its database cleanly',
  );

  const dry = await runProcess(process.execPath, [CLI, 'backfill', '--dry-run'], { env, cwd: root });
  assert.equal(dry.code, 0, dry.stdout + dry.stderr);
  assert.match(dry.stdout, /dry-1 claude-code: would read/);
  assert.deepEqual(snapshot(state), before, 'nothing in the state folder changed or appeared');
});
