import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { claudeSettingsPath, hookCommand, readSettings, SettingsError, withoutShiplogHooks, withShiplogHooks, writeSettings } from '../install/claude-settings.js';
import { CliError } from './errors.js';

export const INSTALL_HELP = `Usage: shiplog install [--scope user|project] [--uninstall]

Registers shiplog's hook for Claude Code's Stop, SubagentStop and SessionEnd events in
settings.json ($CLAUDE_CONFIG_DIR/settings.json or ~/.claude/settings.json; with
--scope project, ./.claude/settings.json). Other settings and other hooks are kept; the old
file is saved as settings.json.shiplog.bak. Running it again changes nothing.

Options:
  --scope user|project   which settings file (default: user)
  --uninstall            remove shiplog's hooks again, and nothing else
  -h, --help             show this help
`;

const HOOK = fileURLToPath(new URL('../../../hooks/claude-code.cjs', import.meta.url));

export async function installCommand(argv: string[], uninstall = false): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scope: { type: 'string', default: 'user' },
      uninstall: { type: 'boolean', default: uninstall },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(INSTALL_HELP);
    return 0;
  }
  if (values.scope !== 'user' && values.scope !== 'project') throw new CliError(`unknown scope "${values.scope}"`, 'Use --scope user or --scope project.');
  const file = claudeSettingsPath(values.scope);
  try {
    const before = readSettings(file);
    const after = values.uninstall ? withoutShiplogHooks(before) : withShiplogHooks(before, hookCommand(process.execPath, HOOK));
    const changed = writeSettings(file, before, after);
    const verb = values.uninstall ? 'removed from' : 'registered in';
    process.stdout.write(changed ? `claude-code: hooks ${verb} ${file}\n` : `claude-code: ${file} already up to date\n`);
    return 0;
  } catch (err) {
    if (err instanceof SettingsError) throw new CliError(err.message, 'Nothing was changed.');
    throw err;
  }
}
