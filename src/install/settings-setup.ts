import { existsSync } from 'node:fs';
import type { AgentSetup, Scope } from '../agents/agent.js';
import { CliError } from '../cli/errors.js';
import { type Check, info, missingPaths, ok, problem, REINSTALL } from '../doctor/check.js';
import { clientPresence } from '../find-on-path.js';
import { hookCommand, hookScript } from './hook-files.js';
import { editSettings, type HookSpec, readSettings, SettingsError, shiplogHandlers } from './hook-settings.js';
import { wordList } from '../word-list.js';

/**
 * Install, uninstall and doctor checks for a client that reads Claude-style command hooks from a
 * settings.json (Claude Code, Gemini CLI): one hook script for all its events.
 */
export interface SettingsClient {
  readonly spec: HookSpec;
  /** `--<flag>`, and the key doctor reports under (`<flag>.settings`). */
  readonly flag: string;
  readonly help: string;
  /** Its program, looked for on PATH. */
  readonly program: string;
  /** Its own folder: its presence means the client is installed. */
  dir(env: NodeJS.ProcessEnv): string;
  settingsPath(scope: Scope, env: NodeJS.ProcessEnv, projectDir?: string): string;
  /** The agent's id, as the install lines name it. */
  readonly id: string;
}

export function settingsSetup(c: SettingsClient): AgentSetup {
  const hook = hookScript(c.spec.script);
  const present = (env: NodeJS.ProcessEnv) => clientPresence(c.program, c.dir(env), env);
  const edit = (file: string, command: string | null): boolean => {
    try {
      return editSettings(c.spec, file, command);
    } catch (err) {
      if (err instanceof SettingsError) throw new CliError(err.message, 'Nothing was changed.');
      throw err;
    }
  };
  const events = c.spec.events.map((e) => e.name);
  const doctor = (ctx: { env: NodeJS.ProcessEnv; cwd: string }): Check[] => {
    const here = present(ctx.env).present;
    const user = c.settingsPath('user', ctx.env);
    // Run from the home folder, the project's settings are the user's: one file, checked once.
    const project = c.settingsPath('project', ctx.env, ctx.cwd);
    const files = project !== user && existsSync(project) ? [user, project] : [user];
    const out: Check[] = [];
    let wiredAnywhere = false;
    for (const file of files) {
      const key = file === user ? `${c.flag}.settings` : `${c.flag}.settings.project`;
      const read = handlersIn(c, file, key);
      if ('problem' in read) {
        out.push(read.problem);
        continue;
      }
      if (!events.some((e) => (read.handlers[e] ?? []).length > 0)) {
        if (file === user) out.push(unwiredCheck(c, file, key, here));
        continue;
      }
      wiredAnywhere = true;
      out.push(wiredCheck(c, hook, file, key, read.handlers));
    }
    if (!wiredAnywhere && !here) return out.filter((check) => check.key !== `${c.flag}.settings.project`);
    return out;
  };
  return {
    flag: c.flag,
    help: c.help,
    hookScripts: [hook],
    present,
    async install({ scope, node, env }) {
      const file = c.settingsPath(scope, env);
      return [
        edit(file, hookCommand(node, hook))
          ? `${c.id}: hooks registered in ${file}`
          : `${c.id}: ${file} already up to date`,
      ];
    },
    uninstall({ scope, env }) {
      const file = c.settingsPath(scope, env);
      return [edit(file, null) ? `${c.id}: hooks removed from ${file}` : `${c.id}: ${file} already up to date`];
    },
    doctor,
  };
}

/** Our handler commands per event in `file`, or the problem that keeps them from being read. */
function handlersIn(
  c: SettingsClient,
  file: string,
  key: string,
): { handlers: Record<string, string[]> } | { problem: Check } {
  try {
    return { handlers: shiplogHandlers(c.spec, readSettings(c.spec, file)) };
  } catch (err) {
    if (err instanceof SettingsError) {
      const fix = `fix ${file} (it must be valid JSON), then run: shiplog install --${c.flag}`;
      return { problem: problem(key, err.message, fix) };
    }
    throw err;
  }
}

/** The user's settings without any shiplog hook: a problem only where the client is installed. */
function unwiredCheck(c: SettingsClient, file: string, key: string, here: boolean): Check {
  if (here) {
    return problem(
      key,
      `${c.spec.client} is here but ${file} has no shiplog hooks`,
      `run: shiplog install --${c.flag}`,
    );
  }
  return info(key, `${c.spec.client} not found (no ${c.program} on PATH, no config folder); nothing to check`);
}

/** The first thing wrong with a file that has some of shiplog's hooks, or ok. */
function wiredCheck(
  c: SettingsClient,
  hook: string,
  file: string,
  key: string,
  handlers: Record<string, string[]>,
): Check {
  const events = c.spec.events.map((e) => e.name);
  const missing = events.filter((e) => (handlers[e] ?? []).length === 0);
  if (missing.length > 0) {
    return problem(key, `${file} lacks shiplog's ${missing.join(', ')} hook`, `run: shiplog install --${c.flag}`);
  }
  const gone = [...new Set(Object.values(handlers).flat().flatMap(missingPaths))];
  const stale = Object.values(handlers)
    .flat()
    .filter((cmd) => !cmd.includes(hook));
  if (gone.length > 0) return problem(key, `hooks in ${file} point at missing ${gone.join(', ')}`, REINSTALL);
  if (stale.length > 0) {
    return problem(key, `hooks in ${file} are not this shiplog's current hook (${stale[0]})`, REINSTALL);
  }
  return ok(key, `${wordList(events, 'and')} hooks in ${file}`);
}
