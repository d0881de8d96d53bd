import { join } from 'node:path';
import { codexHome } from './paths.js';
import { atLeast, CODEX_HOOKS_SINCE, type Version } from './version.js';
import { editConfigFile as editAnyConfigFile, readConfigText } from '../../install/config-file.js';
import {
  ConfigEditError,
  installHooks,
  readNotify,
  rekeyTrust,
  setNotify,
  setTrust,
  uninstallHooks,
  type CodexHook,
} from './codex-config.js';
import { hookCommand, hookScript } from '../../install/hook-files.js';
import { chainedNotify, isCodexHook, isCodexNotify, notifyArgv } from './notify-argv.js';

/**
 * Wiring shiplog into Codex's config.toml: the Stop and SessionEnd hooks with the trust entries
 * Codex ≥ 0.130 needs to run them without asking, and/or the `notify` program (chained to the
 * user's own). The text edits are in codex-config.ts; this file decides what goes where.
 */

/** Edits one config.toml; an error names the file (codex-config.ts only knows the text). */
function editConfigFile(file: string, edit: (text: string | null) => string, newMode: number): boolean {
  try {
    return editAnyConfigFile(file, edit, newMode);
  } catch (err) {
    if (err instanceof ConfigEditError)
      throw new ConfigEditError(err.message.replace(/^config\.toml/, file), { cause: err });
    throw err;
  }
}

export type CodexMode = 'hooks' | 'notify' | 'both';

/** Hooks where Codex has them (≥ 0.124) and they are on; the notify program otherwise, or on request as well. */
export function chooseCodexMode(
  version: Version | null,
  hooksOff: boolean,
  alsoNotify: boolean,
): { mode: CodexMode; why: string | null } {
  if (version && !atLeast(version, CODEX_HOOKS_SINCE))
    return { mode: 'notify', why: `Codex ${version.join('.')} predates hooks` };
  if (hooksOff) return { mode: 'notify', why: 'hooks are turned off in [features]' };
  return { mode: alsoNotify ? 'both' : 'hooks', why: null };
}

export interface CodexTarget {
  /** $CODEX_HOME: its config.toml holds the trust state (and the hooks, for the user scope). */
  home: string;
  /** The file that declares the hooks: $CODEX_HOME/config.toml, or <project>/.codex/config.toml. */
  hooksFile: string;
}

export function codexTarget(
  scope: 'user' | 'project',
  env: NodeJS.ProcessEnv = process.env,
  projectDir = process.cwd(),
): CodexTarget {
  const home = codexHome(env);
  return {
    home,
    hooksFile: scope === 'project' ? join(projectDir, '.codex', 'config.toml') : join(home, 'config.toml'),
  };
}

export const userConfig = (t: CodexTarget): string => join(t.home, 'config.toml');

/** The hooks shiplog registers. Stop gets a short timeout (Codex's default is 600 s); SessionEnd keeps Codex's own 1 s. */
function shiplogCodexHooks(nodePath: string): CodexHook[] {
  const command = hookCommand(nodePath, hookScript('codex'));
  return [
    { event: 'Stop', command, timeout: 10 },
    { event: 'SessionEnd', command },
  ];
}

function shiplogNotify(nodePath: string, chained: string[]): string[] {
  return [...notifyArgv(nodePath), ...chained];
}

/** The user's own notify program behind ours (or theirs as it is, when ours is not there). */
export interface CodexInstallResult {
  changed: string[];
  unchanged: string[];
}

/**
 * Makes the config say what `mode` asks for and nothing more of shiplog's: a hooks-only install
 * hands `notify` back to the user's program if an earlier install had taken it. `trust` writes
 * the `hooks.state` hashes (Codex ≥ 0.130; older releases do not know the table).
 */
export function installCodex(
  target: CodexTarget,
  nodePath: string,
  mode: CodexMode,
  trust: boolean,
): CodexInstallResult {
  const result: CodexInstallResult = { changed: [], unchanged: [] };
  const note = (file: string, changed: boolean) => (changed ? result.changed : result.unchanged).push(file);
  const stateFile = userConfig(target);
  const withHooks = mode !== 'notify';
  let trustEntries: { key: string; hash: string }[] = [];

  note(
    target.hooksFile,
    editConfigFile(
      target.hooksFile,
      (text) => {
        let next = text ?? '';
        if (withHooks) {
          const installed = installHooks(next, {
            hooksFile: target.hooksFile,
            hooks: shiplogCodexHooks(nodePath),
            isOurs: isCodexHook,
          });
          next = installed.text;
          trustEntries = installed.trust;
        } else next = removeHooks(next, target.hooksFile, target.hooksFile === stateFile);
        if (target.hooksFile === stateFile) {
          if (trust && withHooks) next = setTrust(next, trustEntries);
          next = withNotify(next, mode !== 'hooks' ? nodePath : null);
        }
        return next;
      },
      0o600,
    ),
  );
  if (target.hooksFile !== stateFile) {
    note(
      stateFile,
      editConfigFile(
        stateFile,
        (text) => {
          let next = text ?? '';
          if (trust && withHooks) next = setTrust(next, trustEntries);
          return withNotify(next, mode !== 'hooks' ? nodePath : null);
        },
        0o600,
      ),
    );
  }
  return result;
}

/** Removes shiplog's hooks, their trust entries (re-keying the user's hooks declared after ours) and our notify. */
export function uninstallCodex(target: CodexTarget): CodexInstallResult {
  const result: CodexInstallResult = { changed: [], unchanged: [] };
  const stateFile = userConfig(target);
  let rekey = new Map<string, string | null>();
  const edit = (file: string, fn: (text: string) => string) => {
    if (readConfigText(file) === null) return;
    (editConfigFile(file, (text) => fn(text ?? ''), 0o600) ? result.changed : result.unchanged).push(file);
  };
  edit(target.hooksFile, (text) => {
    const removed = uninstallHooks(text, { hooksFile: target.hooksFile, isOurs: isCodexHook });
    rekey = removed.rekey;
    return target.hooksFile === stateFile ? withNotify(rekeyTrust(removed.text, rekey), null) : removed.text;
  });
  if (target.hooksFile !== stateFile) edit(stateFile, (text) => withNotify(rekeyTrust(text, rekey), null));
  return result;
}

function removeHooks(text: string, hooksFile: string, sameFileHoldsTrust: boolean): string {
  const removed = uninstallHooks(text, { hooksFile, isOurs: isCodexHook });
  return sameFileHoldsTrust ? rekeyTrust(removed.text, removed.rekey) : removed.text;
}

/** With a node path: our notify in front of the user's program. With null: the user's program alone (or none). */
function withNotify(text: string, nodePath: string | null): string {
  const current = readNotify(text);
  const chained = chainedNotify(current);
  if (nodePath) return setNotify(text, shiplogNotify(nodePath, chained));
  if (current && isCodexNotify(current)) return setNotify(text, chained.length > 0 ? chained : null);
  return text;
}
