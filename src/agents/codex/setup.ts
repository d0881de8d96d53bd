import { existsSync } from 'node:fs';
import type { AgentSetup, Scope } from '../agent.js';
import { CliError } from '../../cli/errors.js';
import { type Check, info, missingPaths, ok, problem, REINSTALL } from '../../doctor/check.js';
import { clientPresence, findOnPath } from '../../find-on-path.js';
import { readConfigText } from '../../install/config-file.js';
import { hookScript } from '../../install/hook-files.js';
import { ConfigEditError, hooksDisabled, inspectHooks, readNotify } from './codex-config.js';
import { chooseCodexMode, codexTarget, installCodex, uninstallCodex, userConfig } from './codex-install.js';
import { chainedNotify, isCodexHook, isCodexNotify, NOTIFY_SCRIPT } from './notify-argv.js';
import { codexHome } from './paths.js';
import { atLeast, CODEX_TRUST_SINCE, codexVersion } from './version.js';

/** `shiplog install --codex`, its uninstall, and its doctor checks: hooks (or notify) in config.toml. */

const HOOK = hookScript('codex');

const present = (env: NodeJS.ProcessEnv) => clientPresence('codex', codexHome(env), env);

function unlessConfigError<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof ConfigEditError) throw new CliError(err.message, 'Nothing was changed.');
    throw err;
  }
}

function hooksTurnedOff(file: string): boolean {
  const text = readConfigText(file);
  try {
    return text !== null && hooksDisabled(text);
  } catch (err) {
    if (err instanceof ConfigEditError)
      throw new CliError(
        err.message.replace(/^config\.toml/, file),
        'Fix the file (or move it aside), then run this again. Nothing was changed.',
      );
    throw err;
  }
}

async function install(opts: {
  scope: Scope;
  node: string;
  notify: boolean;
  binary: string | null;
  env: NodeJS.ProcessEnv;
}): Promise<string[]> {
  const target = codexTarget(opts.scope, opts.env);
  const version = opts.binary ? await codexVersion(opts.binary, opts.env) : null;
  const { mode, why } = chooseCodexMode(version, hooksTurnedOff(userConfig(target)), opts.notify);
  const trust = version === null || atLeast(version, CODEX_TRUST_SINCE);
  const result = unlessConfigError(() => installCodex(target, opts.node, mode, trust));
  const what = mode === 'hooks' ? 'hooks' : mode === 'notify' ? 'notify program' : 'hooks and notify program';
  return [
    ...result.changed.map((f) => `codex: ${what} registered in ${f}${why ? ` (${why})` : ''}`),
    ...result.unchanged.map((f) => `codex: ${f} already up to date`),
  ];
}

function uninstall(opts: { scope: Scope; env: NodeJS.ProcessEnv }): string[] {
  const result = unlessConfigError(() => uninstallCodex(codexTarget(opts.scope, opts.env)));
  return [
    ...result.changed.map((f) => `codex: shiplog removed from ${f}`),
    ...result.unchanged.map((f) => `codex: ${f} already up to date`),
  ];
}

function safeNotify(text: string): string[] | null {
  try {
    return readNotify(text);
  } catch (err) {
    if (err instanceof ConfigEditError) return null;
    throw err;
  }
}

type OurHooks = ReturnType<typeof inspectHooks>;

/** Our hooks in one config file, or the problem that keeps them from being read. */
function ourHooks(key: string, hooksFile: string, text: string, stateText: string | null): OurHooks | Check {
  try {
    return inspectHooks(text, { hooksFile, isOurs: isCodexHook, stateText: stateText ?? '' });
  } catch (err) {
    if (err instanceof ConfigEditError) {
      return problem(key, err.message, `fix ${hooksFile}, then run: shiplog install --codex`);
    }
    throw err;
  }
}

/** The first thing wrong with the hooks we found in `hooksFile`, or ok. */
function hooksCheck(key: string, hooksFile: string, hooks: OurHooks, userFile: string): Check {
  const events = new Set(hooks.map((h) => h.event));
  const untrusted = hooks.filter((h) => h.storedHash !== h.expectedHash);
  const disabled = hooks.filter((h) => !h.enabled);
  const gone = [...new Set(hooks.flatMap((h) => missingPaths(h.command)))];
  if (!events.has('Stop') || !events.has('SessionEnd')) {
    const lacking = events.has('Stop') ? 'SessionEnd' : 'Stop';
    return problem(key, `${hooksFile} lacks shiplog's ${lacking} hook`, 'run: shiplog install --codex');
  }
  if (untrusted.length > 0) {
    return problem(
      key,
      `Codex will skip ${untrusted.map((h) => h.key).join(', ')}: the stored trusted_hash does not match the hook`,
      'run: shiplog install --codex (or trust it in the Codex TUI with /hooks)',
    );
  }
  if (disabled.length > 0) {
    return problem(
      key,
      `${disabled.map((h) => h.key).join(', ')} disabled (enabled = false)`,
      `remove "enabled = false" from that [hooks.state] table in ${userFile}`,
    );
  }
  if (gone.length > 0) return problem(key, `hooks in ${hooksFile} point at missing ${gone.join(', ')}`, REINSTALL);
  if (hooks.some((h) => !h.command.includes(HOOK))) {
    return problem(key, `hooks in ${hooksFile} are not this shiplog's current hook`, REINSTALL);
  }
  return ok(key, `Stop and SessionEnd hooks in ${hooksFile}, trusted`);
}

/** The first thing wrong with our notify argv (ours, then the program it chains to), or ok. */
function notifyCheck(notify: string[], env: NodeJS.ProcessEnv, userFile: string): Check {
  const chained = chainedNotify(notify);
  const ours = notify.slice(0, notify.length - chained.length);
  const gone = ours.filter((p) => p.startsWith('/') && !existsSync(p));
  const program = chained[0];
  if (gone.length > 0) return problem('codex.notify', `notify points at missing ${gone.join(', ')}`, REINSTALL);
  if (program && !(program.startsWith('/') ? existsSync(program) : findOnPath(program, env))) {
    return problem(
      'codex.notify',
      `the notify program shiplog passes turns on to, ${program}, is not found`,
      `install ${program} again, or edit notify in ${userFile}`,
    );
  }
  if (!ours.includes(NOTIFY_SCRIPT)) {
    return problem('codex.notify', `notify is not this shiplog's current one (${ours.join(' ')})`, REINSTALL);
  }
  return ok('codex.notify', program ? `notify installed, chained to ${chained.join(' ')}` : 'notify installed');
}

function doctor(ctx: { env: NodeJS.ProcessEnv; cwd: string }): Check[] {
  const user = codexTarget('user', ctx.env, ctx.cwd);
  const project = codexTarget('project', ctx.env, ctx.cwd);
  const userFile = userConfig(user);
  const stateText = readConfigText(userFile);
  const out: Check[] = [];
  let hooksFound = false;
  for (const target of [user, project]) {
    const text = target === user ? stateText : readConfigText(target.hooksFile);
    if (text === null) continue;
    const key = target === user ? 'codex.hooks' : 'codex.hooks.project';
    const hooks = ourHooks(key, target.hooksFile, text, stateText);
    if (!Array.isArray(hooks)) {
      out.push(hooks);
      continue;
    }
    if (hooks.length === 0) continue;
    hooksFound = true;
    out.push(hooksCheck(key, target.hooksFile, hooks, userFile));
  }
  const notify = stateText === null ? null : safeNotify(stateText);
  if (notify && isCodexNotify(notify)) out.push(notifyCheck(notify, ctx.env, userFile));
  else if (!hooksFound) {
    if (present(ctx.env).present) {
      const message = `Codex is here but ${userFile} has no shiplog hooks or notify`;
      out.push(problem('codex.hooks', message, 'run: shiplog install --codex'));
    } else out.push(info('codex.hooks', 'Codex not found (no codex on PATH, no $CODEX_HOME); nothing to check'));
  }
  return out;
}

export const codexSetup: AgentSetup = {
  flag: 'codex',
  help: `  Codex         Stop and SessionEnd hooks in $CODEX_HOME/config.toml (default ~/.codex;
                --scope project: ./.codex/config.toml), trusted through hooks.state so Codex
                runs them without asking. Codex before 0.124, or with hooks turned off, gets
                the notify program instead; a notify program you already have keeps running.`,
  hookScripts: [HOOK, NOTIFY_SCRIPT],
  present,
  install,
  uninstall,
  doctor,
};
