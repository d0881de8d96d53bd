import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigProblem, LoadedConfig } from '../config/config.js';
import type { Config } from '../config/config.js';
import { configForSession } from '../config/session-config.js';
import { repoRoot } from '../git.js';
import { isErrno } from '../kit/errno.js';
import { agentSetups, hookedAgents } from '../agents/registry.js';
import { findOnPath } from '../find-on-path.js';
import { workerEntry } from '../install/hook-files.js';
import { type Check, type DoctorContext, info, ok, problem } from './check.js';
import { statePaths } from '../paths.js';
import { activeBackoffs } from '../evaluator/backoff.js';
import { chooseEvaluator, evaluatorOf } from '../evaluator/choose.js';
import type { Db } from '../state/db.js';
import { BAD_JOBS_DIR } from '../worker/jobs.js';
import { getMeta } from '../state/meta.js';
import { windowsAwaitingEvaluation } from '../state/unwritten-windows.js';
import { dueSessions, QUIET_MS } from '../worker/sweep.js';
import { stateDbCheck } from './state-db.js';
import { failuresSince, hookFires, lastRun, recentOutputs } from '../state/report.js';
import { wordList } from '../word-list.js';
import { age } from '../age.js';

export type { Check, DoctorContext } from './check.js';

/** What `shiplog doctor` checks; each agent's own checks come from its setup (src/agents/<agent>/setup.ts). */
export async function runChecks(ctx: DoctorContext): Promise<Check[]> {
  const all = await agentSetups();
  const agentChecks = all.flatMap(({ setup }) => setup.doctor(ctx));
  const scripts = all.flatMap(({ setup }) => setup.hookScripts);
  const names = all.map((s) => s.agent.label);
  // The settings shown are those of a session working here: its repository's (session-config.ts).
  const here = configForSession(await repoRoot(ctx.cwd), ctx.env);
  const registered = registeredCheck(
    agentChecks,
    names,
    all.map((s) => `--${s.setup.flag}`),
  );
  const config = configChecks(here);
  return [nodeCheck(), hookFilesCheck(scripts), ...config, ...agentChecks, ...registered, ...stateChecks(ctx, here)];
}

function nodeCheck(): Check {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20)
    return problem(
      'node',
      `node ${process.version} at ${process.execPath} is older than 20`,
      'install Node.js 20 or newer, then run ./install.sh again',
    );
  return ok('node', `${process.execPath} (${process.version})`);
}

/**
 * With no agent wired at all, shiplog records nothing: that is a problem to fix, not "all ok"
 * (agent checks that only say "not found" are info).
 */
function registeredCheck(agentChecks: Check[], names: string[], flags: string[]): Check[] {
  if (agentChecks.some((c) => c.status !== 'info')) return [];
  const any = wordList(names, 'or') || 'agent';
  return [
    problem(
      'agents',
      `no ${any} is registered: no session is recorded`,
      `install ${any}, then run: shiplog install (or name one: shiplog install ${flags.join(' / ')})`,
    ),
  ];
}

function hookFilesCheck(scripts: string[]): Check {
  const missing = [...scripts, workerEntry].filter((f) => !existsSync(f));
  if (missing.length > 0)
    return problem(
      'hooks.files',
      `missing: ${missing.join(', ')}`,
      'run ./install.sh in the shiplog checkout (it builds the worker)',
    );
  return ok('hooks.files', `hooks and worker present in ${join(scripts[0] ?? workerEntry, '..', '..')}`);
}

function configChecks(loaded: LoadedConfig): Check[] {
  const { sources } = loaded;
  // Keys a repository may not set are not mistakes to fix: config.repo.<repo> reports them.
  const problems = loaded.problems.filter((p) => !p.refused);
  const refused = repoConfigCheck(loaded);
  return refused ? [...configFileChecks(problems, sources), refused] : configFileChecks(problems, sources);
}

/** What a repository's .shiplog.toml set that shiplog ignores until the user trusts the file. */
function repoConfigCheck(loaded: LoadedConfig): Check | null {
  const refused = loaded.problems.filter((p) => p.refused);
  if (!loaded.repo || refused.length === 0) return null;
  const { top, file, changed } = loaded.repo;
  const keys = refused.map((p) => p.key).join(', ');
  return problem(
    `config.repo.${top}`,
    `${file} tries to set ${keys}, which only you may set${changed ? ' (it changed since you trusted it)' : ''}; ignored`,
    `if you trust what it says (read it first: it can run programs and send your sessions elsewhere), run: shiplog trust ${top}; otherwise nothing to do`,
  );
}

/** Invalid config files or values: each with the file and key to fix. */
function configFileChecks(problems: ConfigProblem[], sources: Record<string, string>): Check[] {
  if (problems.length === 0) {
    const files = [...new Set(Object.values(sources).filter((s) => s !== 'default'))];
    return [ok('config', files.length > 0 ? `read from ${files.join(', ')}` : 'defaults (no config file)')];
  }
  return problems.map((p) =>
    problem(
      'config',
      `${p.file}${p.key ? `: ${p.key}` : ''}: ${p.message} (hooks use the default for it meanwhile)`,
      `fix ${p.key ? `"${p.key}" in ` : ''}${p.file}; "shiplog config show" lists the valid keys`,
    ),
  );
}

function stateChecks(ctx: DoctorContext, here: LoadedConfig): Check[] {
  const paths = statePaths(ctx.stateDir);
  // Doctor only reads: a damaged database is reported, not rebuilt (state-db.ts).
  const { db, check } = stateDbCheck(ctx.stateDir);
  if (!db) return [check];
  const out: Check[] = [check];
  try {
    const fires = hookFires(db);
    for (const { id: agent } of hookedAgents) {
      const mine = fires.filter((f) => f.agent === agent);
      const latest = mine[0];
      if (!latest)
        out.push(
          info(`hooks.last_fire.${agent}`, 'no hook fire recorded yet (it shows after the first turn of a session)'),
        );
      else
        out.push(
          info(
            `hooks.last_fire.${agent}`,
            `${latest.event} ${age(latest.last_at, ctx.now)} (${mine.map((f) => `${f.event} ×${f.count}`).join(', ')})`,
          ),
        );
    }
    const run = lastRun(db);
    if (!run) out.push(info('worker.last_run', 'no worker run yet'));
    else if (run.status === 'error')
      out.push(
        problem(
          'worker.last_run',
          `${age(run.started_at, ctx.now)}, session ${run.session_id}: ${run.error ?? 'failed'}`,
          `see ${paths.log}; the next trigger retries from the same place`,
        ),
      );
    else
      out.push(
        info(
          'worker.last_run',
          `${age(run.started_at, ctx.now)}, session ${run.session_id}, ${run.trigger}, ${run.status}`,
        ),
      );
    const stale = staleJobs(paths.spool, ctx.now);
    if (stale > 0)
      out.push(
        problem(
          'worker.spool',
          `${stale} hook job(s) waiting for more than 5 minutes`,
          `see ${paths.log}; a worker starts with the next hook, or run: shiplog flush`,
        ),
      );
    const badDir = join(paths.spool, BAD_JOBS_DIR);
    const bad = countFiles(badDir);
    if (bad > 0)
      out.push(
        problem(
          'worker.spool.bad',
          `${bad} hook job(s) could not be read and were kept in ${badDir}`,
          `see ${paths.log} ("unreadable hook job moved aside"); they are kept only for inspection: read them, then remove them (rm ${badDir}/*)`,
        ),
      );

    out.push(sweepCheck(ctx, db));
    out.push(...evaluatorChecks(ctx, db, here.config.changelog.evaluator));

    const dayAgo = new Date(ctx.now.getTime() - 24 * 3600_000).toISOString();
    const failures = failuresSince(db, dayAgo);
    if (failures.length > 0) {
      const where = [...new Set(failures.map((f) => join(f.repo, '.changelog', f.actor, 'failures.jsonl')))];
      out.push(
        problem(
          'failures.24h',
          `${failures.length} window(s) failed in the last day: ${failures[0]?.error ?? ''}`,
          `read ${where.join(', ')}`,
        ),
      );
    } else out.push(ok('failures.24h', 'no failed windows in the last day'));

    const weekAgo = new Date(ctx.now.getTime() - 7 * 24 * 3600_000).toISOString();
    const outputs = recentOutputs(db, weekAgo);
    for (const { repo, actor } of outputs) out.push(outputCheck(repo, actor));
    // The current folder's repository is reported by configChecks.
    for (const repo of new Set(outputs.map((o) => o.repo).filter((r) => r !== here.repo?.top && existsSync(r)))) {
      const check = repoConfigCheck(configForSession(repo, ctx.env));
      if (check) out.push(check);
    }
  } finally {
    db.close();
  }
  return out;
}

/**
 * Sessions whose transcript grew with no hook to say so (a killed client, hooks off), quiet for a
 * while: the sweep reads them; until it has, their devlog and entry lag behind.
 */
function sweepCheck(ctx: DoctorContext, db: Db): Check {
  const last = getMeta(db, 'sweep.last');
  const when = last === null ? 'no sweep has run yet' : `last sweep ${age(last, ctx.now)}`;
  const behind = dueSessions(db, ctx.now).filter((s) => s.due === 'grown' && ctx.now.getTime() - s.mtimeMs >= QUIET_MS);
  // Not a problem: a killed client is an ordinary event, and the next worker's sweep reads them.
  if (behind.length > 0)
    return info(
      'sweep',
      `${behind.length} session(s) grew with no hook to say so (${behind[0]?.sessionId}${behind.length > 1 ? ', …' : ''}); the next worker's sweep reads them, or now: shiplog sweep; ${when}`,
    );
  const installed = getMeta(db, 'installed_at') !== null;
  // No user timer is installed (issue 16 left it optional): say what runs the sweep instead.
  return ok(
    'sweep',
    `${when}; ${installed ? 'sessions no hook named are looked for since shiplog install' : 'only sessions a hook named are followed up (run shiplog install to look for the others)'}; no timer: workers on their way out, shiplog status, doctor and flush start it`,
  );
}

/** Which evaluator writes entries, whether it can run, and whether it is paused or owes windows. */
function evaluatorChecks(ctx: DoctorContext, db: Db, setting: Config['changelog']['evaluator']): Check[] {
  const out: Check[] = [];
  const choice = chooseEvaluator(setting, ctx.env);
  if (choice.name === 'heuristic')
    out.push(
      ok(
        'evaluator',
        setting === 'auto' ? 'auto: no logged-in claude or codex found, using the heuristic' : 'heuristic (offline)',
      ),
    );
  else if (!findOnPath(choice.name, ctx.env))
    out.push(
      problem(
        'evaluator',
        `${choice.name} is the evaluator but is not on PATH`,
        `install the ${choice.name} CLI, or set changelog.evaluator = "heuristic" (CTX_CHANGELOG_EVALUATOR)`,
      ),
    );
  else if (!evaluatorOf(choice.name)?.loggedIn(ctx.env))
    out.push(
      problem(
        'evaluator',
        `${choice.name} at ${choice.bin} does not look logged in`,
        `log in once: ${evaluatorOf(choice.name)?.login ?? choice.name}`,
      ),
    );
  else out.push(ok('evaluator', `${setting === 'auto' ? 'auto: ' : ''}${choice.name} at ${choice.bin}`));
  for (const b of activeBackoffs(db, ctx.now)) {
    out.push(
      problem(
        `evaluator.paused.${b.evaluator}`,
        `${b.evaluator} paused until ${b.until} after ${b.reason === 'auth' ? 'an authentication error' : 'a usage or rate limit'}: ${b.message}`,
        b.reason === 'auth'
          ? `log in to ${b.evaluator} again, then: shiplog retry`
          : 'wait, or try now with: shiplog retry',
      ),
    );
  }
  const waiting = windowsAwaitingEvaluation(db);
  if (waiting > 0) {
    const fix = 'shiplog retry (or shiplog status to see which)';
    out.push(problem('evaluator.waiting', `${waiting} window(s) wait for their evaluation`, fix));
  }
  return out;
}

function outputCheck(repo: string, actor: string | null): Check {
  const key = `output.${repo}`;
  const candidates = actor
    ? [join(repo, '.changelog', actor), join(repo, '.changelog')]
    : [join(repo, '.devlog', 'sessions'), join(repo, '.devlog')];
  const dir = [...candidates, repo].find((d) => existsSync(d));
  if (!dir) return problem(key, `${repo} no longer exists`, 'nothing to do if the repository was removed');
  try {
    accessSync(dir, constants.W_OK);
    return ok(key, `${dir} writable`);
  } catch {
    return problem(key, `${dir} is not writable`, `make it writable for this user (chmod u+w ${dir})`);
  }
}

function staleJobs(spool: string, now: Date): number {
  let count = 0;
  let sessions: string[];
  try {
    sessions = readdirSync(spool);
  } catch (err) {
    if (isErrno(err) && err.code === 'ENOENT') return 0; // no hook has fired yet
    throw err;
  }
  // Session folders only: spool/.bad/ holds jobs kept aside, not jobs waiting.
  for (const s of sessions.filter((n) => !n.startsWith('.'))) {
    let names: string[];
    try {
      names = readdirSync(join(spool, s)).filter((n) => n.endsWith('.json'));
    } catch {
      continue; // removed by its worker after the listing, or a stray file
    }
    for (const n of names) {
      try {
        if (now.getTime() - statSync(join(spool, s, n)).mtimeMs > 5 * 60_000) count++;
      } catch {
        // Taken by a worker between the listing and the stat.
      }
    }
  }
  return count;
}

function countFiles(dir: string): number {
  try {
    return readdirSync(dir).length;
  } catch (err) {
    if (isErrno(err) && err.code === 'ENOENT') return 0; // no job was ever kept aside
    throw err;
  }
}
