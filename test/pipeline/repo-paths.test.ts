import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, it } from 'node:test';
import { ChangelogEntry } from '../../src/changelog/schema.js';
import { claudeFixture, claudeFixtureWorkspace } from '../claude-fixtures.js';
import { cleanup, gitRepo, readOutputs, runInProcess, tempDir } from '../helpers.js';

const root = tempDir();
after(() => cleanup(root));

/**
 * Issue 15, item 3: a session started in a subfolder of the repository (Claude Code 2.1.330 in
 * `services/api`, writing config.js there and editing the top-level README through ../../) names
 * every path relative to the repository's top level, in the devlog as in the entry.
 */
it('a session in a repository subfolder names files from the repository top, in devlog and entry alike', async () => {
  const recordedCwd = claudeFixtureWorkspace('subfolder');
  const recordedRepo = dirname(dirname(recordedCwd));
  const repo = gitRepo(join(root, 'ws'));
  mkdirSync(join(repo, 'services', 'api'), { recursive: true });
  // The recorded folders, moved here: the transcript names them by absolute path.
  const transcript = join(root, 'session.jsonl');
  writeFileSync(transcript, readFileSync(claudeFixture('subfolder'), 'utf8').replaceAll(recordedRepo, repo));
  await runInProcess(join(root, 'state'), {
    sessionId: 'sub',
    agent: 'claude-code',
    transcriptPath: transcript,
    cwd: join(repo, 'services', 'api'),
    trigger: 'test',
    close: 'session-end',
  });
  const out = readOutputs(repo, 'sub');
  const doc = JSON.parse(out.devlog ?? '{}') as { conversation: { type: string; actions?: string[] }[] };
  const actions = doc.conversation.flatMap((e) => e.actions ?? []);
  assert.deepEqual(actions, [
    'created services/api/config.js',
    'read README.md',
    'edited README.md',
    'ran git status --short',
  ]);
  const entry = ChangelogEntry.parse(JSON.parse(out.entries.trim()));
  assert.deepEqual(entry.touched_files, {
    created: ['services/api/config.js'],
    modified: ['README.md'],
    deleted: [],
    moved: [],
  });
});
