import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ALIVE_FILE, AliveFile } from '../../src/worker/alive-file.js';
import { cleanup, tempDir } from '../helpers.js';

describe('worker.alive claims', () => {
  const root = tempDir();
  after(() => cleanup(root));

  it('claims a session spool once, and again after release', () => {
    const spool = join(root, 'a');
    mkdirSync(spool);
    const alive = new AliveFile(spool);
    assert.equal(alive.claim(), true);
    assert.equal(JSON.parse(readFileSync(join(spool, ALIVE_FILE), 'utf8')).pid, process.pid);
    alive.release();
    assert.equal(alive.claim(), true);
    alive.release();
  });

  // Seen under load: a leaving worker lists a stranded session's spool, the session's own worker
  // finishes and removes the emptied folder, and the claim found no folder to write into.
  it('a spool folder removed since it was listed is nothing to claim, not a crash', () => {
    const spool = join(root, 'gone');
    mkdirSync(spool);
    rmSync(spool, { recursive: true });
    assert.equal(new AliveFile(spool).claim(), false);
  });
});
