import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { it } from 'node:test';
import { ROOT } from '../helpers.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.(ts|cjs|mjs)$/.test(e.name) && !e.name.endsWith('.d.cts') ? [p] : [];
  });
}

/**
 * Commands that carry transcript text (git with a commit message to look up, the chained notify
 * program) are run with argument arrays: nothing in shiplog's own code starts a shell. Every
 * process-starting call the code makes is listed here, so a new one has to be looked at.
 */
it('shiplog never runs a command through a shell', () => {
  const found: string[] = [];
  for (const file of [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'hooks'))]) {
    const text = readFileSync(file, 'utf8');
    const rel = relative(ROOT, file);
    // `exec(` as a function, not a RegExp method (`re.exec(text)` is everywhere and harmless).
    const shellish = /shell:\s*true|(?<![.\w])execSync\(|(?<![.\w])exec\(|spawnSync\(\s*['"`](?:ba|z)?sh['"`]/.exec(
      text,
    );
    assert.equal(shellish, null, `${rel}: ${shellish?.[0]}`);
    for (const m of text.matchAll(/\b(execFile|execFileSync|spawn|spawnSync)\(/g)) found.push(`${rel}: ${m[1]}`);
  }
  // Every other child (git, the evaluator CLIs, codex --version) goes through bounded-child.ts,
  // which gives it a hard deadline. one-arena.ts starts `shiplog process` itself again (node and
  // bin/shiplog.mjs, the user's own arguments): the foreground command, which has no deadline.
  assert.deepEqual([...new Set(found)].sort(), [
    'hooks/lib/forward.cjs: spawnSync',
    'src/bounded-child.ts: spawn',
    'src/cli/one-arena.ts: spawnSync',
    'src/worker/spawn-worker.ts: spawn',
  ]);
});
