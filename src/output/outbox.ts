import type { ChangelogEntry, FailureRecord } from '../changelog/schema.js';
import { deliveredTo, recordDelivered, recordUndelivered } from '../state/deliveries.js';
import type { Db } from '../state/db.js';
import { markWindow, type WindowRow } from '../state/sessions.js';
import { entrySinks, failureSinks } from './sinks/registry.js';
import { type EntrySink, type Outgoing, outgoing, type SinkContext, type SinkTarget } from './sinks/sink.js';

/**
 * The outbox: closed windows wait in the state database (`windows`) until every enabled entry
 * sink has them, and the `deliveries` table says which sink has which. A sink that fails (a
 * refused symlink, a lock held too long) fails only its own deliveries: the others go ahead and
 * are not repeated when it is retried, by the next flush of the session.
 */

export interface OutboxContext extends SinkContext {
  db: Db;
}

/** A window whose entry is final (evaluated, or needing no evaluator). */
export interface ReadyWindow {
  row: WindowRow;
  entry: Outgoing<ChangelogEntry>;
}

export interface WindowDelivery {
  ready: ReadyWindow;
  /** Every enabled sink has it now, and one of them got it from this call. */
  written: boolean;
  /** The first sink that failed it: the window stays pending. */
  failure: { sink: string; code: string; error: unknown } | null;
}

/**
 * Hands each window to the enabled entry sinks that lack it, in the order given (the order the
 * windows closed), and marks written the windows every one of them has.
 */
export async function deliverWindows(
  ctx: OutboxContext,
  ready: ReadyWindow[],
  now: () => string,
): Promise<WindowDelivery[]> {
  const sinks = entrySinks(ctx.config);
  const results = ready.map(
    (r): Progress => ({ ready: r, wrote: false, failure: null, has: deliveredTo(ctx.db, r.row.run_id) }),
  );
  // Windows of one session share a repo and actor almost always: one lock and write per file.
  const groups = new Map<string, Progress[]>();
  for (const r of results) {
    const key = JSON.stringify([r.ready.row.repo, r.ready.row.actor]);
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  for (const group of groups.values()) {
    const first = group[0];
    if (!first) continue;
    const to = { repo: first.ready.row.repo, actor: first.ready.row.actor };
    for (const sink of sinks) {
      const todo = group.filter((r) => !r.has.has(sink.name));
      if (todo.length === 0) continue;
      const items = todo.map((r) => r.ready.entry);
      const got = await deliverTo(ctx, sink, to, items, now);
      todo.forEach((r, i) => {
        if ('wrote' in got) r.wrote ||= got.wrote[i] === true;
        else r.failure ??= { sink: sink.name, code: errorCode(got.error), error: got.error };
      });
    }
  }
  ctx.db.transaction(() => {
    for (const r of results)
      if (r.failure === null) markWindow(ctx.db, r.ready.row.run_id, { status: 'written', error: null, now: now() });
  })();
  return results.map((r) => ({ ready: r.ready, written: r.failure === null && r.wrote, failure: r.failure }));
}

interface Progress {
  ready: ReadyWindow;
  wrote: boolean;
  failure: WindowDelivery['failure'];
  /** The sinks that had it before this call. */
  has: Set<string>;
}

/** What the sink wrote (per item), or why it wrote nothing. */
async function deliverTo(
  ctx: OutboxContext,
  sink: EntrySink,
  to: SinkTarget,
  items: Outgoing<ChangelogEntry>[],
  now: () => string,
): Promise<{ wrote: boolean[] } | { error: unknown }> {
  const runIds = items.map((i) => i.runId);
  try {
    const wrote = await sink.deliver(to, items, ctx);
    recordDelivered(ctx.db, runIds, sink.name, now());
    ctx.log.info(
      { sink: sink.name, run_ids: runIds, appended: wrote.filter(Boolean).length },
      'changelog entries written',
    );
    return { wrote };
  } catch (error) {
    recordUndelivered(ctx.db, runIds, sink.name, errorCode(error), now());
    ctx.log.error(
      { err: error, sink: sink.name, run_ids: runIds },
      'changelog entries not written; windows stay pending',
    );
    return { error };
  }
}

/**
 * Hands a window's failure record to the enabled failure sinks that have none for it yet: a
 * window's first failure is recorded, not every retry's. A sink that cannot take it (the failure
 * file is unwritable too) leaves it to the log, and tries again at the window's next failure.
 */
export async function deliverFailure(
  ctx: OutboxContext,
  to: SinkTarget,
  failure: FailureRecord,
  now: () => string,
): Promise<void> {
  const has = deliveredTo(ctx.db, failure.run_id);
  const item = outgoing(failure);
  for (const sink of failureSinks(ctx.config)) {
    if (has.has(sink.name)) continue;
    try {
      await sink.deliver(to, [item], ctx);
      recordDelivered(ctx.db, [failure.run_id], sink.name, now());
    } catch (error) {
      recordUndelivered(ctx.db, [failure.run_id], sink.name, errorCode(error), now());
      ctx.log.error({ sink: sink.name, err: error, failure }, 'failure record not written');
    }
  }
}

/** What failure records and delivery rows name an error by: its errno or OutputError code. */
function errorCode(err: unknown): string {
  const code = err instanceof Error && 'code' in err ? err.code : undefined;
  return typeof code === 'string' ? code : 'EUNKNOWN';
}
