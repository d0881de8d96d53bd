import { z } from 'zod';
import { ChangelogEntry, FailureRecord } from '../changelog/schema.js';
import { activeBackoff, type LlmEvaluatorName, setBackoff } from '../evaluator/backoff.js';
import { chooseEvaluator } from '../evaluator/choose.js';
import { pausesEvaluator } from '../evaluator/classify.js';
import type { Digests } from '../evaluator/digest.js';
import { evaluateWindow, evaluatorSettings } from '../evaluator/evaluate.js';
import { type EvalResult, STDERR_TAIL_CHARS } from '../evaluator/result.js';
import { deliverFailure, deliverWindows, type OutboxContext, type ReadyWindow } from '../output/outbox.js';
import { type Outgoing, outgoing } from '../output/sinks/sink.js';
import { statePaths } from '../paths.js';
import { createRedactor, type Redactor, redactDeep } from '../redact/redact.js';
import {
  markWindow,
  notePending,
  saveEvaluatedEntry,
  unwrittenWindowsPage,
  type WindowRow,
} from '../state/sessions.js';
import type { RunContext } from './pipeline.js';

export interface FlushOutcome {
  written: ChangelogEntry[];
  failed: FailureRecord[];
  /** Windows left pending because evaluator calls are paused (auth error, usage limit). */
  deferred?: string[];
}

export interface FlushOptions {
  /** `shiplog retry`: evaluate again the windows whose evaluation failed, pause or not. */
  retry?: boolean;
  env?: NodeJS.ProcessEnv;
}

const DigestsRow = z.object({ full: z.string(), budget: z.string() });

/** One flush's context and what it has done so far. */
interface Flush {
  ctx: RunContext;
  outbox: OutboxContext;
  sessionId: string;
  now: () => string;
  redactor: Redactor;
  opts: FlushOptions;
  out: Required<FlushOutcome>;
}

/**
 * Delivers every closed-but-unwritten window of a session through the outbox to the sinks
 * (`.changelog/<actor>/entries.jsonl` and any other enabled), after an LLM evaluator has written
 * its summary, bullets, tags and notes when one is configured.
 * - A delivery that fails leaves the window `failed` (stage append); every later run tries again
 *   the sinks that do not have it yet.
 * - An evaluation that fails leaves it `failed` (stage evaluate) until `shiplog retry`.
 * - An auth error or usage limit pauses the evaluator for every worker; the window stays pending
 *   and is evaluated by the first run after the pause.
 * Each window's first failure, and only its first, goes to the failure sinks (`failures.jsonl`).
 */
export async function flushWindows(
  ctx: RunContext,
  sessionId: string,
  now: () => string,
  opts: FlushOptions = {},
): Promise<FlushOutcome> {
  const redactor = createRedactor({ allow: ctx.config.redact.allow, extra: ctx.config.redact.extra });
  const outbox = { db: ctx.db, config: ctx.config, log: ctx.log, lockDir: statePaths(ctx.stateDir).appendLocks };
  const f: Flush = { ctx, outbox, sessionId, now, redactor, opts, out: { written: [], failed: [], deferred: [] } };
  for (let after = 0; ; ) {
    const page = unwrittenWindowsPage(ctx.db, sessionId, after, FLUSH_PAGE);
    const ready: ReadyWindow[] = [];
    for (const { rowid, row: w } of page) {
      after = rowid;
      if (w.status === 'failed' && w.stage === 'evaluate' && !opts.retry) continue;
      const entry = w.needs_eval === 1 ? await evaluate(f, w) : stored(w);
      if (entry !== null) ready.push({ row: w, entry });
    }
    await deliver(f, ready);
    if (page.length < FLUSH_PAGE) return f.out;
  }
}

/**
 * Windows read, evaluated and delivered together: one lock and write per file and page, and a
 * bounded number of entries in memory however many a run closed.
 */
const FLUSH_PAGE = 200;

/** The entry the window holds, validated here once on its way out of the state database. */
function stored(w: WindowRow): Outgoing<ChangelogEntry> {
  return outgoing(ChangelogEntry.parse(JSON.parse(w.entry)));
}

/** The window's final entry, or null when it stays pending or failed. */
async function evaluate(f: Flush, w: WindowRow): Promise<Outgoing<ChangelogEntry> | null> {
  const { ctx } = f;
  const env = f.opts.env ?? ctx.env ?? process.env;
  const choice = chooseEvaluator(ctx.config.changelog.evaluator, env);
  // The heuristic entry was written when the window closed: with no LLM to ask, it is final.
  if (choice.name === 'heuristic') return stored(w);
  const paused = activeBackoff(ctx.db, choice.name, new Date(f.now()));
  if (paused) {
    f.out.deferred.push(w.run_id);
    return null;
  }
  const digests = w.digest ? DigestsRow.parse(JSON.parse(w.digest)) : null;
  if (!digests) return stored(w);
  let r = await runEvaluator(f, w, choice, digests);
  if (r.ok) {
    const base = ChangelogEntry.parse(JSON.parse(w.entry));
    // The evaluator saw a redacted digest; what it wrote is redacted again all the same, and
    // the markers may push a field past its limit.
    const fields = { ...base, ...r.fields, tags: [...new Set(r.fields.tags)], evaluator: choice.name };
    const entry = ChangelogEntry.safeParse(redactDeep(fields, f.redactor));
    if (entry.success) {
      const done = outgoing(entry.data);
      saveEvaluatedEntry(ctx.db, w.run_id, done.json, f.now());
      return done;
    }
    const why = z.prettifyError(entry.error).split('\n').slice(0, 4).join('; ');
    r = {
      ok: false,
      kind: 'malformed',
      message: `${choice.name}'s answer is not a valid entry once redacted: ${why}`,
      stderrTail: null,
    };
  }
  await evaluationFailed(f, w, choice.name, r);
  return null;
}

async function runEvaluator(
  f: Flush,
  w: WindowRow,
  choice: { name: LlmEvaluatorName; bin: string },
  digests: Digests,
): Promise<EvalResult> {
  const env = f.opts.env ?? f.ctx.env ?? process.env;
  const started = Date.now();
  try {
    const ev = await evaluateWindow(choice.name, choice.bin, digests, evaluatorSettings(f.ctx.config, env));
    const r = ev.result;
    const ran = {
      run_id: w.run_id,
      evaluator: choice.name,
      ok: r.ok,
      kind: r.ok ? undefined : r.kind,
      calls: ev.calls,
      budget: ev.usedBudget,
    };
    f.ctx.log.info({ ...ran, ms: Date.now() - started }, 'evaluator run');
    return r;
  } catch (err) {
    // Its temporary folder or process could not be made (a full disk, no pids left): this
    // window fails with the reason, the others and the run go on.
    return {
      ok: false,
      kind: 'failed',
      message: `could not run ${choice.name}: ${err instanceof Error ? err.message : String(err)}`,
      stderrTail: null,
    };
  }
}

async function evaluationFailed(
  f: Flush,
  w: WindowRow,
  evaluator: LlmEvaluatorName,
  r: Extract<EvalResult, { ok: false }>,
): Promise<void> {
  const { ctx, now } = f;
  const message = f.redactor.redact(r.message);
  const stderrTail = r.stderrTail === null ? null : f.redactor.redact(r.stderrTail).slice(-STDERR_TAIL_CHARS);
  const failed = {
    runId: w.run_id,
    sessionId: w.session_id,
    stage: 'evaluate',
    code: r.kind,
    message: `${evaluator} evaluator: ${message}`,
    stderrTail,
  } as const;
  if (pausesEvaluator(r.kind)) {
    const until = new Date(Date.parse(now()) + ctx.config.changelog.backoff_minutes * 60_000).toISOString();
    setBackoff(ctx.db, { evaluator, until, reason: r.kind, message, set_at: now() });
    const why = r.kind === 'auth' ? `an authentication error (log in to ${evaluator} again)` : 'a usage or rate limit';
    const retry =
      `${evaluator} stopped with ${why}; evaluator calls pause until ${until}. The window stays pending and is ` +
      `evaluated by the first run after that, or now with: shiplog retry --session ${w.session_id}`;
    const failure = failureRecord(f, { ...failed, retry });
    await deliverFailure(f.outbox, w, failure, now);
    notePending(ctx.db, w.run_id, failure.message, now());
    f.out.deferred.push(w.run_id);
    ctx.log.warn({ run_id: w.run_id, evaluator, kind: r.kind, until }, 'evaluator paused; windows stay pending');
    return;
  }
  const failure = failureRecord(f, {
    ...failed,
    retry: `kept pending; reprocess with: shiplog retry --session ${w.session_id}`,
  });
  await deliverFailure(f.outbox, w, failure, now);
  markWindow(ctx.db, w.run_id, { status: 'failed', error: failure.message, now: now(), stage: 'evaluate' });
  f.out.failed.push(failure);
  ctx.log.error(
    { run_id: w.run_id, evaluator, kind: r.kind, message },
    'evaluation failed; window kept for shiplog retry',
  );
}

async function deliver(f: Flush, ready: ReadyWindow[]): Promise<void> {
  for (const d of await deliverWindows(f.outbox, ready, f.now)) {
    if (d.written) f.out.written.push(d.ready.entry.record);
    if (d.failure === null) continue;
    const w = d.ready.row;
    const { sessionId } = f;
    const { code, error } = d.failure;
    const failure = failureRecord(f, {
      runId: w.run_id,
      sessionId,
      stage: 'append',
      code,
      message: f.redactor.redact(error instanceof Error ? error.message : String(error)),
      stderrTail: null,
      retry: `kept pending; retried on the next run of this session, or now with: shiplog flush --session ${sessionId}`,
    });
    await deliverFailure(f.outbox, w, failure, f.now);
    markWindow(f.ctx.db, w.run_id, { status: 'failed', error: failure.message, now: f.now(), stage: 'append' });
    f.out.failed.push(failure);
  }
}

interface Failed {
  runId: string;
  sessionId: string;
  stage: FailureRecord['stage'];
  code: string;
  message: string;
  stderrTail: string | null;
  retry: string;
}

function failureRecord(f: Flush, x: Failed): FailureRecord {
  return FailureRecord.parse({
    schema_version: 1,
    run_id: x.runId,
    created_at: f.now(),
    session_id: x.sessionId,
    stage: x.stage,
    error_code: x.code,
    message: x.message,
    stderr_tail: x.stderrTail,
    retryable: true,
    retry: x.retry,
  });
}
