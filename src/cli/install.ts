import { parseArgs } from 'node:util';
import { atLeast, CODEX_TRUST_SINCE, codexVersion, detectAgents } from '../install/agents.js';
import { claudeSettingsPath, editSettings, SettingsError } from '../install/claude-settings.js';
import { readConfigText } from '../install/config-file.js';
import { ConfigEditError, hooksDisabled } from '../install/codex-config.js';
import { chooseCodexMode, codexTarget, installCodex, uninstallCodex, userConfig } from '../install/codex-install.js';
import { hookCommand, hookFiles } from '../install/hook-files.js';
import { CliError, UsageError } from './errors.js';
import { stateDir } from '../paths.js';
import { openDb } from '../state/db.js';
import { getMeta, setMeta } from '../state/meta.js';

export const INSTALL_HELP = `Usage: shiplog install [--claude] [--codex] [--scope user|project] [--notify]
       shiplog uninstall [--claude] [--codex] [--scope user|project]

Registers shiplog with the coding agents on this machine, so every session records itself.
Without --claude / --codex: each agent that is installed (on PATH) or has its config folder.

  Claude Code   Stop, SubagentStop and SessionEnd hooks in settings.json
                ($CLAUDE_CONFIG_DIR or ~/.claude; --scope project: ./.claude/settings.json)
  Codex         Stop and SessionEnd hooks in $CODEX_HOME/config.toml (default ~/.codex;
                --scope project: ./.codex/config.toml), trusted through hooks.state so Codex
                runs them without asking. Codex before 0.124, or with hooks turned off, gets
                the notify program instead; a notify program you already have keeps running.

Every other setting, comment and hook is kept; the previous file is saved as
<file>.shiplog.bak and the new one written atomically. Running it again changes nothing.
uninstall removes shiplog's entries and nothing else, and gives notify back to your program.

Options:
  --claude, --codex      only these agents (installs even if the agent is not found)
  --scope user|project   user-wide (default) or for the repository in the current folder
  --notify               Codex: also install the notify program next to the hooks
  -h, --help             show this help
`;

export async function installCommand(argv: string[], uninstall = false): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      claude: { type: 'boolean', default: false },
      codex: { type: 'boolean', default: false },
      scope: { type: 'string', default: 'user' },
      notify: { type: 'boolean', default: false },
      uninstall: { type: 'boolean', default: uninstall },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(INSTALL_HELP);
    return 0;
  }
  const scope = values.scope;
  if (scope !== 'user' && scope !== 'project') throw new UsageError(`unknown scope "${scope}"`, 'Use --scope user or --scope project.');
  const explicit = values.claude || values.codex;
  const found = detectAgents();
  const claude = values.uninstall ? !values.codex || values.claude : explicit ? values.claude : found.claude.present;
  const codex = values.uninstall ? !values.claude || values.codex : explicit ? values.codex : found.codex.present;
  if (!claude && !codex) {
    process.stdout.write(
      'No Claude Code or Codex found (no claude or codex on PATH, no ~/.claude or ~/.codex); nothing to register.\n' +
        'Run "shiplog install" again once one is installed, or name one: shiplog install --claude / --codex.\n',
    );
    return 0;
  }
  if (claude) installClaude(scope, values.uninstall);
  if (codex) {
    if (values.uninstall) reportCodex(uninstallCodexSafely(scope), 'removed from');
    else await installCodexCommand(scope, found.codex.binary, values.notify);
  }
  if (!values.uninstall) recordInstallTime();
  return 0;
}

/**
 * The sweep reads sessions no hook told about only from here on (older ones are backfill's job).
 * The first install's time stays: installing again must not hide the sessions in between.
 */
function recordInstallTime(): void {
  const db = openDb(stateDir());
  try {
    if (getMeta(db, 'installed_at') === null) setMeta(db, 'installed_at', new Date().toISOString());
  } finally {
    db.close();
  }
}

function installClaude(scope: 'user' | 'project', uninstall: boolean): void {
  const file = claudeSettingsPath(scope);
  try {
    const command = hookCommand(process.execPath, hookFiles.claude);
    const changed = editSettings(file, uninstall ? null : command);
    const verb = uninstall ? 'removed from' : 'registered in';
    process.stdout.write(changed ? `claude-code: hooks ${verb} ${file}\n` : `claude-code: ${file} already up to date\n`);
  } catch (err) {
    if (err instanceof SettingsError) throw new CliError(err.message, 'Nothing was changed.');
    throw err;
  }
}

async function installCodexCommand(scope: 'user' | 'project', binary: string | null, alsoNotify: boolean): Promise<void> {
  const target = codexTarget(scope);
  const version = binary ? await codexVersion(binary) : null;
  const { mode, why } = chooseCodexMode(version, hooksTurnedOff(userConfig(target)), alsoNotify);
  const trust = version === null || atLeast(version, CODEX_TRUST_SINCE);
  try {
    const result = installCodex(target, process.execPath, mode, trust);
    const what = mode === 'hooks' ? 'hooks' : mode === 'notify' ? 'notify program' : 'hooks and notify program';
    for (const f of result.changed) process.stdout.write(`codex: ${what} registered in ${f}${why ? ` (${why})` : ''}\n`);
    for (const f of result.unchanged) process.stdout.write(`codex: ${f} already up to date\n`);
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
    if (err instanceof ConfigEditError) throw new CliError(err.message.replace(/^config\.toml/, file), 'Fix the file (or move it aside), then run this again. Nothing was changed.');
    throw err;
  }
}

function uninstallCodexSafely(scope: 'user' | 'project') {
  try {
    return uninstallCodex(codexTarget(scope));
  } catch (err) {
    if (err instanceof ConfigEditError) throw new CliError(err.message, 'Nothing was changed.');
    throw err;
  }
}

function reportCodex(result: { changed: string[]; unchanged: string[] }, verb: string): void {
  for (const f of result.changed) process.stdout.write(`codex: shiplog ${verb} ${f}\n`);
  for (const f of result.unchanged) process.stdout.write(`codex: ${f} already up to date\n`);
}
