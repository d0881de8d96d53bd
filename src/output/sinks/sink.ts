import type { ChangelogEntry, FailureRecord } from '../../changelog/schema.js';
import type { Config } from '../../config/config.js';
import type { Logger } from '../../log.js';
import type { AppendOptions } from '../append.js';

/**
 * Where closed windows go. The outbox (../outbox.ts) hands each sink the records it has not had
 * yet and remembers, per window and sink, what was delivered (the `deliveries` table), so a sink
 * gets exactly-once from the outbox instead of inventing its own bookkeeping. Adding a sink is
 * its own file and one line in registry.ts.
 */

/** One record on its way out: validated once when it left the outbox, serialised once for every sink. */
export interface Outgoing<R> {
  runId: string;
  record: R;
  /** `JSON.stringify(record)`. */
  json: string;
}

/** Whose changelog the records belong to: `<repo>/.changelog/<actor>/`. */
export interface SinkTarget {
  repo: string;
  actor: string;
}

export interface SinkContext {
  config: Config;
  log: Logger;
  /** The state folder's append-lock folder (paths.ts appendLocks): locks never live in a repository. */
  lockDir: string;
}

interface SinkBase {
  /** The key of its rows in `deliveries`: renaming it would deliver every pending window again. */
  readonly name: string;
  enabled(config: Config): boolean;
}

/**
 * `deliver` writes every record or throws, and says for each whether it was new. It must be
 * idempotent per run_id: a worker killed after the write and before the outbox stored the
 * delivery hands the same records to the sink again. It must refuse symlinks and files of other
 * users where it writes (../safe-open.ts): everything inside a repository is untrusted.
 */
export interface EntrySink extends SinkBase {
  readonly takes: 'entries';
  deliver(to: SinkTarget, items: Outgoing<ChangelogEntry>[], ctx: SinkContext): Promise<boolean[]>;
}

/** Takes a window's failure record, once: its first failure, not every retry's. */
export interface FailureSink extends SinkBase {
  readonly takes: 'failures';
  deliver(to: SinkTarget, items: Outgoing<FailureRecord>[], ctx: SinkContext): Promise<boolean[]>;
}

export type Sink = EntrySink | FailureSink;

export function outgoing<R extends { run_id: string }>(record: R): Outgoing<R> {
  return { runId: record.run_id, record, json: JSON.stringify(record) };
}

export function lockOptions(ctx: SinkContext, file: string): AppendOptions {
  return {
    lockDir: ctx.lockDir,
    onWait: () => ctx.log.info({ file }, 'waiting for another writer to finish appending'),
  };
}
