import { join } from 'node:path';
import { z } from 'zod';
import { ChangelogEntry, FailureRecord } from '../changelog/schema.js';
import { activeBackoff, setBackoff, type LlmEvaluatorName } from '../evaluator/backoff.js';
import { chooseEvaluator } from '../evaluator/choose.js';
import { pausesEvaluator } from '../evaluator/classify.js';
import type { Digests } from '../evaluator/digest.js';
import { evaluateWindow, evaluatorSettings } from '../evaluator/evaluate.js';
import { STDERR_TAIL_CHARS, type EvalResult } from '../evaluator/result.js';
import { appendAllOnce, appendOnce, type AppendOptions } from '../output/append.js';
import { ensureOutputDir } from '../output/folders.js';
import { statePaths } from '../paths.js';
import { createRedactor, redactDeep, type Redactor } from '../redact/redact.js';
import { markWindow, notePending, saveEvaluatedEntry, unwrittenWindowsPage, type WindowRow } from '../state/sessions.js';
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

/**
 * Appends every closed-but-unwritten window of a session to `.changelog/<actor>/entries.jsonl`,
 * after an LLM evaluator has written its summary, bullets, tags and notes when one is configured.
 * - An append that fails leaves the window `failed` (stage append); every later run tries again.
 * - An evaluation that fails leaves it `failed` (stage evaluate) until `shiplog retry`.
 * - An auth error or usage limit pauses the evaluator for every worker; the window stays pending
 *   and is evaluated by the first run after the pause.
 * Each window's first failure, and only its first, is recorded in `failures.jsonl`.
 */
export async function flushWindows(ctx: RunContext, sessionId: string, now: () => string, opts: FlushOptions = {}): Promise<FlushOutcome> {
  const out: FlushOutcome = { written: [], failed: [], deferred: [] };
  const redactor = createRedactor({ allow: ctx.config.redact.allow, extra: ctx.config.redact.extra });
  for (let after = 0; ; ) {
    const page = unwrittenWindowsPage(ctx.db, sessionId, after, FLUSH_PAGE);
    const ready: WindowRow[] = [];
    for (const { rowid, row: w } of page) {
      after = rowid;
      if (w.status === 'failed' && w.stage === 'evaluate' && !opts.retry) continue;
      const entry = w.needs_eval === 1 ? await evaluate(ctx, w, now, redactor, out, opts) : w.entry;
      if (entry !== null) ready.push({ ...w, entry });
    }
    await append(ctx, sessionId, ready, now, redactor, out);
    if (page.length < FLUSH_PAGE) return out;
  }
}

/**
 * Windows read, evaluated and appended together: one lock and fsync per page, and a bounded
 * number of entries in memory however many a run closed.
 */
const FLUSH_PAGE = 200;

/** The window's final entry, or null when it stays pending or failed. */
async function evaluate(ctx: RunContext, w: WindowRow, now: () => string, redactor: Redactor, out: FlushOutcome, opts: FlushOptions): Promise<string | null> {
  const env = opts.env ?? ctx.env ?? process.env;
  const choice = chooseEvaluator(ctx.config.changelog.evaluator, env);
  // The heuristic entry was written when the window closed: with no LLM to ask, it is final.
  if (choice.name === 'heuristic') return w.entry;
  const paused = activeBackoff(ctx.db, choice.name, new Date(now()));
  if (paused) {
    out.deferred?.push(w.run_id);
    return null;
  }
  const digests = w.digest ? DigestsRow.parse(JSON.parse(w.digest)) : null;
  if (!digests) return w.entry;
  const started = Date.now();
  let r: EvalResult;
  try {
    const ev = await evaluateWindow(choice.name, choice.bin, digests satisfies Digests, evaluatorSettings(ctx.config, env));
    r = ev.result;
    ctx.log.info({ run_id: w.run_id, evaluator: choice.name, ok: r.ok, kind: r.ok ? undefined : r.kind, calls: ev.calls, budget: ev.usedBudget, ms: Date.now() - started }, 'evaluator run');
  } catch (err) {
    // Its temporary folder or process could not be made (a full disk, no pids left): this
    // window fails with the reason, the others and the run go on.
    r = { ok: false, kind: 'failed', message: `could not run ${choice.name}: ${err instanceof Error ? err.message : String(err)}`, stderrTail: null };
  }
  if (r.ok) {
    const base = ChangelogEntry.parse(JSON.parse(w.entry));
    // The evaluator saw a redacted digest; what it wrote is redacted again all the same, and
    // the markers may push a field past its limit.
    const entry = ChangelogEntry.safeParse(redactDeep({ ...base, ...r.fields, tags: [...new Set(r.fields.tags)], evaluator: choice.name }, redactor));
    if (entry.success) {
      const text = JSON.stringify(entry.data);
      saveEvaluatedEntry(ctx.db, w.run_id, text, now());
      return text;
    }
    r = { ok: false, kind: 'malformed', message: `${choice.name}'s answer is not a valid entry once redacted: ${z.prettifyError(entry.error).split('\n').slice(0, 4).join('; ')}`, stderrTail: null };
  }
  await evaluationFailed(ctx, w, choice.name, r, now, redactor, out);
  return null;
}

async function evaluationFailed(ctx: RunContext, w: WindowRow, evaluator: LlmEvaluatorName, r: Extract<EvalResult, { ok: false }>, now: () => string, redactor: Redactor, out: FlushOutcome): Promise<void> {
  const message = redactor.redact(r.message);
  const stderrTail = r.stderrTail === null ? null : redactor.redact(r.stderrTail).slice(-STDERR_TAIL_CHARS);
  if (pausesEvaluator(r.kind)) {
    const until = new Date(Date.parse(now()) + ctx.config.changelog.backoff_minutes * 60_000).toISOString();
    setBackoff(ctx.db, { evaluator, until, reason: r.kind, message, set_at: now() });
    const why = r.kind === 'auth' ? `an authentication error (log in to ${evaluator} again)` : 'a usage or rate limit';
    const failure = failureRecord(w.run_id, w.session_id, 'evaluate', r.kind, `${evaluator} evaluator: ${message}`, stderrTail, now(), `${evaluator} stopped with ${why}; evaluator calls pause until ${until}. The window stays pending and is evaluated by the first run after that, or now with: shiplog retry --session ${w.session_id}`);
    const recorded = w.failure_recorded === 1 || (await recordFailure(ctx, w.repo, w.actor, failure));
    notePending(ctx.db, w.run_id, failure.message, recorded, now());
    out.deferred?.push(w.run_id);
    ctx.log.warn({ run_id: w.run_id, evaluator, kind: r.kind, until }, 'evaluator paused; windows stay pending');
    return;
  }
  const failure = failureRecord(w.run_id, w.session_id, 'evaluate', r.kind, `${evaluator} evaluator: ${message}`, stderrTail, now(), `kept pending; reprocess with: shiplog retry --session ${w.session_id}`);
  const recorded = w.failure_recorded === 1 || (await recordFailure(ctx, w.repo, w.actor, failure));
  markWindow(ctx.db, w.run_id, 'failed', failure.message, recorded, now(), 'evaluate');
  out.failed.push(failure);
  ctx.log.error({ run_id: w.run_id, evaluator, kind: r.kind, message }, 'evaluation failed; window kept for shiplog retry');
}

async function append(ctx: RunContext, sessionId: string, ready: WindowRow[], now: () => string, redactor: Redactor, out: FlushOutcome): Promise<void> {
  // Windows of one session share a repo and actor almost always: one lock and fsync per file.
  const groups = new Map<string, WindowRow[]>();
  for (const w of ready) {
    const key = JSON.stringify([w.repo, w.actor]);
    const group = groups.get(key);
    if (group) group.push(w);
    else groups.set(key, [w]);
  }
  for (const windows of groups.values()) {
    const first = windows[0];
    if (!first) continue;
    const entries = windows.map((w) => ChangelogEntry.parse(JSON.parse(w.entry)));
    try {
      const dir = ensureOutputDir(first.repo, '.changelog', [first.actor], ctx.config.changelog.commit);
      const file = join(dir, 'entries.jsonl');
      const results = await appendAllOnce(
        file,
        entries.map((entry) => ({ runId: entry.run_id, record: entry })),
        appendOptions(ctx, file),
      );
      ctx.db.transaction(() => {
        for (const w of windows) markWindow(ctx.db, w.run_id, 'written', null, false, now());
      })();
      entries.forEach((entry, i) => {
        if (results[i]?.written) out.written.push(entry);
      });
      ctx.log.info({ session: sessionId, run_ids: windows.map((w) => w.run_id), appended: results.filter((r) => r.written).length }, 'changelog entries written');
    } catch (err) {
      for (const w of windows) {
        const code = err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' ? String((err as NodeJS.ErrnoException).code) : 'EUNKNOWN';
        const failure = failureRecord(w.run_id, sessionId, 'append', code, redactor.redact(err instanceof Error ? err.message : String(err)), null, now(), `kept pending; retried on the next run of this session, or now with: shiplog flush --session ${sessionId}`);
        const recorded = w.failure_recorded === 1 || (await recordFailure(ctx, w.repo, w.actor, failure));
        markWindow(ctx.db, w.run_id, 'failed', failure.message, recorded, now(), 'append');
        out.failed.push(failure);
      }
      ctx.log.error({ err, session: sessionId, run_ids: windows.map((w) => w.run_id) }, 'changelog entries not written; windows stay pending');
    }
  }
}

function appendOptions(ctx: RunContext, file: string): AppendOptions {
  return { lockDir: statePaths(ctx.stateDir).appendLocks, onWait: () => ctx.log.info({ file }, 'waiting for another writer to finish appending') };
}

function failureRecord(runId: string, sessionId: string, stage: FailureRecord['stage'], code: string, message: string, stderrTail: string | null, at: string, retry: string): FailureRecord {
  return FailureRecord.parse({
    schema_version: 1,
    run_id: runId,
    created_at: at,
    session_id: sessionId,
    stage,
    error_code: code,
    message,
    stderr_tail: stderrTail,
    retryable: true,
    retry,
  });
}

async function recordFailure(ctx: RunContext, repo: string, actor: string, failure: FailureRecord): Promise<boolean> {
  try {
    const dir = ensureOutputDir(repo, '.changelog', [actor], ctx.config.changelog.commit);
    const file = join(dir, 'failures.jsonl');
    await appendOnce(file, failure.run_id, failure, appendOptions(ctx, file));
    return true;
  } catch (err) {
    // The failure file is unwritable too (read-only repo, full disk): the log keeps the record
    // and the next run tries both files again.
    ctx.log.error({ err, failure }, 'failure record not written');
    return false;
  }
}
