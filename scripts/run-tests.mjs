#!/usr/bin/env node
// Runs every test/**/*.test.ts with node:test (Node 20's runner does not expand globs itself);
// with --e2e, the end-to-end suite (test/**/*.e2e.ts) against the real clients instead; with
// --corpus, the checks over the public transcript corpus (test/**/*.corpus.ts), which lives outside
// the repository ($SHIPLOG_CORPUS, default ../shared/corpus) and so is never part of `npm test`.
// Children inherit this process's --import tsx, so run it as:
//   node --import tsx scripts/run-tests.mjs [--e2e | --corpus] [path-substring ...]
import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const e2e = process.argv.includes('--e2e');
const corpus = process.argv.includes('--corpus');
const filters = process.argv.slice(2).filter((a) => a !== '--e2e' && a !== '--corpus');
const suffix = e2e ? '.e2e.ts' : corpus ? '.corpus.ts' : '.test.ts';

if (corpus) {
  const dir = resolve(process.env.SHIPLOG_CORPUS || join(root, '..', 'shared', 'corpus'));
  if (!existsSync(dir)) {
    // Not a failure: the corpus is an extra check beside the repository, and `npm test` covers the
    // same ground with fixtures recorded from the real clients. Said plainly so nobody takes it for a pass.
    console.log(`test:corpus: no corpus at ${dir}, so no corpus test ran (set SHIPLOG_CORPUS=<dir> to point at one).`);
    process.exit(0);
  }
  process.env.SHIPLOG_CORPUS = dir;
}

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return find(p);
    return name.endsWith(suffix) ? [p] : [];
  });
}

const files = find(join(root, 'test'))
  .filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}

let failed = false;
// End-to-end files each install and drive real clients: one at a time, with room for the first
// install. Other files spend much of their time waiting on the child processes, git and files they
// test, so two per core keep the cores busy; on a machine shared with other work (CI) that is also
// what keeps the suite's share of the CPU from shrinking to one file per core.
const stream = run({ files, concurrency: e2e ? 1 : Math.max(2, availableParallelism() * 2), timeout: (e2e ? 40 : 10) * 60_000 });
stream.on('test:fail', (data) => {
  if (data.details?.type !== 'suite') failed = true;
});
stream.compose(spec).pipe(process.stdout);
stream.on('end', () => {
  process.exitCode = failed ? 1 : 0;
});
