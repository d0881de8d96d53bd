import { join } from 'node:path';
import type { HookSpec } from '../../install/hook-settings.js';
import { geminiDir } from './paths.js';

/**
 * shiplog's hooks in Gemini CLI's settings.json (docs/gemini-cli.md): AfterAgent ends a turn,
 * SessionEnd the session. Gemini reads `timeout` in milliseconds.
 */
export const GEMINI_HOOKS: HookSpec = {
  client: 'Gemini CLI',
  script: 'gemini',
  events: [
    { name: 'AfterAgent', matcher: false },
    { name: 'SessionEnd', matcher: false },
  ],
  timeout: 10_000,
};

export function geminiSettingsPath(
  scope: 'user' | 'project',
  env: NodeJS.ProcessEnv = process.env,
  projectDir = process.cwd(),
): string {
  if (scope === 'project') return join(projectDir, '.gemini', 'settings.json');
  return join(geminiDir(env), 'settings.json');
}
