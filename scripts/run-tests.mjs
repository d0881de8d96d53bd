#!/usr/bin/env node
// Runs every test/**/*.test.ts with node:test (Node 20's runner does not expand globs itself);
// with --e2e, the end-to-end suite (test/**/*.e2e.ts) against the real clients instead; with
// --corpus, the checks over the public transcript corpus (test/**/*.corpus.ts), which lives outside
// the repository ($SHIPLOG_CORPUS, default ../shared/corpus) and so is never part of `npm test`.
// Children inherit this process's --import tsx, so run it as:
//   node --import tsx scripts/run-tests.mjs [--e2e | --corpus] [path-substring ...]
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
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

// The e2e suite reports how long the hooks the real clients ran took to exit (issue 16: they
// must stay inside the clients' budgets under load); hooks/lib/inbox.sh writes one line each.
const hookTimes = e2e ? join(tmpdir(), `shiplog-e2e-hook-times-${process.pid}`) : null;
if (hookTimes) process.env.SHIPLOG_HOOK_TIMES = hookTimes;
const loads = [];
const sampler = hookTimes ? setInterval(() => loads.push(loadavg()[0]), 5000) : null;

let failed = false;
// End-to-end files each install and drive real clients: one at a time, with room for the first
// install. Other files spend much of their time waiting on the child processes, git and files they
// test, so two per core keep the cores busy; on a machine shared with other work (CI) that is also
// what keeps the suite's share of the CPU from shrinking to one file per core.
const stream = run({
  files,
  concurrency: e2e ? 1 : Math.max(2, availableParallelism() * 2),
  timeout: (e2e ? 40 : 10) * 60_000,
});
stream.on('test:fail', (data) => {
  if (data.details?.type !== 'suite') failed = true;
});
stream.compose(spec).pipe(process.stdout);
stream.on('end', () => {
  process.exitCode = failed ? 1 : 0;
  if (hookTimes) {
    clearInterval(sampler);
    reportHookTimes(hookTimes, loads);
  }
});

function reportHookTimes(file, loads) {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
  rmSync(file, { force: true });
  const ms = lines
    .map((l) => l.split(' '))
    .map(([, a, b]) => (Number(b) - Number(a)) / 1e6)
    .filter(Number.isFinite)
    .sort((x, y) => x - y);
  if (ms.length === 0) {
    console.log('hook exit times: no hook ran');
    return;
  }
  const at = (q) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)];
  const kinds = {};
  for (const l of lines) kinds[l.split(' ')[0]] = (kinds[l.split(' ')[0]] ?? 0) + 1;
  const load =
    loads.length > 0
      ? `load average (1 min) over the run: median ${loads.sort((x, y) => x - y)[Math.floor(loads.length / 2)].toFixed(1)}, max ${Math.max(...loads).toFixed(1)} on ${availableParallelism()} cores`
      : '';
  console.log(
    `hook exit times over the e2e suite (${ms.length} hooks run by the real clients: ${Object.entries(kinds)
      .map(([k, n]) => `${k} ${n}`)
      .join(
        ', ',
      )}): median ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${ms[ms.length - 1].toFixed(1)} ms; budgets: Claude Code SessionEnd 1500 ms, Codex 1000 ms, Gemini CLI 10000 ms (the timeout shiplog install sets). ${load}`,
  );
}
