import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { writtenSoFar } from '../../src/changelog/written-entries.js';
import { cleanup, tempDir } from '../helpers.js';

const entry = (session: string, runId: string, end: string) =>
  JSON.stringify({
    schema_version: 1,
    run_id: runId,
    created_at: end,
    tool: 'claude',
    actor: 'me',
    project: 'p',
    project_root: '/r',
    label: 'l',
    start: end,
    end,
    continuation_of_run_id: null,
    transcript: { session_id: session, source_jsonl: '/t.jsonl', window_index: 0, close_reason: 'process' },
    summary: 'Did a thing that matters.',
    bullets: ['Did the thing that matters, and checked it.'],
    tags: [],
    touched_files: { created: [], modified: [], deleted: [], moved: [] },
    tests: [],
    commits: [],
    notes: null,
  });

/** What a session already has in the changelog, read from a repository that is not trusted. */
it('finds the latest entry of the session, and reads nothing through a link or from a FIFO', () => {
  const root = tempDir();
  after(() => cleanup(root));
  const dir = join(root, 'repo', '.changelog', 'me');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'entries.jsonl'),
    [
      entry('s-1', 'w-a', '2026-01-01T10:00:00.000Z'),
      entry('s-2', 'w-x', '2026-03-01T10:00:00.000Z'),
      entry('s-1', 'w-b', '2026-01-01T11:00:00.000Z'),
      '{"torn',
      '',
    ].join('\n'),
  );
  assert.deepEqual(writtenSoFar(join(root, 'repo'), 'me', 's-1'), {
    writtenThrough: '2026-01-01T11:00:00.000Z',
    prevRunId: 'w-b',
    index: 2,
  });
  assert.equal(writtenSoFar(join(root, 'repo'), 'me', 's-3'), null, 'a session with no entries');
  assert.equal(writtenSoFar(join(root, 'repo'), 'nobody', 's-1'), null, 'no such actor');

  const linked = join(root, 'linked', '.changelog', 'me');
  mkdirSync(linked, { recursive: true });
  symlinkSync(join(dir, 'entries.jsonl'), join(linked, 'entries.jsonl'));
  assert.equal(writtenSoFar(join(root, 'linked'), 'me', 's-1'), null, 'a symlink is not followed');

  const fifo = join(root, 'fifo', '.changelog', 'me');
  mkdirSync(fifo, { recursive: true });
  execFileSync('mkfifo', [join(fifo, 'entries.jsonl')]);
  assert.equal(writtenSoFar(join(root, 'fifo'), 'me', 's-1'), null, 'a FIFO does not block');
});
