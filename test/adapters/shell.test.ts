import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chainFileChanges, summarizeCommand } from '../../src/adapters/common/shell.js';

const base = { cwd: '/repo', root: '/repo' };
const changes = (command: string) =>
  chainFileChanges(command, base).map((f) =>
    f.from !== undefined ? `${f.op}:${f.from}->${f.path}` : `${f.op}:${f.path}`,
  );

describe('shell chains', () => {
  it('reads each part of a chain split on &&, ; and newlines', () => {
    assert.deepEqual(changes('mkdir -p docs && mv NOTES.md docs/NOTES.md'), ['moved:NOTES.md->docs/NOTES.md']);
    assert.deepEqual(changes('rm scratch/plan.txt && rmdir scratch'), ['deleted:scratch/plan.txt']);
    assert.deepEqual(changes('cp a.txt b.txt; touch c.txt'), ['created:b.txt', 'created:c.txt']);
    assert.deepEqual(changes('git rm -q old.ts\ngit mv a.ts lib/a.ts'), ['deleted:old.ts', 'moved:a.ts->lib/a.ts']);
  });

  it('reads > and >> redirects as writes, and never /dev/null or a quoted arrow', () => {
    assert.deepEqual(changes('echo hi > hello.txt'), ['created:hello.txt']);
    assert.deepEqual(changes("printf 'x\\n' >> log.txt"), ['modified:log.txt']);
    assert.deepEqual(changes('npm test > /dev/null'), []);
    assert.deepEqual(changes('echo "a > b"'), []);
    assert.deepEqual(changes('make 2> err.txt'), []);
  });

  it('follows a plain cd, and stops at one it cannot follow or at ||', () => {
    assert.deepEqual(changes('cd docs && rm old.md'), ['deleted:docs/old.md']);
    assert.deepEqual(changes('cd $DIR && rm old.md'), []);
    assert.deepEqual(changes('rm a.txt || rm b.txt'), ['deleted:a.txt']);
  });

  it('parts with globs, variables, pipes or substitutions change nothing known; the rest still counts', () => {
    assert.deepEqual(changes('rm *.log && touch ok.txt'), ['created:ok.txt']);
    assert.deepEqual(changes('rm $(cat list) ; mv a b'), ['moved:a->b']);
    assert.deepEqual(changes('ls | wc -l'), []);
    assert.deepEqual(changes('echo "unbalanced && rm x'), []);
  });

  it('a single plain command keeps its own action; a chain is `ran …` with the files it changes', () => {
    assert.deepEqual(summarizeCommand('rm old.txt', base), {
      action: 'deleted old.txt',
      files: [{ path: 'old.txt', op: 'deleted' }],
      command: 'rm old.txt',
    });
    const chain = summarizeCommand('mkdir -p docs && mv NOTES.md docs/NOTES.md', base);
    assert.equal(chain.action, 'ran mkdir -p docs && mv NOTES.md docs/NOTES.md');
    assert.deepEqual(chain.files, [{ path: 'docs/NOTES.md', op: 'moved', from: 'NOTES.md' }]);
  });

  it('stays cheap on a hostile command', () => {
    assert.deepEqual(changes(`${'a && '.repeat(100_000)}rm x`), []);
    assert.deepEqual(changes(`rm ${'x'.repeat(1_000_000)}`), []);
  });
});
