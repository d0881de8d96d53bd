#!/usr/bin/env node
// shiplog benchmark: its ratios against their targets, in one run, printed side by side.
//
//   npm run bench                      full run (100 MB / 150 MB / 1 GB inputs; ~15–20 min on 2 cores)
//   npm run bench -- --quick           smoke run (20 MB / 20 MB / 200 MB, fewer repetitions)
//   npm run bench -- --only=hook,tail  any of: hook, tail, throughput, codex, whole, redact, memory, backfill, start
//   npm run bench -- --no-build        use dist/ as it is (default: rebuild when src/ is newer)
//
// It reports; it is not a test: exit 0 even when a target is missed, non-zero only on an error.
// Inputs are built at run time from ../shared/corpus into a temp folder that is removed at the
// end; every child process it starts is reaped. Linux: detached workers are found via /proc.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DIST, REPO_ROOT, droppedEnv, fmt, killLeftovers, note, removeTemp } from './bench/common.mjs';

const BENCHES = ['hook', 'tail', 'throughput', 'codex', 'whole', 'redact', 'memory', 'backfill', 'start'];

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`Usage: node scripts/bench.mjs [--quick] [--only=${BENCHES.join(',')}] [--no-build]\n`);
    process.exit(0);
  }
  const only = values.only
    ? values.only
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : BENCHES;
  const unknown = only.filter((b) => !BENCHES.includes(b));
  if (unknown.length) throw new Error(`unknown --only value(s): ${unknown.join(', ')} (use ${BENCHES.join(',')})`);
  return { quick: values.quick, only, build: !values['no-build'] };
}

// ---------------------------------------------------------------------------------------------
// Build: the bench imports and runs dist/, so it must match src/.

function newestMtime(dir, filter = () => true) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !filter(e.name)) continue;
    newest = Math.max(newest, statSync(join(e.parentPath ?? e.path, e.name)).mtimeMs);
  }
  return newest;
}

function oldestMtime(dir, filter) {
  let oldest = Infinity;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && filter(e.name)) oldest = Math.min(oldest, statSync(join(e.parentPath ?? e.path, e.name)).mtimeMs);
  }
  return oldest;
}

function ensureBuilt(allowed) {
  const entry = join(DIST, 'src', 'worker', 'entry.js');
  const stale =
    !existsSync(entry) ||
    newestMtime(join(REPO_ROOT, 'src')) > oldestMtime(join(DIST, 'src'), (n) => n.endsWith('.js')) ||
    statSync(join(REPO_ROOT, 'tsconfig.json')).mtimeMs > statSync(entry).mtimeMs;
  if (!stale) return 'dist/ up to date';
  if (!allowed) {
    if (!existsSync(entry)) throw new Error('dist/ is missing; run `npm run build` (or drop --no-build)');
    return 'dist/ OLDER than src/ (--no-build): results describe the last build';
  }
  note('dist/ is missing or older than src/: running npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status})`);
  return 'rebuilt by the bench';
}

// ---------------------------------------------------------------------------------------------
// Report.

function machineNotes(buildState, quick) {
  const cpu = cpus();
  const git =
    spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout?.trim() || '?';
  const dirty = spawnSync('git', ['--no-optional-locks', 'status', '--porcelain', '--', 'src', 'hooks', 'bin'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  }).stdout?.trim();
  return [
    `node ${process.version} on ${process.platform}/${process.arch}; ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}; ${fmt(totalmem() / 2 ** 30)} GiB RAM; load at start ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
    `commit ${git}${dirty ? ' + uncommitted changes in src/hooks/bin' : ''}; ${buildState}; mode ${quick ? 'quick' : 'full'}`,
    droppedEnv.length
      ? `children run without ${droppedEnv.join(', ')} (set in this environment; it slows every node start)`
      : null,
  ].filter(Boolean);
}

function table(rows) {
  const head = ['check', 'measured', 'target', 'result', 'raw'];
  const cells = rows.map((r) => {
    if (r.error) return [r.name, '—', r.target ?? '', 'ERROR', r.error.split('\n')[0]];
    if (r.skipped) return [r.name, '—', r.target ?? '', 'SKIPPED', r.skipped];
    return [
      r.name,
      r.unit === 'MB' ? `${fmt(r.ratio)} MB` : fmt(r.ratio, 2),
      r.target,
      r.pass ? 'PASS' : 'FAIL',
      r.summary,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) =>
    c
      .map((x, i) => x.padEnd(widths[i]))
      .join(' | ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------

async function load(name) {
  switch (name) {
    case 'hook':
      return (await import('./bench/hook.mjs')).benchHook;
    case 'tail':
      return (await import('./bench/tail.mjs')).benchTail;
    case 'throughput':
      return (await import('./bench/throughput.mjs')).benchThroughput;
    case 'codex':
      return (await import('./bench/throughput.mjs')).benchCodexThroughput;
    case 'whole':
      return (await import('./bench/whole.mjs')).benchWhole;
    case 'redact':
      return (await import('./bench/redact.mjs')).benchRedact;
    case 'memory':
      return (await import('./bench/memory.mjs')).benchMemory;
    case 'backfill':
      return (await import('./bench/backfill.mjs')).benchBackfill;
    case 'start':
      return (await import('./bench/start.mjs')).benchStart;
  }
  throw new Error(name);
}

const NAMES = {
  hook: 'Hook cost',
  tail: 'Cost follows new bytes',
  throughput: 'Throughput',
  codex: 'Throughput (Codex)',
  whole: 'Whole file',
  redact: 'Redaction cost',
  memory: 'Memory',
  backfill: 'Backfill scaling',
  start: 'Cheap start',
};

async function main() {
  const opts = options();
  const buildState = ensureBuilt(opts.build);
  const notes = machineNotes(buildState, opts.quick);
  const rows = [];
  for (const name of opts.only) {
    note(`running ${name}…`);
    const started = Date.now();
    try {
      const result = await (await load(name))(opts);
      rows.push(...(Array.isArray(result) ? result : [result]));
    } catch (err) {
      rows.push({ name: NAMES[name], error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    } finally {
      const killed = killLeftovers();
      if (killed) note(`${name}: stopped ${killed} leftover process(es)`);
    }
    note(`${name} done in ${fmt((Date.now() - started) / 1000)} s`);
  }

  const out = [];
  out.push('shiplog bench');
  for (const n of notes) out.push(`  ${n}`);
  out.push(
    `  load average at the end: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  out.push('', table(rows), '');
  for (const r of rows) {
    out.push(`${r.name}${r.error ? ' — ERROR' : r.skipped ? ' — SKIPPED' : ''}`);
    for (const d of r.error ? r.error.split('\n').slice(0, 8) : r.skipped ? [r.skipped] : r.details) out.push(`  ${d}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return rows.some((r) => r.error) ? 1 : 0;
}

// Ctrl-C / kill: stop our children and remove the temp folder before going.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    killLeftovers();
    removeTemp();
    process.exit(130);
  });
}

main()
  .then((code) => (process.exitCode = code))
  .catch((err) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.stack : err}\n`);
    process.exitCode = 2;
  })
  .finally(() => {
    killLeftovers();
    removeTemp();
  });
