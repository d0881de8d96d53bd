import { realpathSync, type Stats, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { closeAtRunEnd, closePolicy } from '../changelog/close-policy.js';
import { configForSession } from '../config/session-config.js';
import { isErrno } from '../kit/errno.js';
import { agentFor, agentList, type AgentId } from '../agents/registry.js';
import { holdsSession, isRegularFile, readerFor } from '../worker/reader-for.js';
import { sessionIdOfName } from '../worker/sweep.js';
import { peekTranscript, transcriptCwd } from '../worker/transcript-cwd.js';
import { isSafeId } from '../ids.js';
import { createLogger } from '../log.js';
import { stateDir } from '../paths.js';
import { openDb } from '../state/db.js';
import { releaseLock } from '../state/session-lock.js';
import { runSession, type RunOutcome } from '../worker/pipeline.js';
import { sessionRepo } from '../worker/session-repo.js';
import { getSession } from '../state/sessions.js';
import { agentName } from './agent-name.js';
import { CliError, UsageError } from './errors.js';
import { writeJson } from './json-out.js';
import { waitForLock } from './wait-for-lock.js';
import { parseProcessArgs } from './process-args.js';
import { wordList } from '../word-list.js';

export const PROCESS_HELP = `Usage: shiplog process <transcript> [options]

Runs the same pipeline a hook would, in the foreground, and prints what it wrote:
the devlog document and any changelog entries or failure records. Reads Claude Code
transcripts, Codex rollouts and Gemini CLI sessions, and chat logs of other tools (role/content
JSONL, LangChain messages, a JSON list or {messages: [...]} document, Markdown with
## Human / ## Assistant headings) as prompts and replies.

Options:
  --repo DIR        write .devlog/ and .changelog/ into DIR (default: the git top level
                    of the session's working folder, as recorded in the transcript)
  --session ID      session id (default: the file name without .jsonl; for a Codex rollout,
                    the thread id at its end)
  --agent NAME      transcript format: claude (or claude-code), codex, gemini, or generic for
                    chat logs of other tools (default: told from the file)
  --keep-open       do not close the window at the end (more of this session will follow)
  --json            print the outcome as JSON
  -h, --help        show this help
`;

export async function processCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseProcessArgs(argv);
  if (values.help) {
    process.stdout.write(PROCESS_HELP);
    return 0;
  }
  const { transcriptPath, agent, sessionId } = sessionToProcess(values, positionals);
  const dir = stateDir();
  const log = createLogger(dir, 'process');
  const db = openDb(dir);
  try {
    const repo = values.repo ? resolve(values.repo) : undefined;
    // The repository the run writes into (without --repo, the one the session worked in), as for the hooks.
    const writesInto = await sessionRepo({ agent, transcriptPath, repo }, getSession(db, sessionId)?.repo);
    const { config, problems } = configForSession(writesInto);
    for (const p of problems)
      process.stderr.write(
        `shiplog: ignoring ${p.refused ? 'untrusted' : 'invalid'} config in ${p.file}${p.key ? ` (${p.key})` : ''}: ${p.message}\n`,
      );
    const keepOpen = values['keep-open'] === true;
    const close = closeAtRunEnd(closePolicy(config.changelog), { kind: 'process', keepOpen });
    const lock = await waitForLock(db, sessionId);
    let outcome: RunOutcome;
    try {
      outcome = await runSession(
        { stateDir: dir, db, log, config },
        { sessionId, agent, transcriptPath, repo, trigger: 'process', close },
      );
    } catch (err) {
      throw new CliError(
        err instanceof Error ? err.message : String(err),
        'Check the path and that the file is a session transcript; details are in the shiplog log.',
        { cause: err },
      );
    } finally {
      releaseLock(db, lock);
    }
    if (values.json) {
      writeJson(outcome, (text) => process.stdout.write(text));
      process.stdout.write('\n');
    } else {
      process.stdout.write(describe(outcome));
    }
    return outcome.windows.failed.length > 0 || (outcome.windows.deferred?.length ?? 0) > 0 || outcome.devlogError
      ? 1
      : 0;
  } finally {
    db.close();
  }
}

/** The transcript the arguments name, its reader and its session, checked before anything is written. */
function sessionToProcess(
  values: ReturnType<typeof parseProcessArgs>['values'],
  positionals: string[],
): { transcriptPath: string; agent: AgentId; sessionId: string } {
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) {
    throw new UsageError(
      'expected exactly one transcript file',
      'Run: shiplog process <transcript.jsonl> (see --help).',
    );
  }
  const forced = values.agent === undefined ? undefined : agentName(values.agent);
  // A path the user typed may go through links (a dotfiles folder, say): read the file it names.
  const transcriptPath = realTranscriptPath(resolve(file));
  const name = basename(transcriptPath);
  const agent = forced ?? readerFor(transcriptPath);
  if (agent === undefined) throw notASession(transcriptPath, values.agent);
  const sessionId = values.session ?? agentFor(agent).sessionIdOf?.(transcriptPath) ?? sessionIdOfName(name);
  if (!isSafeId(sessionId)) {
    const fix = 'Pass one with --session ID (letters, digits, ".", "_" and "-").';
    throw new UsageError(`"${sessionId}" is not a usable session id`, fix);
  }
  // Checked before the state database is touched: a wrong file leaves no trace anywhere. A file
  // that cannot be read at all (missing, a folder, a FIFO, no permission) is left to the run,
  // which names the exact reason.
  if (forced && isRegularFile(transcriptPath) && !holdsSession(transcriptPath, agent)) {
    throw notASession(transcriptPath, values.agent);
  }
  if (values.repo !== undefined) checkRepoOption(resolve(values.repo));
  else checkRecordedCwd(transcriptPath, agent);
  return { transcriptPath, agent, sessionId };
}

/** The error for a file no agent's reader makes a session of. */
function notASession(path: string, forced: string | undefined): CliError {
  const kinds = agentList.filter((a) => a.sessions).map((a) => `${a.label} (${a.sessions?.where({ HOME: '~' })})`);
  return new CliError(
    `${path} is not a session transcript shiplog can read${forced ? ` (read as ${forced}, as --agent asked)` : ''}`,
    `Give the path of a session file of ${wordList(kinds, 'or')}, or a chat log of another tool (role/content JSONL, LangChain messages, a JSON list or {messages: [...]} document, Markdown with ## Human / ## Assistant headings); --agent is only needed when the format cannot be told from the file.`,
  );
}

function checkRepoOption(dir: string): void {
  let st: Stats;
  try {
    st = statSync(dir);
  } catch (err) {
    if (isErrno(err) && err.code === 'ENOENT')
      throw new UsageError(
        `--repo ${dir} does not exist`,
        'Name the folder (the repository) to write .devlog/ and .changelog/ into.',
      );
    throw err;
  }
  if (!st.isDirectory())
    throw new UsageError(
      `--repo ${dir} is a file, not a folder`,
      'Name the folder (the repository) to write .devlog/ and .changelog/ into.',
    );
}

/** Without --repo the outputs go to the folder the session worked in: say plainly when it is gone. */
function checkRecordedCwd(path: string, agent: AgentId): void {
  const cwd = transcriptCwd(path, agent);
  // Unreadable (the run says why) or a session that names no folder.
  if (cwd === null && peekTranscript(path, agent, () => true) === null) return;
  if (cwd === null)
    throw new CliError(
      `${path} names no working folder to write into`,
      'Pass the repository to write into with --repo DIR.',
    );
  if (!isDirectory(cwd))
    throw new CliError(
      `the session's working folder ${cwd} no longer exists`,
      'Pass the repository to write into with --repo DIR (for example where the project lives now).',
    );
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch (err) {
    if (isErrno(err) && (err.code === 'ENOENT' || err.code === 'ENOTDIR')) return false;
    throw err;
  }
}

function realTranscriptPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    // Missing: the run reports it with the path as given.
    return path;
  }
}

function describe(o: RunOutcome): string {
  const lines: string[] = [];
  lines.push(`session   ${o.sessionId}`);
  lines.push(`repo      ${o.repo ?? '(none)'}`);
  lines.push(
    `read      ${o.lines} lines, ${o.bytesRead} bytes${o.oversized ? `, ${o.oversized} over the line cap (skipped)` : ''}`,
  );
  const skipped = Object.entries(o.skipped);
  if (skipped.length > 0) lines.push(`skipped   ${skipped.map(([k, v]) => `${k} ×${v}`).join(', ')}`);
  if (o.resync) lines.push(`re-synced transcript changed under the cursor (${o.resync})`);
  if (o.devlogPath) lines.push(`devlog    ${o.devlogPath}`);
  if (o.devlogError) lines.push(`devlog    NOT WRITTEN: ${o.devlogError}`);
  for (const e of o.windows.written) lines.push(`entry     ${e.run_id}  ${e.label}`);
  for (const f of o.windows.failed) lines.push(`FAILED    ${f.run_id}  ${f.stage}: ${f.message}`);
  for (const id of o.windows.deferred ?? [])
    lines.push(
      `PAUSED    ${id}  the evaluator is paused (auth error or usage limit); written after the pause, or with: shiplog retry`,
    );
  if (o.windows.written.length === 0 && o.windows.failed.length === 0 && !o.windows.deferred?.length)
    lines.push('entries   none closed in this run');
  return `${lines.join('\n')}\n`;
}
