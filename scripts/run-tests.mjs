#!/usr/bin/env node
// Runs every test/**/*.test.ts with node:test (Node 20's runner does not expand globs itself);
// with --e2e, the end-to-end suite (test/**/*.e2e.ts) against the real clients instead.
// Children inherit this process's --import tsx, so run it as:
//   node --import tsx scripts/run-tests.mjs [--e2e] [path-substring ...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const e2e = process.argv.includes('--e2e');
const filters = process.argv.slice(2).filter((a) => a !== '--e2e');
const suffix = e2e ? '.e2e.ts' : '.test.ts';

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
// End-to-end files each install and drive real clients: one at a time, with room for the first install.
const stream = run({ files, concurrency: e2e ? 1 : 2, timeout: (e2e ? 40 : 10) * 60_000 });
stream.on('test:fail', (data) => {
  if (data.details?.type !== 'suite') failed = true;
});
stream.compose(spec).pipe(process.stdout);
stream.on('end', () => {
  process.exitCode = failed ? 1 : 0;
});
