import { settingsSetup } from '../../install/settings-setup.js';
import { claudeConfigDir } from './paths.js';
import { CLAUDE_HOOKS, claudeSettingsPath } from './settings.js';

/** `shiplog install --claude`, its uninstall, and its doctor checks: hooks in settings.json. */
export const claudeSetup = settingsSetup({
  id: 'claude-code',
  spec: CLAUDE_HOOKS,
  flag: 'claude',
  program: 'claude',
  help: `  Claude Code   Stop, SubagentStop and SessionEnd hooks in settings.json
                ($CLAUDE_CONFIG_DIR or ~/.claude; --scope project: ./.claude/settings.json)`,
  dir: claudeConfigDir,
  settingsPath: claudeSettingsPath,
});
