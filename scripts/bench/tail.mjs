// 2. Cost follows new bytes: one appended turn on a big transcript ÷ the same turn on a small one.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { MB, TAG, fmt, fmtMB, makeGitRepo, median, note, spread, tempDir } from './common.mjs';
import { runCli, runInProcess } from './pipeline.mjs';
import { buildTranscript, loadTemplates, pickTurn, turnLines } from './transcripts.mjs';

export const TAIL_TARGET = 1.3;

/**
 * One side of the ratio: its own transcript, state folder and repository. The base file is
 * processed once, untimed, with the window kept open; after that each measurement appends one
 * more real turn and times the run that picks it up.
 */
async function prepareSide(label, targetBytes, templates, sessionId) {
  const dir = tempDir(`tail-${label}`);
  const side = {
    label,
    sessionId,
    home: join(dir, 'state'),
    repo: makeGitRepo(join(dir, 'repo')),
    transcript: join(dir, `${sessionId}.jsonl`),
    cli: [],
    inproc: [],
    bytesRead: [],
    appended: 0,
  };
  const built = buildTranscript(side.transcript, templates, targetBytes);
  side.baseBytes = built.bytes;
  side.clockMs = (Number.isFinite(built.lastMs) ? built.lastMs : Date.parse('2026-01-01T00:00:00Z')) + 5000;
  note(`tail: ${label} base ${fmtMB(built.bytes)} (${built.lines} lines); processing it once, untimed`);
  const base = await runCli({ ...side, keepOpen: true });
  side.baseMs = base.ms;
  side.baseLines = base.outcome.lines;
  return side;
}

/** Appends the `n`-th copy of the turn (fresh ids, timestamps right after the previous activity). */
function appendTurn(side, turn, n) {
  const { text, endMs } = turnLines(turn, n, side.sessionId, side.clockMs);
  appendFileSync(side.transcript, text);
  side.clockMs = endMs + 5000;
  return Buffer.byteLength(text);
}

function checkIncrement(side, outcome, appended, how) {
  side.bytesRead.push(outcome.bytesRead);
  side.entriesWritten = (side.entriesWritten ?? 0) + outcome.windows.written.length;
  // The run must have read exactly the appended bytes: more means the cursor did not hold.
  if (outcome.bytesRead !== appended) {
    throw new Error(
      `${how} on ${side.label} read ${outcome.bytesRead} bytes but ${appended} were appended (cursor not honoured?)`,
    );
  }
}

export async function benchTail({ quick }) {
  const reps = quick ? 3 : 9;
  const sizes = quick ? { small: 1 * MB, big: 20 * MB } : { small: 1 * MB, big: 100 * MB };
  const turn = pickTurn();
  const sides = [];
  for (const [label, bytes] of Object.entries(sizes)) {
    const sessionId = `${TAG}-tail-${label}`;
    sides.push(await prepareSide(label, bytes, loadTemplates(sessionId), sessionId));
  }

  let n = 0;
  for (let i = 0; i < reps; i++) {
    // Alternate which side goes first so drift on the shared box hits both alike.
    const order = i % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      let appended = appendTurn(side, turn, n++);
      const cli = await runCli({ ...side, keepOpen: true });
      checkIncrement(side, cli.outcome, appended, 'shiplog process');
      side.cli.push(cli.ms);

      appended = appendTurn(side, turn, n++);
      const inproc = await runInProcess({ ...side, keepOpen: true });
      checkIncrement(side, inproc.outcome, appended, 'runSession');
      side.inproc.push(inproc.ms);
    }
  }

  const [small, big] = sides;
  const ratio = median(big.cli) / median(small.cli);
  const inprocRatio = median(big.inproc) / median(small.inproc);
  const turnBytes = big.bytesRead[0];
  return {
    name: 'Cost follows new bytes',
    ratio,
    target: `≤ ${TAIL_TARGET}`,
    pass: ratio <= TAIL_TARGET,
    summary: `${fmtMB(big.baseBytes)}: ${fmt(median(big.cli))} ms / ${fmtMB(small.baseBytes)}: ${fmt(median(small.cli))} ms`,
    details: [
      `appended turn: ${turn.records.length} records, ${turnBytes} bytes (from ${turn.file.split('/').slice(-2).join('/')}), fresh ids and timestamps per append`,
      `runs: ${reps} per side per method, sides alternating; every run read exactly the appended bytes; changelog entries written by timed runs: ${big.entriesWritten + small.entriesWritten} (window stays open)`,
      `shiplog process (child, node start included): ${big.label} median ${fmt(median(big.cli))} ms (${spread(big.cli)}) | ${small.label} median ${fmt(median(small.cli))} ms (${spread(small.cli)}) → ratio ${fmt(ratio, 2)}`,
      `runSession in-process:                        ${big.label} median ${fmt(median(big.inproc))} ms (${spread(big.inproc)}) | ${small.label} median ${fmt(median(small.inproc))} ms (${spread(small.inproc)}) → ratio ${fmt(inprocRatio, 2)}`,
      `untimed base runs (shiplog process, full file): ${big.label} ${fmtMB(big.baseBytes)} in ${fmt(big.baseMs / 1000)} s (${big.baseLines} lines), ${small.label} ${fmtMB(small.baseBytes)} in ${fmt(small.baseMs)} ms`,
    ],
    extra: { inprocRatio },
  };
}
