import { mkdirSync, utimesSync } from 'node:fs';
import { basename, join } from 'node:path';
import { openDb } from '../../src/state/db.js';
import { setMeta } from '../../src/state/meta.js';
import { claudeFixture, claudeFixtureDisk } from '../claude-fixtures.js';
import { applyEnd, copyRelocated, rebuildStart } from '../pipeline/fixture-world.js';
import { hookEnv } from '../helpers.js';

/** A transcript written long ago and since left alone (quiet, idle), in a state installed before it. */
export function writtenAfterInstall(transcript: string, home: string): void {
  const written = new Date(Date.now() - 3 * 3_600_000);
  utimesSync(transcript, written, written);
  const db = openDb(home);
  try {
    setMeta(db, 'installed_at', new Date(Date.now() - 4 * 3_600_000).toISOString());
  } finally {
    db.close();
  }
}

/**
 * The recorded Claude Code `long` session as a client killed without hooks leaves it, under
 * `base`: its repository rebuilt at the session's end, its transcript in the client's folder, no
 * hook ever having named it, written after `shiplog install` recorded itself. What the crash
 * tests sweep.
 */
export function unreportedSession(base: string) {
  const world = claudeFixtureDisk('long');
  const file = claudeFixture('long');
  const repo = join(base, 'repo');
  rebuildStart(repo, world);
  applyEnd(repo, world);
  const claudeDir = join(base, 'claude');
  const project = join(claudeDir, 'projects', '-repo');
  mkdirSync(project, { recursive: true });
  const transcript = join(project, basename(file));
  copyRelocated(file, transcript, world.root, repo);
  const home = join(base, 'state');
  writtenAfterInstall(transcript, home);
  const env = hookEnv(home, { CLAUDE_CONFIG_DIR: claudeDir, CODEX_HOME: join(base, 'no-codex'), HOME: base });
  return { session: basename(file, '.jsonl'), repo, home, env };
}
