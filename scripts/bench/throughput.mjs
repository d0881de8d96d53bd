// 3. Throughput: the pipeline over a whole large file ÷ a bare readline + JSON.parse loop.
import { createReadStream, readSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { MB, TAG, fmt, fmtMB, makeGitRepo, median, note, spread, tempDir, timeAsync } from './common.mjs';
import { runInProcess } from './pipeline.mjs';
import { buildTranscript, loadTemplates } from './transcripts.mjs';

export const THROUGHPUT_TARGET = 0.6;

/** The baseline: what any tool must at least do to read the file — split lines, parse JSON. */
async function bareLoop(path) {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let records = 0;
  for await (const line of rl) {
    if (line === '') continue;
    JSON.parse(line);
    records++;
  }
  return records;
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

export async function benchThroughput({ quick }) {
  const reps = quick ? 2 : 5;
  const target = quick ? 20 * MB : 150 * MB;
  const dir = tempDir('throughput');
  const sessionId = `${TAG}-tp`;
  const transcript = join(dir, `${sessionId}.jsonl`);
  const built = buildTranscript(transcript, loadTemplates(sessionId), target);
  note(`throughput: built ${fmtMB(built.bytes)} (${built.lines} lines)`);
  warmCache(transcript);

  const bare = [];
  const pipe = [];
  let lines = 0;
  let windows = 0;
  for (let i = 0; i < reps; i++) {
    const steps = [
      async () => bare.push((await timeAsync(() => bareLoop(transcript))).ms),
      async () => {
        // A fresh state folder and repository each time: a full first run over the file.
        const run = tempDir(`throughput-run-${i}`);
        const r = await runInProcess({ home: join(run, 'state'), repo: makeGitRepo(join(run, 'repo')), transcript, sessionId, keepOpen: true });
        if (r.outcome.bytesRead !== built.bytes) throw new Error(`pipeline read ${r.outcome.bytesRead} of ${built.bytes} bytes`);
        lines = r.outcome.lines;
        windows = r.outcome.windows.written.length;
        pipe.push(r.ms);
      },
    ];
    for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]();
    note(`throughput: rep ${i + 1}/${reps}: bare ${fmt(bare.at(-1))} ms, pipeline ${fmt(pipe.at(-1))} ms`);
  }

  const mbps = (ms) => built.bytes / MB / (ms / 1000);
  const ratio = mbps(median(pipe)) / mbps(median(bare));
  return {
    name: 'Throughput',
    ratio,
    target: `≥ ${THROUGHPUT_TARGET}`,
    pass: ratio >= THROUGHPUT_TARGET,
    summary: `pipeline ${fmt(mbps(median(pipe)))} MB/s / bare ${fmt(mbps(median(bare)))} MB/s`,
    details: [
      `file: ${fmtMB(built.bytes)}, ${built.lines} lines (${lines} non-empty processed), page cache warm; ${reps} runs per side, alternating`,
      `pipeline = runSession in-process (dist/), fresh SQLite state + temp git repo per run, window kept open: median ${fmt(median(pipe) / 1000)} s (${spread(pipe.map((x) => x / 1000))} s)`,
      `  each run also appended ${windows} changelog entries (windows closed at the >30 min gaps between repeated corpus sessions) and wrote the devlog`,
      `bare = readline + JSON.parse per line, same process: median ${fmt(median(bare) / 1000)} s (${spread(bare.map((x) => x / 1000))} s)`,
    ],
  };
}
