import { join } from 'node:path';
import type { HookSpec } from '../../install/hook-settings.js';
import { claudeConfigDir } from './paths.js';

/** shiplog's hooks in Claude Code's settings.json. */
export const CLAUDE_HOOKS: HookSpec = {
  client: 'Claude Code',
  script: 'claude-code',
  // SessionEnd and SubagentStop take a matcher.
  events: [
    { name: 'Stop', matcher: false },
    { name: 'SubagentStop', matcher: true },
    { name: 'SessionEnd', matcher: true },
  ],
  // SessionEnd hooks share a 1.5 s budget unless a hook in a settings file asks for more.
  timeout: 10,
};

export function claudeSettingsPath(
  scope: 'user' | 'project',
  env: NodeJS.ProcessEnv = process.env,
  projectDir = process.cwd(),
): string {
  if (scope === 'project') return join(projectDir, '.claude', 'settings.json');
  return join(claudeConfigDir(env), 'settings.json');
}
