// Redaction cost: the share of a full pipeline run spent redacting, on the throughput transcript.
// Measured side by side in one process: the pipeline run (which redacts every event, and the text
// the adapters cut, before the cut), and the redaction of the same on its own: the adapter's
// calls to redact before a cut are timed one by one while the events are collected, then
// redactEvent over the collected events.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { DIST, MB, TAG, fmt, fmtMB, makeGitRepo, median, note, tempDir, timeAsync } from './common.mjs';
import { runInProcess } from './pipeline.mjs';
import { buildTranscript, loadTemplates } from './transcripts.mjs';

export const REDACT_TARGET = 0.15;

/** The adapter's events, and the time spent in redaction before cuts while parsing (ms). */
async function events(path, adapter, redactor) {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let state = adapter.initialState();
  const out = [];
  let cutMs = 0;
  const redact = (text) => {
    const t0 = performance.now();
    const r = redactor.redact(text);
    cutMs += performance.now() - t0;
    return r;
  };
  for await (const line of rl) {
    if (line === '') continue;
    const r = adapter.parseLine(state, line, redactor ? { redact } : undefined);
    state = r.state;
    for (const e of r.events) if (e.kind !== 'skipped') out.push(e);
  }
  return { events: out, cutMs };
}

export async function benchRedact({ quick }) {
  const reps = quick ? 2 : 5;
  const dir = tempDir('redact');
  const sessionId = `${TAG}-redact`;
  const transcript = join(dir, `${sessionId}.jsonl`);
  const built = buildTranscript(transcript, loadTemplates(sessionId), quick ? 20 * MB : 100 * MB);
  note(`redact: built ${fmtMB(built.bytes)}`);
  const load = (p) => import(pathToFileURL(join(DIST, 'src', p)).href);
  const { adapterFor } = await load('agents/registry.js');
  const { createRedactor } = await load('redact/redact.js');
  const { redactEvent } = await load('redact/event.js');
  const { events: all } = await events(transcript, adapterFor('claude-code'));
  const pipe = [];
  const red = [];
  const cuts = [];
  let counted = 0;
  for (let i = 0; i < reps; i++) {
    const run = tempDir(`redact-run-${i}`);
    pipe.push(
      (await runInProcess({ home: join(run, 'state'), repo: makeGitRepo(join(run, 'repo')), transcript, sessionId }))
        .ms,
    );
    const r = createRedactor();
    const { cutMs } = await events(transcript, adapterFor('claude-code'), r);
    cuts.push(cutMs);
    red.push(
      cutMs +
        (
          await timeAsync(async () => {
            for (const e of all) redactEvent(e, r);
          })
        ).ms,
    );
    counted = Object.values(r.counts).reduce((a, b) => a + b, 0);
  }
  const ratio = median(red) / median(pipe);
  return {
    name: 'Redaction cost',
    ratio,
    target: `< ${REDACT_TARGET}`,
    pass: ratio < REDACT_TARGET,
    summary: `redaction ${fmt(median(red))} ms / pipeline ${fmt(median(pipe))} ms`,
    details: [
      `transcript built from the Claude Code corpus: ${fmtMB(built.bytes)}, ${all.length} events; ${reps} runs each`,
      `pipeline = runSession in-process (it redacts every event itself): median ${fmt(median(pipe))} ms`,
      `redaction alone = redaction before the adapter's cuts (timed per call while parsing) + redactEvent (what the pipeline runs on each event) over the same ${all.length} events, one fresh redactor: median ${fmt(median(red))} ms (${counted} redactions), of which before cuts ${fmt(median(cuts))} ms`,
    ],
  };
}
