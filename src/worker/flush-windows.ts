import { join } from 'node:path';
import { ChangelogEntry, FailureRecord } from '../changelog/schema.js';
import { appendAllOnce, appendOnce } from '../output/append.js';
import { ensureOutputDir } from '../output/folders.js';
import { markWindow, unwrittenWindows, type WindowRow } from '../state/sessions.js';
import type { RunContext } from './pipeline.js';

export interface FlushOutcome {
  written: ChangelogEntry[];
  failed: FailureRecord[];
}

/**
 * Appends every closed-but-unwritten window of a session to `.changelog/<actor>/entries.jsonl`.
 * A window that cannot be written stays in the state database as `failed` and is tried again by
 * every later run; its first failure, and only its first, is recorded in `failures.jsonl`.
 */
export async function flushWindows(ctx: RunContext, sessionId: string, now: () => string): Promise<FlushOutcome> {
  const out: FlushOutcome = { written: [], failed: [] };
  // Windows of one session share a repo and actor almost always: one lock and fsync per file.
  const groups = new Map<string, WindowRow[]>();
  for (const w of unwrittenWindows(ctx.db, sessionId)) {
    const key = JSON.stringify([w.repo, w.actor]);
    groups.set(key, [...(groups.get(key) ?? []), w]);
  }
  for (const windows of groups.values()) {
    const first = windows[0];
    if (!first) continue;
    const entries = windows.map((w) => ChangelogEntry.parse(JSON.parse(w.entry)));
    try {
      const dir = ensureOutputDir(first.repo, '.changelog', [first.actor], ctx.config.changelog.commit);
      const results = await appendAllOnce(
        join(dir, 'entries.jsonl'),
        entries.map((entry) => ({ runId: entry.run_id, record: entry })),
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
        const failure = failureRecord(w.run_id, sessionId, err, now());
        let recorded = w.failure_recorded === 1;
        if (!recorded) recorded = await recordFailure(ctx, w.repo, w.actor, failure);
        markWindow(ctx.db, w.run_id, 'failed', failure.message, recorded, now());
        out.failed.push(failure);
      }
      ctx.log.error({ err, session: sessionId, run_ids: windows.map((w) => w.run_id) }, 'changelog entries not written; windows stay pending');
    }
  }
  return out;
}

function failureRecord(runId: string, sessionId: string, err: unknown, at: string): FailureRecord {
  const code = err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' ? String((err as NodeJS.ErrnoException).code) : 'EUNKNOWN';
  return FailureRecord.parse({
    schema_version: 1,
    run_id: runId,
    created_at: at,
    session_id: sessionId,
    stage: 'append',
    error_code: code,
    message: err instanceof Error ? err.message : String(err),
    stderr_tail: null,
    retryable: true,
    retry: `kept pending; retried on the next run of this session, or now with: shiplog flush --session ${sessionId}`,
  });
}

async function recordFailure(ctx: RunContext, repo: string, actor: string, failure: FailureRecord): Promise<boolean> {
  try {
    const dir = ensureOutputDir(repo, '.changelog', [actor], ctx.config.changelog.commit);
    await appendOnce(join(dir, 'failures.jsonl'), failure.run_id, failure);
    return true;
  } catch (err) {
    // The failure file is unwritable too (read-only repo, full disk): the log keeps the record
    // and the next run tries both files again.
    ctx.log.error({ err, failure }, 'failure record not written');
    return false;
  }
}
