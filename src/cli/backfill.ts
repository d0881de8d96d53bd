import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import {
  discoverPath,
  discoverTranscripts,
  isDir,
  isUpToDate,
  locateSessions,
  newBytes,
  PATH_FILE_CAP,
  type Located,
  type Skipped,
} from '../backfill/discover.js';
import { transcriptCwd } from '../worker/transcript-cwd.js';
import {
  dryRunLine,
  dryRunSummary,
  Reporter,
  summaryLine,
  type SessionResult,
  type Tally,
} from '../backfill/progress.js';
import { closePolicy, isIdle } from '../changelog/close-policy.js';
import { Config } from '../config/config.js';
import { repoTop } from '../config/repo-top.js';
import { configForSession } from '../config/session-config.js';
import { activeBackoffs, type Backoff, type LlmEvaluatorName } from '../evaluator/backoff.js';
import { chooseEvaluator } from '../evaluator/choose.js';
import { rememberRepoState } from '../git.js';
import { agentList, type AgentId } from '../agents/registry.js';
import { findOnPath } from '../find-on-path.js';
import { createLogger } from '../log.js';
import { stateDir, statePaths } from '../paths.js';
import { openDb, type Db } from '../state/db.js';
import { getSession, unwrittenWindowCount } from '../state/sessions.js';
import { tableNames } from '../state/tables.js';
import { OutputPins } from '../backfill/pin.js';
import { runInProcesses } from '../backfill/pool.js';
import { runOne } from '../backfill/run-one.js';
import { agentName } from './agent-name.js';
import { CliError, UsageError } from './errors.js';
import { parseSince } from './log.js';

export const BACKFILL_HELP = `Usage: shiplog backfill [options]

Runs the pipeline over the Claude Code, Codex and Gemini CLI sessions already on this machine,
as their hooks would have: each transcript under $CLAUDE_CONFIG_DIR/projects (~/.claude), each
rollout under $CODEX_HOME/sessions and archived_sessions (~/.codex) and each session under
~/.gemini/tmp/<project>/chats ($GEMINI_CLI_HOME) is read from where shiplog last
stopped (the start, for a session it never saw), its devlog written and its finished windows
written as changelog entries. A later hook continues from the same cursor, so nothing is read
twice. Sessions read to the end already are "up to date"; sessions whose working folder no
longer exists are skipped, with the reason.

Safe to interrupt (Ctrl-C, or a kill at any instant) and to rerun: every session commits its
cursor as it goes, and the same command continues where the last run stopped.

Options:
  --agent NAME          only one agent's sessions: claude, codex, gemini, or (with --path)
                        generic for chat logs of other tools (default: all)
  --path FILE|DIR       read the session files under FILE or DIR instead of the agents'
                        folders: transcripts of any agent, and chat logs of other tools
                        (role/content JSONL, LangChain messages, a JSON list or
                        {messages: [...]} document, Markdown ## Human / ## Assistant);
                        a log that names no working folder is written into --repo DIR
  --since WHEN          only transcripts modified after WHEN: an ISO date or time (2026-11-20,
                        2026-11-20T14:00Z) or an age: 30m, 12h, 7d, 2w
  --repo DIR            only sessions whose working folder is DIR or inside it (with
                        --path: also where logs that name no folder are written)
  --evaluator NAME      who writes each entry's summary: heuristic, claude, codex or auto
                        (default: the changelog.evaluator setting)
  --jobs N              sessions run side by side, each in a process of its own, when the
                        heuristic evaluator writes the entries (default: one per core, here
                        ${availableParallelism()}); 1 runs them one after another in this process
  --max-concurrency N   sessions at a time with an LLM evaluator (default 4); with the
                        heuristic one, the same as --jobs
  --dry-run             list what would be read, what is up to date and what is skipped;
                        write nothing
  --json                print a JSON summary on stdout at the end
  -h, --help            show this help

Exit status: 0 done; 1 some sessions or windows failed (stderr and failures.jsonl say why);
3 stopped early because the LLM evaluator is paused after a usage/rate limit or a login
problem (rerun the same command after the time shown); 130 interrupted.
`;

const EvaluatorName = Config.shape.changelog.unwrap().shape.evaluator.unwrap();

interface Options {
  /** Null: every agent's (its own folders), or every reader's (--path). */
  agents: AgentId[] | null;
  /** Read the session files under this file or folder instead of the agents' own folders. */
  path: string | null;
  since: Date | null;
  repo: string | null;
  evaluator: Config['changelog']['evaluator'] | null;
  concurrency: number | null;
  jobs: number | null;
  dryRun: boolean;
  json: boolean;
}

export async function backfillCommand(argv: string[]): Promise<number> {
  const opts = parseOptions(argv);
  if (opts === null) {
    process.stdout.write(BACKFILL_HELP);
    return 0;
  }
  const startedAt = Date.now();
  const found = opts.path
    ? discoverPath(opts.path, { agents: opts.agents, since: opts.since })
    : discoverTranscripts({
        agents: opts.agents ?? agentList.filter((a) => a.sessions).map((a) => a.id),
        env: process.env,
        since: opts.since,
      });
  if ('capped' in found && found.capped)
    process.stderr.write(`shiplog backfill: only the first ${PATH_FILE_CAP} files under ${opts.path} are looked at\n`);
  // A chat log of another tool names no folder, or one of another machine: with --path, --repo
  // is where its outputs go.
  const repo = opts.repo;
  const cwdOf =
    opts.path && repo
      ? (t: { path: string; agent: AgentId }) => existingOr(transcriptCwd(t.path, t.agent), repo)
      : undefined;
  const located = locateSessions(found.transcripts, { repo, ...(cwdOf && { cwdOf }) });
  const skipped = [...found.skipped, ...located.skipped];
  const dir = stateDir();
  if (located.sessions.length === 0 && skipped.length === 0 && !opts.json) {
    const where =
      opts.path ??
      agentList
        .filter((a) => (opts.agents ?? [a.id]).includes(a.id) && a.sessions)
        .map((a) => a.sessions?.where(process.env))
        .join(' or ');
    const filters = [opts.since && `modified since ${opts.since.toISOString()}`, opts.repo && `working in ${opts.repo}`]
      .filter(Boolean)
      .join(', ');
    process.stdout.write(`No sessions found in ${where}${filters ? ` (${filters})` : ''}; nothing to do.\n`);
    return 0;
  }
  const notes = new Set<string>();
  const note = (text: string) => {
    if (!notes.has(text)) process.stderr.write(`${text}\n`);
    notes.add(text);
  };

  if (opts.dryRun) {
    // Read-only, and no state database is created where there is none: a dry run writes nothing.
    const db = readOnlyState(dir);
    try {
      const plan = planSessions(db, located.sessions, { evaluator: opts.evaluator, now: new Date(), note });
      return dryRunReport(plan, skipped, { json: opts.json, paused: db ? pausedBy(db, plan.evaluators) : null });
    } finally {
      db?.close();
    }
  }

  const db = openDb(dir);
  // Every session of a repository asks git the same questions about it: asked once, here and in each --jobs process.
  rememberRepoState();
  try {
    const plan = planSessions(db, located.sessions, { evaluator: opts.evaluator, now: new Date(), note });
    // A pause says more (and until when) than a missing CLI; either way nothing runs.
    if (!pausedBy(db, plan.evaluators)) requireEvaluatorClis(plan.evaluators);
    const jobs = jobsFor(opts, plan);
    await pinOutputs(db, plan.todo, { inProcesses: inProcesses(jobs, plan) });
    return await run(db, dir, opts, plan, { skipped, startedAt, jobs });
  } finally {
    db.close();
  }
}

interface Result {
  session_id: string;
  agent: AgentId;
  path: string;
  status: 'processed' | 'up-to-date' | 'skipped' | 'failed';
  entries?: number;
  failed_windows?: number;
  /** Held back while the evaluator is paused. */
  waiting_windows?: number;
  bytes_read?: number;
  reason?: string;
}

/** How a backfill run was planned beside its plan: what was left out, when it started, how many processes. */
interface RunShape {
  skipped: Skipped[];
  startedAt: number;
  jobs: number;
}

async function run(db: Db, dir: string, opts: Options, plan: Plan, shape: RunShape): Promise<number> {
  const { skipped, startedAt, jobs } = shape;
  const log = createLogger(dir, 'backfill');
  const tty = process.stderr.isTTY === true;
  const reporter = new Reporter(
    {
      lines: opts.json ? process.stderr : process.stdout,
      err: process.stderr,
      tty,
      columns: () => process.stderr.columns || 80,
      now: Date.now,
      startedAt,
    },
    skipped.length + plan.upToDate.length + plan.todo.length,
    plan.todo.reduce((n, s) => n + s.newBytes, 0),
  );
  // By place in the plan, not by the order runs finish in: --json lists the sessions alike every time.
  const results: (Result | undefined)[] = [];
  const report = (r: SessionResult, s: Pick<Located, 'path'>, planned: number, place: number) => {
    reporter.session(r, planned);
    results[place] = resultOf(r, s.path);
  };
  for (const [i, s] of skipped.entries()) {
    report({ kind: 'skipped', sessionId: s.sessionId, agent: s.agent, reason: s.reason }, s, 0, i);
  }
  for (const [i, s] of plan.upToDate.entries()) {
    report({ kind: 'up-to-date', sessionId: s.sessionId, agent: s.agent }, s, 0, skipped.length + i);
  }
  const todoPlace = skipped.length + plan.upToDate.length;

  let interrupted = false;
  let paused = plan.todo.length > 0 ? pausedBy(db, plan.evaluators) : null;
  const onSignal = () => {
    // A second Ctrl-C means "now": what is in flight is safe to drop, its cursor is committed per batch.
    if (interrupted) {
      reporter.clear();
      process.stderr.write('shiplog backfill: interrupted; rerun the same command to continue\n');
      process.exit(130);
    }
    interrupted = true;
    reporter.note('shiplog backfill: stopping after the sessions in progress (Ctrl-C again to stop at once)…');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const timer = tty ? setInterval(() => reporter.redraw(), 1000) : null;
  timer?.unref();
  reporter.redraw();

  const concurrency = opts.concurrency ?? (plan.defaultEvaluator === 'heuristic' ? 1 : 4);
  let next = 0;
  const worker = async () => {
    while (next < plan.todo.length && !interrupted && paused === null) {
      const place = next++;
      const s = plan.todo[place];
      if (!s) break;
      report(await runOne(db, dir, log, s), s, s.newBytes, todoPlace + place);
      // The evaluator code records a pause when it hits a limit: no point starting more runs into it.
      if (paused === null) paused = pausedBy(db, plan.evaluators);
    }
  };
  try {
    if (inProcesses(jobs, plan)) {
      await runInProcesses(plan.todo, {
        jobs,
        stateDir: dir,
        stopping: () => interrupted,
        onResult: (place, r) => {
          const s = plan.todo[place];
          if (s) report(r, s, s.newBytes, todoPlace + place);
        },
      });
    } else {
      await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, plan.todo.length)) }, worker));
    }
  } finally {
    if (timer) clearInterval(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    reporter.clear();
  }

  const ending = { elapsed: Date.now() - startedAt, interrupted, paused, tty };
  return finish(opts, reporter.current, ending, results);
}

/** What a backfill run came to: its summary (a line, or --json), and the exit code that says it. */
function finish(
  opts: Options,
  tally: Reporter['current'],
  ending: { elapsed: number; interrupted: boolean; paused: ReturnType<typeof pausedBy>; tty: boolean },
  results: (Result | undefined)[],
): number {
  const { elapsed, interrupted, paused, tty } = ending;
  if (opts.json) {
    const summary = jsonSummary(
      tally,
      elapsed,
      interrupted,
      paused,
      results.filter((r) => r !== undefined),
    );
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else process.stdout.write(`${summaryLine(tally, elapsed)}\n`);
  // The bar only counts them; the plain lines said why already.
  if (tty && tally.skipped > 0)
    process.stderr.write(`${tally.skipped} skipped: "shiplog backfill --dry-run" lists each with its reason.\n`);
  if (interrupted) {
    process.stderr.write('shiplog backfill: interrupted; rerun the same command to continue\n');
    return 130;
  }
  if (paused) {
    process.stderr.write(pauseMessage(paused));
    return 3;
  }
  if (tally.errors > 0 || tally.failedWindows > 0) {
    process.stderr.write(
      'Some sessions or windows were not written; the lines above, failures.jsonl and the shiplog log say why.\n',
    );
    return 1;
  }
  return 0;
}

/**
 * Processes for the sessions to run. Only the heuristic evaluator gets more than this one: an LLM
 * evaluator's calls have limits of their own, which --max-concurrency keeps to.
 */
function jobsFor(opts: Options, plan: Plan): number {
  if (plan.evaluators.size === 0) return opts.jobs ?? opts.concurrency ?? availableParallelism();
  if (opts.jobs !== null)
    process.stderr.write(
      `shiplog backfill: --jobs is for the heuristic evaluator; with ${[...plan.evaluators].join(' and ')}, --max-concurrency sessions run at a time (default 4)\n`,
    );
  return 1;
}

/** Whether the sessions run in processes of their own (pool.ts) rather than in this one. */
const inProcesses = (jobs: number, plan: Plan): boolean => jobs > 1 && plan.todo.length > 1;

function resultOf(r: SessionResult, path: string): Result {
  const base = { session_id: r.sessionId, agent: r.agent, path };
  switch (r.kind) {
    case 'processed':
      return {
        ...base,
        status: 'processed',
        entries: r.entries,
        failed_windows: r.failed,
        waiting_windows: r.waiting,
        bytes_read: r.bytes,
        ...(r.leftOpen ? { left_open: r.leftOpen } : {}),
      };
    case 'up-to-date':
      return { ...base, status: 'up-to-date' };
    case 'skipped':
      return { ...base, status: 'skipped', reason: r.reason };
    case 'error':
      return { ...base, status: 'failed', reason: r.message };
  }
}

function jsonSummary(t: Tally, elapsedMs: number, interrupted: boolean, paused: Backoff | null, results: Result[]) {
  return {
    sessions: t.total,
    processed: t.processed,
    up_to_date: t.upToDate,
    skipped: t.skipped,
    failed_sessions: t.errors,
    not_started: t.total - t.done,
    entries: t.entries,
    failed_windows: t.failedWindows,
    waiting_windows: t.waiting,
    bytes_read: t.bytesRead,
    elapsed_ms: elapsedMs,
    interrupted,
    paused,
    results,
  };
}

/** The pause in force for an evaluator these sessions would use, if any. */
function pausedBy(db: Db, evaluators: ReadonlySet<LlmEvaluatorName>): Backoff | null {
  if (evaluators.size === 0) return null;
  return activeBackoffs(db, new Date()).find((b) => evaluators.has(b.evaluator)) ?? null;
}

function pauseMessage(b: Backoff): string {
  const why = b.reason === 'auth' ? 'an authentication error' : 'a usage or rate limit';
  const fix = b.reason === 'auth' ? `Log the ${b.evaluator} CLI in again, then rerun` : 'Rerun';
  return (
    `shiplog backfill: stopped: the ${b.evaluator} evaluator is paused until ${b.until} after ${why} (${b.message}).\n` +
    `${fix} the same command after that time to continue where this run stopped. Nothing is lost: the windows read so far stay pending and are evaluated automatically.\n`
  );
}

function parseOptions(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      agent: { type: 'string' },
      path: { type: 'string' },
      since: { type: 'string' },
      repo: { type: 'string' },
      evaluator: { type: 'string' },
      'max-concurrency': { type: 'string' },
      jobs: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return null;
  const agents = values.agent === undefined ? null : [agentName(values.agent)];
  let evaluator: Options['evaluator'] = null;
  if (values.evaluator !== undefined) {
    const parsed = EvaluatorName.safeParse(values.evaluator);
    if (!parsed.success)
      throw new UsageError(
        `unknown evaluator "${values.evaluator}"`,
        'Use --evaluator heuristic, claude, codex or auto.',
      );
    evaluator = parsed.data;
  }
  const concurrency =
    values['max-concurrency'] === undefined ? null : count('--max-concurrency', values['max-concurrency']);
  const jobs = values.jobs === undefined ? null : count('--jobs', values.jobs);
  return {
    agents,
    path: values.path === undefined ? null : existingPath(values.path),
    since: values.since === undefined ? null : parseSince(values.since, new Date()),
    repo: values.repo === undefined ? null : existingDir(values.repo),
    evaluator,
    concurrency,
    jobs,
    dryRun: values['dry-run'],
    json: values.json,
  };
}

function count(option: string, raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 64)
    throw new UsageError(
      `${option} must be a whole number from 1 to 64, not "${raw}"`,
      `For example: shiplog backfill ${option} 2`,
    );
  return n;
}

const existingOr = (dir: string | null, fallback: string): string => (dir !== null && isDir(dir) ? dir : fallback);

function existingPath(raw: string): string {
  const path = resolve(raw);
  if (!existsSync(path))
    throw new UsageError(
      `--path ${raw}: no such file or folder`,
      'Name a session file, or a folder of them (chat logs of other tools are read too).',
    );
  return path;
}

function existingDir(raw: string): string {
  const dir = resolve(raw);
  if (!isDir(dir))
    throw new UsageError(
      `--repo ${raw}: no such folder`,
      'Name the repository (or any folder) whose sessions to back fill.',
    );
  return dir;
}

interface Planned extends Located {
  config: Config;
  /** Untouched for the idle time: a finished session, whose window is closed at the end. */
  idle: boolean;
  newBytes: number;
  /** The output repository, found before any run starts (see pinOutputs). */
  repo?: string;
}

interface Plan {
  todo: Planned[];
  upToDate: Located[];
  /** The LLM evaluators the runs to do would call: a pause on one of them stops the backfill. */
  evaluators: Set<LlmEvaluatorName>;
  /** The evaluator setting outside any repository, for the default concurrency. */
  defaultEvaluator: Config['changelog']['evaluator'];
}

/** Splits the sessions into those with work to do and those already up to date. Reads only. */
function planSessions(
  db: Db | null,
  sessions: Located[],
  opts: { evaluator: Options['evaluator']; now: Date; note: (text: string) => void },
): Plan {
  const configs = new Map<string, Config>();
  const configFor = (repo: string): Config => {
    const cached = configs.get(repo);
    if (cached) return cached;
    const { config, problems } = configForSession(repo);
    for (const p of problems)
      opts.note(
        `shiplog: ignoring ${p.refused ? 'untrusted' : 'invalid'} config in ${p.file}${p.key ? ` (${p.key})` : ''}: ${p.message}`,
      );
    const applied = opts.evaluator
      ? { ...config, changelog: { ...config.changelog, evaluator: opts.evaluator } }
      : config;
    configs.set(repo, applied);
    return applied;
  };
  const chosen = new Map<string, LlmEvaluatorName | 'heuristic'>();
  const evaluatorOf = (setting: Config['changelog']['evaluator']) => {
    if (!chosen.has(setting)) chosen.set(setting, chooseEvaluator(setting, process.env).name);
    return chosen.get(setting) ?? 'heuristic';
  };
  const defaultEvaluator = opts.evaluator ?? configForSession(null).config.changelog.evaluator;
  const plan: Plan = { todo: [], upToDate: [], evaluators: new Set(), defaultEvaluator };
  for (const s of sessions) {
    const known = db ? getSession(db, s.sessionId) : null;
    // The repository the session's outputs go to, as pinOutputs and a run settle it, except that
    // this process asks git nothing (the --jobs processes do): the .git a folder is under stands
    // in for git's answer, the same one but where git fails on the repository.
    const config = configFor(known?.repo && isDir(known.repo) ? known.repo : repoTop(s.cwd));
    const idle = isIdle(closePolicy(config.changelog), s.mtimeMs, opts.now.getTime());
    const unwritten = db ? unwrittenWindowCount(db, s.sessionId) : 0;
    if (isUpToDate(known, s, { idle, unwrittenWindows: unwritten })) {
      plan.upToDate.push(s);
      continue;
    }
    plan.todo.push({ ...s, config, idle, newBytes: newBytes(known, s) });
    const evaluator = evaluatorOf(config.changelog.evaluator);
    if (evaluator !== 'heuristic') plan.evaluators.add(evaluator);
  }
  return plan;
}

/**
 * An evaluator named in config or --evaluator whose CLI is missing would fail every window of
 * every session, one failure record each: say so once, before anything runs.
 */
function requireEvaluatorClis(evaluators: ReadonlySet<LlmEvaluatorName>): void {
  for (const name of evaluators) {
    if (!findOnPath(name, process.env)) {
      throw new CliError(
        `the ${name} evaluator is chosen, but no ${name} executable is on PATH`,
        `Install the ${name} CLI, or run with --evaluator heuristic (or auto, which uses whichever CLI is logged in).`,
      );
    }
  }
}

/**
 * Fixes each session's repository and actor folder before it runs. A repository the state
 * database already knows is kept (a session stays where its outputs went, even if its working
 * folder moved into another repository since). The rest are asked of git here, before the runs
 * start, or, when the sessions run in processes of their own, by the process that runs each
 * one (pin.ts): it asks git the same questions about the repository anyway, and this process
 * would ask them one after the other while no session runs. Either way a Ctrl-C does not reach
 * the git asked: it runs in a process group of its own (git.ts), and a session process ignores
 * SIGINT; a killed git would send a session's entries to its working folder or to the OS
 * user's actor folder instead.
 */
async function pinOutputs(db: Db, todo: Planned[], opts: { inProcesses: boolean }): Promise<void> {
  const pins = new OutputPins();
  for (const [i, s] of todo.entries()) {
    const known = getSession(db, s.sessionId)?.repo;
    if (known && isDir(known)) s.repo = known;
    if (!opts.inProcesses) todo[i] = await pins.pin(s);
  }
}

/** The state database opened read-only, or null when there is none (or it holds no tables yet). */
function readOnlyState(dir: string): Db | null {
  const path = statePaths(dir).db;
  if (!existsSync(path)) return null;
  const db = existsSync(`${path}-wal`)
    ? new Database(path, { readonly: true, fileMustExist: true, timeout: 15_000 })
    : inMemoryCopy(path);
  const tables = tableNames(db);
  if (['sessions', 'windows', 'evaluator_backoff'].every((t) => tables.has(t))) return db;
  db.close();
  return null;
}

/**
 * A WAL database opened even read-only gets -wal and -shm files beside it, which a dry run must
 * not leave. When no writer has it open (no -wal file), the whole database is in the main file:
 * a copy in memory reads the same. Its header is switched to rollback journaling, the only mode
 * an in-memory image can be opened in (bytes 18-19 of the SQLite header: 2 = WAL, 1 = legacy).
 */
function inMemoryCopy(path: string): Db {
  const image = readFileSync(path);
  if (image.length >= 20 && image[18] === 2 && image[19] === 2) {
    image[18] = 1;
    image[19] = 1;
  }
  return new Database(image, { readonly: true });
}

function dryRunReport(plan: Plan, skipped: Skipped[], opts: { json: boolean; paused: Backoff | null }): number {
  const rows = [
    ...plan.todo.map((s) => ({
      kind: 'would-process' as const,
      sessionId: s.sessionId,
      agent: s.agent,
      path: s.path,
      cwd: s.cwd,
      newBytes: s.newBytes,
    })),
    ...plan.upToDate.map((s) => ({
      kind: 'up-to-date' as const,
      sessionId: s.sessionId,
      agent: s.agent,
      path: s.path,
      cwd: s.cwd,
    })),
    ...skipped.map((s) => ({
      kind: 'skipped' as const,
      sessionId: s.sessionId,
      agent: s.agent,
      path: s.path,
      reason: s.reason,
    })),
  ];
  const counts = {
    todo: plan.todo.length,
    newBytes: plan.todo.reduce((n, s) => n + s.newBytes, 0),
    upToDate: plan.upToDate.length,
    skipped: skipped.length,
  };
  if (opts.json) {
    const sessions = rows.map(({ kind, sessionId, agent, ...rest }) => ({
      session_id: sessionId,
      agent,
      status: kind,
      ...rest,
    }));
    process.stdout.write(
      `${JSON.stringify({ dry_run: true, to_process: counts.todo, new_bytes: counts.newBytes, up_to_date: counts.upToDate, skipped: counts.skipped, paused: opts.paused, sessions }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(rows.map((r) => `${dryRunLine(r)}\n`).join(''));
    process.stdout.write(`${dryRunSummary(counts)}\n`);
  }
  if (opts.paused && plan.todo.length > 0)
    process.stderr.write(
      `note: the ${opts.paused.evaluator} evaluator is paused until ${opts.paused.until} (${opts.paused.message}); a backfill now would stop at once.\n`,
    );
  return 0;
}
