import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { parseArgs } from 'node:util';
import { activeBackoffs, type BackoffRow as Backoff } from '../state/evaluator-backoff.js';
import { age } from '../age.js';
import { stateDir } from '../paths.js';
import { openDb } from '../state/db.js';
import { sweepInBackground } from '../worker/sweep-soon.js';
import { recentSessions, type SessionSummary } from '../state/recent-sessions.js';
import { UsageError } from './errors.js';
import { printable } from './terminal-text.js';

export const STATUS_HELP = `Usage: shiplog status [--json] [--limit N] [--session ID]

Recent sessions, newest first: agent, repository, how far the worker has read the transcript
(and how many bytes are still unread), the window of work still open (it becomes a changelog
entry at SessionEnd, /clear, after the idle time, or on "shiplog flush"), and the entries
written and failures recorded for the session. When no catch-up sweep ran in the last minute,
status also starts one in the background, so a session whose client was killed (no hook came)
shows up at the next look (see shiplog sweep).

Options:
  --limit N      how many sessions (default 10)
  --session ID   only this session
  --json         print JSON: one object per session
  -h, --help     show this help
`;

interface StatusRow extends SessionSummary {
  transcript_bytes: number | null;
  unread_bytes: number | null;
}

export async function statusCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      limit: { type: 'string', default: '10' },
      session: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(STATUS_HELP);
    return 0;
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(
      `--limit must be a positive whole number, not "${values.limit}"`,
      'For example: shiplog status --limit 20',
    );
  const db = openDb(stateDir());
  let rows: StatusRow[];
  let paused: Backoff[];
  try {
    rows = recentSessions(db, { limit, sessionId: values.session }).map(withSize);
    paused = activeBackoffs(db, new Date());
    // Sessions no hook reported (a killed client) show up at the next look, not at the next turn.
    sweepInBackground(db, stateDir(), process.env);
  } finally {
    db.close();
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  if (rows.length === 0) {
    process.stdout.write(
      values.session
        ? `No session ${values.session} recorded.\n`
        : 'No sessions recorded yet. They appear after the first turn of a Claude Code, Codex or Gemini CLI session ("shiplog doctor" checks the wiring).\n',
    );
    return values.session ? 1 : 0;
  }
  for (const b of paused) {
    process.stdout.write(
      `evaluator ${b.evaluator} paused until ${b.until} (${b.reason === 'auth' ? 'authentication error' : 'usage or rate limit'}); windows to write wait for it, or run: shiplog retry\n\n`,
    );
  }
  process.stdout.write(render(rows, new Date()));
  return 0;
}

function withSize(row: SessionSummary): StatusRow {
  let size: number | null = null;
  try {
    size = statSync(row.transcript_path).size;
  } catch {
    // The transcript is gone (cleaned up by the agent); the status says so.
  }
  return { ...row, transcript_bytes: size, unread_bytes: size === null ? null : Math.max(0, size - row.offset) };
}

function render(rows: StatusRow[], now: Date): string {
  const table = [['SESSION', 'AGENT', 'REPO', 'CURSOR', 'WINDOW', 'ENTRIES', 'FAILURES', 'ACTIVE']];
  for (const r of rows) {
    const cursor =
      r.transcript_bytes === null
        ? `${bytes(r.offset)} (transcript gone)`
        : r.unread_bytes
          ? `${bytes(r.offset)} (+${bytes(r.unread_bytes)} unread)`
          : bytes(r.offset);
    const window =
      r.window_start !== null || r.window_prompts !== null
        ? `open, ${r.window_prompts ?? 0} prompt(s)`
        : r.ended_at
          ? 'ended'
          : 'none';
    table.push([
      r.session_id,
      r.agent,
      // A working folder is whatever a payload named: no escape sequence of its reaches the terminal.
      printable(home(r.repo ?? r.cwd ?? '-')),
      cursor,
      r.pending > 0 ? `${window}, ${r.pending} to write` : window,
      String(r.entries),
      String(r.failures),
      age(r.last_event_at ?? r.updated_at, now),
    ]);
  }
  const widths = table[0]?.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length))) ?? [];
  return `${table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n')}\n`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function home(path: string): string {
  const h = homedir();
  return path.startsWith(`${h}/`) ? `~${path.slice(h.length)}` : path;
}
