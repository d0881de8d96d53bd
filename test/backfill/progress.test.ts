import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  barLine,
  count,
  dryRunLine,
  dryRunSummary,
  emptyTally,
  etaMs,
  formatBytes,
  formatDuration,
  Reporter,
  sessionLine,
  summaryLine,
  type Tally,
} from '../../src/backfill/progress.js';

const tally = (over: Partial<Tally> = {}): Tally => ({ ...emptyTally(23, 10_000_000), ...over });

describe('backfill progress formatting', () => {
  it('sizes and durations', () => {
    assert.deepEqual([0, 999, 1200, 1_234_567, 3_000_000_000].map(formatBytes), [
      '0 B',
      '999 B',
      '1.2 KB',
      '1.2 MB',
      '3.0 GB',
    ]);
    assert.deepEqual([0, 7_400, 750_000, 3_723_000].map(formatDuration), ['0:00', '0:07', '12:30', '1:02:03']);
  });

  it('the ETA follows the byte rate so far, and is unknown before any byte is done', () => {
    assert.equal(etaMs(0, 1000, 5000), null);
    assert.equal(etaMs(250, 1000, 1000), 3000);
    assert.equal(etaMs(1200, 1000, 1000), 0);
  });

  it('one plain line per session', () => {
    assert.equal(
      sessionLine(3, 23, {
        kind: 'processed',
        sessionId: 'abc',
        agent: 'claude-code',
        entries: 2,
        failed: 0,
        bytes: 1_234_567,
        waiting: 0,
      }),
      '[3/23] abc claude-code: 2 entries, 0 failed (1.2 MB)',
    );
    assert.equal(
      sessionLine(4, 23, {
        kind: 'processed',
        sessionId: 'abc',
        agent: 'codex',
        entries: 1,
        failed: 1,
        bytes: 10,
        waiting: 0,
      }),
      '[4/23] abc codex: 1 entry, 1 failed (10 B)',
    );
    assert.equal(
      sessionLine(4, 23, {
        kind: 'processed',
        sessionId: 'abc',
        agent: 'codex',
        entries: 0,
        failed: 0,
        bytes: 10,
        waiting: 2,
      }),
      '[4/23] abc codex: 0 entries, 0 failed, 2 waiting for the evaluator (10 B)',
    );
    assert.equal(
      sessionLine(5, 23, { kind: 'up-to-date', sessionId: 'abc', agent: 'codex' }),
      '[5/23] abc codex: up to date',
    );
    assert.equal(
      sessionLine(6, 23, {
        kind: 'skipped',
        sessionId: 'abc',
        agent: 'codex',
        reason: 'working folder /x no longer exists',
      }),
      '[6/23] abc codex: skipped: working folder /x no longer exists',
    );
    assert.equal(
      sessionLine(7, 23, { kind: 'error', sessionId: 'abc', agent: 'codex', message: 'boom' }),
      '[7/23] abc codex: FAILED: boom',
    );
  });

  it('counts each kind of result', () => {
    let t = tally();
    t = count(
      t,
      { kind: 'processed', sessionId: 'a', agent: 'codex', entries: 2, failed: 1, bytes: 900, waiting: 3 },
      1000,
    );
    t = count(t, { kind: 'up-to-date', sessionId: 'b', agent: 'codex' }, 0);
    t = count(t, { kind: 'skipped', sessionId: 'c', agent: 'codex', reason: 'x' }, 0);
    t = count(t, { kind: 'error', sessionId: 'd', agent: 'codex', message: 'x' }, 500);
    assert.deepEqual(
      {
        done: t.done,
        processed: t.processed,
        upToDate: t.upToDate,
        skipped: t.skipped,
        errors: t.errors,
        entries: t.entries,
        failedWindows: t.failedWindows,
        waiting: t.waiting,
        bytesDone: t.bytesDone,
        bytesRead: t.bytesRead,
      },
      {
        done: 4,
        processed: 1,
        upToDate: 1,
        skipped: 1,
        errors: 1,
        entries: 2,
        failedWindows: 1,
        waiting: 3,
        bytesDone: 1500,
        bytesRead: 900,
      },
    );
    assert.equal(
      summaryLine(t, 12_340),
      'backfill: 23 sessions (1 processed, 1 up to date, 1 skipped, 1 failed, 19 not started); 2 entries written, 1 window failed, 3 waiting for the evaluator; read 900 B in 12.3 s',
    );
  });

  it('the bar fits the terminal: bytes go first, then the bar, then the end of the text', () => {
    const t = tally({ done: 5, entries: 12, skipped: 2, failedWindows: 1, bytesDone: 2_500_000 });
    const wide = barLine(t, 10_000, 130);
    assert.equal(
      wide,
      `[${'='.repeat(8)}>${' '.repeat(21)}] 5/23 sessions · 12 entries · 1 failed · 2 skipped · 2.5 MB/10.0 MB · ETA 0:30`,
    );
    const normal = barLine(t, 10_000, 80);
    assert.equal(normal, '[===>      ] 5/23 sessions · 12 entries · 1 failed · 2 skipped · ETA 0:30');
    assert.ok(normal.length < 80);
    assert.equal(barLine(t, 10_000, 60), '5/23 sessions · 12 entries · 1 failed · 2 skipped · ETA 0:3');
    assert.equal(barLine(tally(), 0, 80).endsWith('ETA --:--'), true);
    for (const cols of [20, 40, 69, 70, 99, 100, 119, 120, 200])
      assert.ok(barLine(t, 10_000, cols).length <= cols - 1, `${cols} columns`);
  });

  it('dry-run lines and summary', () => {
    assert.equal(
      dryRunLine({ kind: 'would-process', sessionId: 'a', agent: 'codex', path: '/p/a.jsonl', newBytes: 2048 }),
      'a codex: would read 2.0 KB of /p/a.jsonl',
    );
    assert.equal(
      dryRunLine({ kind: 'up-to-date', sessionId: 'a', agent: 'codex', path: '/p/a.jsonl' }),
      'a codex: up to date (/p/a.jsonl)',
    );
    assert.equal(
      dryRunLine({ kind: 'skipped', sessionId: 'a', agent: 'codex', path: '/p/a.jsonl', reason: 'why' }),
      'a codex: skipped: why (/p/a.jsonl)',
    );
    assert.equal(
      dryRunSummary({ todo: 2, newBytes: 3000, upToDate: 1, skipped: 0 }),
      'dry run: 3 sessions: 2 to process (3.0 KB to read), 1 up to date, 0 skipped; nothing was written',
    );
  });

  it('the reporter writes plain lines off a terminal, and on one redraws the bar with failures above it', () => {
    const sink = () => {
      const chunks: string[] = [];
      return { chunks, write: (s: string) => chunks.push(s) };
    };
    const lines = sink();
    const err = sink();
    const plain = new Reporter({ lines, err, tty: false, columns: () => 80, now: () => 1000, startedAt: 0 }, 2, 100);
    plain.session({ kind: 'up-to-date', sessionId: 'a', agent: 'codex' }, 0);
    plain.session({ kind: 'error', sessionId: 'b', agent: 'codex', message: 'boom' }, 100);
    assert.deepEqual(lines.chunks, ['[1/2] a codex: up to date\n']);
    assert.deepEqual(err.chunks, ['[2/2] b codex: FAILED: boom\n']);

    const term = sink();
    const bar = new Reporter(
      { lines: sink(), err: term, tty: true, columns: () => 80, now: () => 1000, startedAt: 0 },
      2,
      100,
    );
    bar.session(
      { kind: 'processed', sessionId: 'a', agent: 'codex', entries: 1, failed: 0, bytes: 50, waiting: 0 },
      50,
    );
    bar.session({ kind: 'error', sessionId: 'b', agent: 'codex', message: 'boom' }, 50);
    bar.clear();
    assert.match(
      term.chunks[0] ?? '',
      /^\r\[=====> {4}\] 1\/2 sessions · 1 entry · 0 failed · 0 skipped · ETA 0:01\x1b\[K$/,
    );
    assert.deepEqual(term.chunks.slice(1, 3), ['\r\x1b[K', '[2/2] b codex: FAILED: boom\n']);
    assert.match(term.chunks[3] ?? '', /^\r\[==========\] 2\/2 sessions/);
    assert.equal(term.chunks[4], '\r\x1b[K');
  });
});
