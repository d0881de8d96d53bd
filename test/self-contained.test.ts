import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { it } from 'node:test';
import { ROOT } from './helpers.js';

/**
 * `npm test` runs on a clone with nothing beside it: no test file, and nothing a test file
 * imports, may read the public corpus in ../shared (only `*.corpus.ts`, run by `npm run
 * test:corpus`, may). A stray path here would pass on a developer's machine and fail in CI.
 */
it('no test outside test/corpus reads anything beside the repository', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|mjs|cjs)$/.test(e.name) ? [join(dir, e.name)] : [],
    );
  const offenders: string[] = [];
  for (const file of files(join(ROOT, 'test'))) {
    const rel = relative(ROOT, file);
    if (rel.startsWith('test/corpus/') || rel === 'test/self-contained.test.ts') continue;
    const text = readFileSync(file, 'utf8');
    if (
      /\b(CLAUDE_|CODEX_)?CORPUS\b|\.\.\/shared\b|['"]shared['"]\s*,\s*['"]corpus['"]|SHIPLOG_CORPUS|corpus\/paths/.test(
        text,
      )
    )
      offenders.push(rel);
  }
  assert.deepEqual(offenders, []);
});
