// 3. Throughput: the pipeline over a whole large file ÷ a bare readline + JSON.parse loop.
import { createReadStream, readSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { bareLoop } from './bare-loop.mjs';
import { DIST, MB, TAG, fmt, fmtMB, makeGitRepo, median, note, spread, tempDir, timeAsync } from './common.mjs';
import { runInProcess } from './pipeline.mjs';
import { buildCodexRollout, buildTranscript, loadTemplates } from './transcripts.mjs';

export const THROUGHPUT_TARGET = 0.6;

/** The same loop with the adapter in place of JSON.parse: what the transcript format itself costs. */
async function adapterLoop(path, adapter) {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let state = adapter.initialState();
  let events = 0;
  for await (const line of rl) {
    if (line === '') continue;
    const r = adapter.parseLine(state, line);
    state = r.state;
    events += r.events.length;
  }
  return events;
}

/** Reads the file once so both sides start from the page cache. */
function warmCache(path) {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(8 * MB);
  try {
    while (readSync(fd, buf, 0, buf.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

export function benchThroughput({ quick }) {
  return measureThroughput({ quick, agent: 'claude-code' });
}

/** The same measure for the Codex adapter, over a rollout built from the Codex corpus and fixtures. */
export async function benchCodexThroughput({ quick }) {
  return measureThroughput({ quick, agent: 'codex', withAdapterAlone: true });
}

async function measureThroughput({ quick, agent, withAdapterAlone = false }) {
  const reps = quick ? 2 : 5;
  const target = quick ? 20 * MB : 150 * MB;
  const dir = tempDir(`throughput-${agent}`);
  const sessionId = `${TAG}-tp-${agent}`;
  const transcript = join(dir, `${sessionId}.jsonl`);
  const built =
    agent === 'codex'
      ? buildCodexRollout(transcript, target)
      : buildTranscript(transcript, loadTemplates(sessionId), target);
  note(`throughput (${agent}): built ${fmtMB(built.bytes)} (${built.lines} lines)`);
  warmCache(transcript);

  const bare = [];
  const pipe = [];
  const alone = [];
  const adapter = withAdapterAlone
    ? (await import(pathToFileURL(join(DIST, 'src', 'agents', 'registry.js')).href)).adapterFor(agent)
    : null;
  let lines = 0;
  let windows = 0;
  for (let i = 0; i < reps; i++) {
    const steps = [
      async () => bare.push((await timeAsync(() => bareLoop(transcript))).ms),
      async () => {
        // A fresh state folder and repository each time: a full first run over the file.
        const run = tempDir(`throughput-run-${i}`);
        const r = await runInProcess({
          home: join(run, 'state'),
          repo: makeGitRepo(join(run, 'repo')),
          transcript,
          sessionId,
          keepOpen: true,
          agent,
        });
        if (r.outcome.bytesRead !== built.bytes)
          throw new Error(`pipeline read ${r.outcome.bytesRead} of ${built.bytes} bytes`);
        lines = r.outcome.lines;
        windows = r.outcome.windows.written.length;
        pipe.push(r.ms);
      },
      ...(adapter ? [async () => alone.push((await timeAsync(() => adapterLoop(transcript, adapter))).ms)] : []),
    ];
    for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]();
    note(`throughput (${agent}): rep ${i + 1}/${reps}: bare ${fmt(bare.at(-1))} ms, pipeline ${fmt(pipe.at(-1))} ms`);
  }

  const mbps = (ms) => built.bytes / MB / (ms / 1000);
  const ratio = mbps(median(pipe)) / mbps(median(bare));
  const adapterRow = adapter && {
    name: `Throughput (${agent} adapter)`,
    ratio: mbps(median(alone)) / mbps(median(bare)),
    target: `≥ ${THROUGHPUT_TARGET}`,
    pass: mbps(median(alone)) / mbps(median(bare)) >= THROUGHPUT_TARGET,
    summary: `adapter ${fmt(mbps(median(alone)))} MB/s / bare ${fmt(mbps(median(bare)))} MB/s`,
    details: [
      `the same file; readline + adapter.parseLine per line (state carried line to line) against readline + JSON.parse per line, same process, ${reps} runs per side, alternating`,
      `adapter: median ${fmt(median(alone) / 1000)} s (${spread(alone.map((x) => x / 1000))} s); bare: median ${fmt(median(bare) / 1000)} s`,
    ],
  };
  const pipelineRow = {
    name: agent === 'codex' ? 'Throughput (codex pipeline)' : 'Throughput',
    ratio,
    target: `≥ ${THROUGHPUT_TARGET}`,
    pass: ratio >= THROUGHPUT_TARGET,
    summary: `pipeline ${fmt(mbps(median(pipe)))} MB/s / bare ${fmt(mbps(median(bare)))} MB/s`,
    details: [
      `${agent === 'codex' ? 'rollout built from the Codex corpus and test/fixtures/codex' : 'transcript built from the Claude Code corpus'}: ${fmtMB(built.bytes)}, ${built.lines} lines (${lines} non-empty processed), page cache warm; ${reps} runs per side, alternating`,
      `pipeline = runSession in-process (dist/), fresh SQLite state + temp git repo per run, window kept open: median ${fmt(median(pipe) / 1000)} s (${spread(pipe.map((x) => x / 1000))} s)`,
      `  each run also appended ${windows} changelog entries (windows closed at the >30 min gaps between repeated corpus sessions) and wrote the devlog`,
      `bare = readline + JSON.parse per line, same process: median ${fmt(median(bare) / 1000)} s (${spread(bare.map((x) => x / 1000))} s)`,
    ],
  };
  return adapterRow ? [adapterRow, pipelineRow] : pipelineRow;
}
