import { settingsSetup } from '../../install/settings-setup.js';
import { geminiDir } from './paths.js';
import { GEMINI_HOOKS, geminiSettingsPath } from './settings.js';

/** `shiplog install --gemini`, its uninstall, and its doctor checks: hooks in settings.json. */
export const geminiSetup = settingsSetup({
  id: 'gemini',
  spec: GEMINI_HOOKS,
  flag: 'gemini',
  program: 'gemini',
  help: `  Gemini CLI    AfterAgent and SessionEnd hooks in settings.json
                ($GEMINI_CLI_HOME/.gemini or ~/.gemini; --scope project: ./.gemini/settings.json)`,
  dir: geminiDir,
  settingsPath: geminiSettingsPath,
});
