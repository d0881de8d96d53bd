// 4. Memory: peak RSS of the hook-started worker and of `shiplog process` over a 1 GB transcript
// holding one 64 MB line.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { existsSync, mkdirSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DIST,
  MB,
  NODE,
  TAG,
  benchTemp,
  childEnv,
  expectOk,
  fmt,
  fmtMB,
  makeGitRepo,
  note,
  run,
  tempDir,
} from './common.mjs';
import { runCli } from './pipeline.mjs';
import { buildTranscript, loadTemplates, writeHugeLine } from './transcripts.mjs';

/** Issue 18: at most 100 MiB on a 1 GB transcript with a 64 MiB line (figures here are MiB: KiB / 1024). */
export const MEMORY_TARGET_MB = 100;
const GNU_TIME = '/usr/bin/time';
const REPORT_RSS = new URL('./report-rss.mjs', import.meta.url).href;

/**
 * How a child's peak RSS is read: GNU time's %M (max RSS in KiB, from wait4) when installed,
 * else a preloaded module that writes process.resourceUsage().maxRSS at exit.
 */
function rssProbe(outFile) {
  if (existsSync(GNU_TIME)) {
    return {
      how: `${GNU_TIME} -f %M`,
      wrap: (cmd, args) => [GNU_TIME, ['-f', '%M', '-o', outFile, cmd, ...args]],
      env: {},
    };
  }
  return {
    how: 'process.resourceUsage().maxRSS at exit (--import wrapper)',
    wrap: (cmd, args) => [cmd, ['--import', REPORT_RSS, ...args]],
    env: { SHIPLOG_BENCH_RSS_OUT: outFile },
  };
}

const readKiB = (file) => Number(readFileSync(file, 'utf8').trim().split('\n').at(-1));

function freeBytes(dir) {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

export async function benchMemory({ quick }) {
  const fileBytes = quick ? 200 * MB : 1024 * MB;
  const lineBytes = 64 * MB;
  const free = freeBytes(tmpdir());
  const need = quick ? 1024 * MB : 3 * 1024 * MB;
  if (free < need) {
    return {
      name: 'Memory',
      skipped: `only ${fmtMB(free)} free under ${tmpdir()}; needs ${fmtMB(need)} (file + state + devlog)`,
    };
  }

  const dir = tempDir('memory');
  const sessionId = `${TAG}-mem`;
  const transcript = join(dir, `${sessionId}.jsonl`);
  const built = buildTranscript(transcript, loadTemplates(sessionId), fileBytes, {
    hugeLine: (w) => writeHugeLine(w, lineBytes, sessionId),
  });
  note(`memory: built ${fmtMB(built.bytes)} (${built.lines} lines, one of ${fmtMB(lineBytes)}); processing it`);

  const rssFile = join(benchTemp(), 'rss.txt');
  const probe = rssProbe(rssFile);

  // Reference: an empty node.
  const [bcmd, bargs] = probe.wrap(NODE, ['-e', '0']);
  expectOk(await run(bcmd, bargs, { env: childEnv(probe.env) }), 'node -e 0');
  const bareKiB = readKiB(rssFile);

  const repo = makeGitRepo(join(dir, 'repo'));

  // The product's path: a job spooled as the hook spools it, and the worker started with exactly
  // the command line and environment the hook uses (src/worker/spawn-worker.ts workerCommand, as the router starts it).
  const workerHome = join(dir, 'worker-state');
  const worker = await runWorker({ home: workerHome, transcript, repo, sessionId, probe });
  const peakKiB = readKiB(rssFile);
  const peakMB = peakKiB / 1024;
  if (worker.offset !== built.bytes) throw new Error(`worker stopped at byte ${worker.offset} of ${built.bytes}`);

  // The foreground command on the same file: it cannot set the allocator's environment for
  // itself (MALLOC_ARENA_MAX), and is held to the same target all the same.
  const home = join(dir, 'state');
  const r = await runCli({ home, transcript, repo, sessionId, keepOpen: true, wrap: probe.wrap, extraEnv: probe.env });
  const cliKiB = readKiB(rssFile);
  if (r.outcome.bytesRead !== built.bytes)
    throw new Error(`pipeline read ${r.outcome.bytesRead} of ${built.bytes} bytes`);

  const row = (name, mb, details) => ({
    name,
    ratio: mb,
    unit: 'MB',
    target: `≤ ${MEMORY_TARGET_MB} MB`,
    pass: mb <= MEMORY_TARGET_MB,
    summary: `peak RSS ${fmt(mb)} MB (node -e 0: ${fmt(bareKiB / 1024)} MB)`,
    details,
  });
  return [
    row('Memory', peakMB, [
      `file: ${fmtMB(built.bytes)}, ${built.lines} lines, one line of ${fmtMB(lineBytes)} (a tool_result string) in the middle`,
      `worker as the router starts it (${worker.argv}): ${fmt(worker.ms / 1000)} s (${fmt(built.bytes / MB / (worker.ms / 1000))} MB/s), read to byte ${worker.offset}`,
      `peak RSS via ${probe.how}: worker ${fmt(peakMB)} MB, node -e 0 ${fmt(bareKiB / 1024)} MB`,
    ]),
    row('Memory (shiplog process)', cliKiB / 1024, [
      `\`shiplog process\` on the same file, as a user runs it (no MALLOC_ARENA_MAX): ${fmt(r.ms / 1000)} s, ${r.outcome.lines} lines, ${r.outcome.oversized} over the line cap`,
    ]),
  ];
}

/** Spools one Stop job for the session and runs the worker on it under the RSS probe. */
async function runWorker({ home, transcript, repo, sessionId, probe }) {
  const require = createRequire(import.meta.url);
  const { workerCommand } = await import(pathToFileURL(join(DIST, 'src', 'worker', 'spawn-worker.js')).href);
  const spool = join(home, 'spool', sessionId);
  mkdirSync(spool, { recursive: true });
  const payload = { session_id: sessionId, transcript_path: transcript, cwd: repo, hook_event_name: 'Stop' };
  writeFileSync(
    join(spool, '000000000000001-bench.json'),
    JSON.stringify({ v: 1, agent: 'claude-code', received_at: new Date().toISOString(), payload }),
  );
  // No lingering after the job: the measured process is the run itself.
  const env = childEnv({
    ...probe.env,
    SHIPLOG_HOME: home,
    SHIPLOG_STOP_WAIT_MS: '0',
    SHIPLOG_WORKER_LINGER_SECONDS: '0',
  });
  const cmd = workerCommand([sessionId], env);
  const [wcmd, wargs] = probe.wrap(cmd.command, cmd.args);
  const started = performance.now();
  expectOk(await run(wcmd, wargs, { env: cmd.env }), 'worker');
  const ms = performance.now() - started;
  const Database = require('better-sqlite3');
  const db = new Database(join(home, 'state.db'), { readonly: true });
  const row = db.prepare('SELECT offset FROM sessions WHERE session_id = ?').get(sessionId);
  db.close();
  return {
    ms,
    offset: row?.offset ?? 0,
    argv: `node ${cmd.args.filter((a) => a.startsWith('--')).join(' ')}, MALLOC_ARENA_MAX=${cmd.env.MALLOC_ARENA_MAX}`,
  };
}
