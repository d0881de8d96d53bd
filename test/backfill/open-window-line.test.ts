import assert from 'node:assert/strict';
import { mkdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { cleanup, CLI, gitRepo, runProcess, tempDir } from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

/**
 * A session whose transcript changed within idle_minutes may still be going on: backfill leaves
 * its window open for the hooks, and its line says so and why, instead of a bare "0 entries".
 */
it('a backfill line that leaves a window open says why', async () => {
  const root = tempDir();
  after(() => cleanup(root));
  const repo = gitRepo(join(root, 'repo'));
  const claudeDir = join(root, 'claude');
  mkdirSync(join(claudeDir, 'projects', 'p'), { recursive: true });
  const live = writeClaudeTranscript(join(claudeDir, 'projects', 'p', 'live-1.jsonl'), 'live-1', repo, [simpleTurn(0)]);
  const done = writeClaudeTranscript(join(claudeDir, 'projects', 'p', 'done-1.jsonl'), 'done-1', repo, [simpleTurn(1)]);
  const dayAgo = new Date(Date.now() - 86_400_000);
  utimesSync(done, dayAgo, dayAgo);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: join(root, 'home'),
    SHIPLOG_HOME: join(root, 'state'),
    XDG_CONFIG_HOME: join(root, 'xdg'),
    CLAUDE_CONFIG_DIR: claudeDir,
    CODEX_HOME: join(root, 'codex'),
  };
  delete env.SHIPLOG_INTERNAL;
  void live;

  const r = await runProcess(process.execPath, [CLI, 'backfill', '--evaluator', 'heuristic'], { env, cwd: root });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(
    r.stdout,
    /live-1 claude-code: 0 entries, 0 failed \([^)]*\); window left open: transcript modified within idle_minutes \(30 min\)$/m,
  );
  assert.match(r.stdout, /done-1 claude-code: 1 entry, 0 failed \([^)]*\)$/m, 'a finished session says nothing more');
});
