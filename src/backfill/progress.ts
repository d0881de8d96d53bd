import type { AgentId } from '../agents/ids.js';

/**
 * What `shiplog backfill` shows while it works: on a terminal, one bar redrawn in place on
 * stderr; elsewhere (CI logs, a pipe, tests), one plain line per session. The formatting is
 * pure, so it is tested without a terminal; `Reporter` only decides where each string goes.
 */

export type SessionResult =
  | {
      kind: 'processed';
      sessionId: string;
      agent: AgentId;
      entries: number;
      failed: number;
      bytes: number;
      waiting: number /** Why a window was left open, if one was. */;
      leftOpen?: string;
    }
  | { kind: 'up-to-date'; sessionId: string; agent: AgentId }
  | { kind: 'skipped'; sessionId: string; agent: AgentId; reason: string }
  | { kind: 'error'; sessionId: string; agent: AgentId; message: string };

export interface Tally {
  /** Every session counted in done/total: those to process, up to date and skipped. */
  total: number;
  done: number;
  processed: number;
  upToDate: number;
  skipped: number;
  /** Sessions whose run threw. */
  errors: number;
  entries: number;
  /** Windows that ended as a failure record. */
  failedWindows: number;
  /** Windows read but held back while the LLM evaluator is paused; the next run writes them. */
  waiting: number;
  /** Bytes the finished runs were planned to read, against the planned bytes of all runs. */
  bytesDone: number;
  bytesTotal: number;
  bytesRead: number;
}

export function emptyTally(total: number, bytesTotal: number): Tally {
  return {
    total,
    done: 0,
    processed: 0,
    upToDate: 0,
    skipped: 0,
    errors: 0,
    entries: 0,
    failedWindows: 0,
    waiting: 0,
    bytesDone: 0,
    bytesTotal,
    bytesRead: 0,
  };
}

/** The tally after one more session; `plannedBytes` is what that run was expected to read. */
export function count(t: Tally, r: SessionResult, plannedBytes: number): Tally {
  const next = { ...t, done: t.done + 1, bytesDone: t.bytesDone + plannedBytes };
  if (r.kind === 'processed')
    return {
      ...next,
      processed: t.processed + 1,
      entries: t.entries + r.entries,
      failedWindows: t.failedWindows + r.failed,
      waiting: t.waiting + r.waiting,
      bytesRead: t.bytesRead + r.bytes,
    };
  if (r.kind === 'up-to-date') return { ...next, upToDate: t.upToDate + 1 };
  if (r.kind === 'skipped') return { ...next, skipped: t.skipped + 1 };
  return { ...next, errors: t.errors + 1 };
}

export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} KB`;
  if (n < 1_000_000_000) return `${(n / 1_000_000).toFixed(1)} MB`;
  return `${(n / 1_000_000_000).toFixed(1)} GB`;
}

/** 0:07, 12:30, 1:02:03. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** Time left at the byte rate so far; null until there is a rate to go by. */
export function etaMs(bytesDone: number, bytesTotal: number, elapsedMs: number): number | null {
  if (bytesDone <= 0 || elapsedMs <= 0) return null;
  return (Math.max(0, bytesTotal - bytesDone) * elapsedMs) / bytesDone;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** `[3/23] <session> <agent>: 2 entries, 0 failed (1.2 MB)`, `… up to date`, `… skipped: why`. */
export function sessionLine(n: number, total: number, r: SessionResult): string {
  const head = `[${n}/${total}] ${r.sessionId} ${r.agent}`;
  switch (r.kind) {
    case 'processed':
      return `${head}: ${plural(r.entries, 'entry', 'entries')}, ${r.failed} failed${r.waiting > 0 ? `, ${r.waiting} waiting for the evaluator` : ''} (${formatBytes(r.bytes)})${r.leftOpen ? `; window left open: ${r.leftOpen}` : ''}`;
    case 'up-to-date':
      return `${head}: up to date`;
    case 'skipped':
      return `${head}: skipped: ${r.reason}`;
    case 'error':
      return `${head}: FAILED: ${r.message}`;
  }
}

/** One terminal line: `[=====>    ] 5/21 sessions · 12 entries · 0 failed · 2 skipped · 3.1 MB/9.8 MB · ETA 0:12`. */
export function barLine(t: Tally, elapsedMs: number, columns: number): string {
  const eta = etaMs(t.bytesDone, t.bytesTotal, elapsedMs);
  const head = [
    `${t.done}/${t.total} sessions`,
    plural(t.entries, 'entry', 'entries'),
    `${t.failedWindows + t.errors} failed`,
    `${t.skipped} skipped`,
  ];
  const bytes = `${formatBytes(t.bytesDone)}/${formatBytes(t.bytesTotal)}`;
  const tail = `ETA ${eta === null ? '--:--' : formatDuration(eta)}`;
  // The line must never wrap, or `\r` would redraw only its last row: a narrow terminal loses
  // the byte counts first, then the bar, then the end of the text.
  const width = Math.max(10, columns - 1);
  const fraction = t.bytesTotal > 0 ? t.bytesDone / t.bytesTotal : t.total > 0 ? t.done / t.total : 1;
  // A bar as wide as the terminal allows, but not as wide as the text: it must not jump about.
  const barWidth = width >= 120 ? 30 : width >= 100 ? 20 : width >= 70 ? 10 : 0;
  for (const parts of [
    [...head, bytes, tail],
    [...head, tail],
  ]) {
    const text = parts.join(' · ');
    if (barWidth > 0 && barWidth + 3 + text.length <= width) return `[${bar(fraction, barWidth)}] ${text}`;
    if (barWidth === 0 && text.length <= width) return text;
  }
  return [...head, tail].join(' · ').slice(0, width);
}

function bar(fraction: number, width: number): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `${'='.repeat(filled)}${filled < width ? '>' : ''}`.padEnd(width, ' ').slice(0, width);
}

export function summaryLine(t: Tally, elapsedMs: number): string {
  const sessions = [`${t.processed} processed`, `${t.upToDate} up to date`, `${t.skipped} skipped`];
  if (t.errors > 0) sessions.push(`${t.errors} failed`);
  const notDone = t.total - t.done;
  if (notDone > 0) sessions.push(`${notDone} not started`);
  return `backfill: ${plural(t.total, 'session', 'sessions')} (${sessions.join(', ')}); ${plural(t.entries, 'entry', 'entries')} written, ${plural(t.failedWindows, 'window', 'windows')} failed${t.waiting > 0 ? `, ${t.waiting} waiting for the evaluator` : ''}; read ${formatBytes(t.bytesRead)} in ${(elapsedMs / 1000).toFixed(1)} s`;
}

export interface Sink {
  write(text: string): unknown;
}

/** Shows each finished session: a redrawn bar on a terminal, else one plain line each. */
export class Reporter {
  private tally: Tally;
  private drawn = false;

  constructor(
    private readonly opts: {
      /** Where the plain lines go (stdout, or stderr when stdout carries --json). */
      lines: Sink;
      /** stderr: the bar, and the sessions that failed. */
      err: Sink;
      tty: boolean;
      columns: () => number;
      now: () => number;
      startedAt: number;
    },
    total: number,
    bytesTotal: number,
  ) {
    this.tally = emptyTally(total, bytesTotal);
  }

  get current(): Tally {
    return this.tally;
  }

  session(r: SessionResult, plannedBytes: number): void {
    this.tally = count(this.tally, r, plannedBytes);
    const line = sessionLine(this.tally.done, this.tally.total, r);
    if (!this.opts.tty) {
      (r.kind === 'error' ? this.opts.err : this.opts.lines).write(`${line}\n`);
      return;
    }
    // On a terminal only failures get a line of their own (above the bar); the rest is counted.
    if (r.kind === 'error') this.note(line);
    else this.redraw();
  }

  /** A message above the bar (a terminal) or on its own line. */
  note(text: string): void {
    if (this.opts.tty) this.clear();
    this.opts.err.write(`${text}\n`);
    if (this.opts.tty) this.redraw();
  }

  redraw(): void {
    if (!this.opts.tty) return;
    this.opts.err.write(`\r${barLine(this.tally, this.opts.now() - this.opts.startedAt, this.opts.columns())}\x1b[K`);
    this.drawn = true;
  }

  /** Takes the bar off the screen before the summary is printed. */
  clear(): void {
    if (this.drawn) this.opts.err.write('\r\x1b[K');
    this.drawn = false;
  }
}

/** `--dry-run`: one line per session, saying what a real run would do with it. */
export function dryRunLine(
  r: { sessionId: string; agent: AgentId; path: string } & (
    | { kind: 'would-process'; newBytes: number }
    | { kind: 'up-to-date' }
    | { kind: 'skipped'; reason: string }
  ),
): string {
  const head = `${r.sessionId} ${r.agent}`;
  if (r.kind === 'would-process') return `${head}: would read ${formatBytes(r.newBytes)} of ${r.path}`;
  if (r.kind === 'up-to-date') return `${head}: up to date (${r.path})`;
  return `${head}: skipped: ${r.reason} (${r.path})`;
}

export function dryRunSummary(c: { todo: number; newBytes: number; upToDate: number; skipped: number }): string {
  const total = c.todo + c.upToDate + c.skipped;
  return `dry run: ${plural(total, 'session', 'sessions')}: ${c.todo} to process (${formatBytes(c.newBytes)} to read), ${c.upToDate} up to date, ${c.skipped} skipped; nothing was written`;
}
