import { join } from 'node:path';
import { z } from 'zod';
import { claudeConfigDir } from './agents.js';
import { editConfigFile, readConfigText } from './config-file.js';
import { isClaudeHook } from './hook-files.js';

/**
 * Registering shiplog's hook in Claude Code's settings.json. Everything else in the file — other
 * keys, other tools' hooks — is kept as it was; a file that is not valid JSON is refused.
 */

export const CLAUDE_EVENTS = ['Stop', 'SubagentStop', 'SessionEnd'] as const;
/** SessionEnd hooks share a 1.5 s budget unless a hook in a settings file asks for more. */
const TIMEOUT_SECONDS = 10;

const Handler = z.looseObject({ type: z.string().optional(), command: z.string().optional() });
const MatcherGroup = z.looseObject({ matcher: z.string().optional(), hooks: z.array(Handler).optional() });
const Settings = z.looseObject({ hooks: z.record(z.string(), z.array(MatcherGroup)).optional() });
type Settings = z.infer<typeof Settings>;

export class SettingsError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'SettingsError';
  }
}

export function claudeSettingsPath(scope: 'user' | 'project', env: NodeJS.ProcessEnv = process.env, projectDir = process.cwd()): string {
  if (scope === 'project') return join(projectDir, '.claude', 'settings.json');
  return join(claudeConfigDir(env), 'settings.json');
}

/** A handler shiplog installed (hooks/claude-code.cjs), from this checkout or an older one elsewhere. */
function isOurs(h: z.infer<typeof Handler>): boolean {
  return typeof h.command === 'string' && isClaudeHook(h.command);
}

/** Pure: returns the settings with shiplog's handlers present exactly once per event. */
export function withShiplogHooks(settings: Settings, command: string): Settings {
  const hooks: Record<string, z.infer<typeof MatcherGroup>[]> = { ...(settings.hooks ?? {}) };
  for (const event of CLAUDE_EVENTS) {
    const groups = (hooks[event] ?? []).map((g) => ({ ...g, hooks: (g.hooks ?? []).filter((h) => !isOurs(h) || h.command === command) }));
    const present = groups.some((g) => (g.hooks ?? []).some((h) => h.command === command));
    const kept = groups.filter((g) => (g.hooks ?? []).length > 0 || g.hooks === undefined);
    if (!present) kept.push({ ...(event === 'Stop' ? {} : { matcher: '' }), hooks: [{ type: 'command', command, timeout: TIMEOUT_SECONDS }] });
    hooks[event] = kept;
  }
  return { ...settings, hooks };
}

/** For `shiplog doctor`: shiplog's handler commands per event (an empty list: not installed there). */
export function shiplogHandlers(settings: Settings): Record<(typeof CLAUDE_EVENTS)[number], string[]> {
  const pick = (event: string) => (settings.hooks?.[event] ?? []).flatMap((g) => g.hooks ?? []).flatMap((h) => (isOurs(h) && h.command ? [h.command] : []));
  return { Stop: pick('Stop'), SubagentStop: pick('SubagentStop'), SessionEnd: pick('SessionEnd') };
}

/** Pure: removes shiplog's handlers (and groups left empty by that), nothing else. */
export function withoutShiplogHooks(settings: Settings): Settings {
  if (!settings.hooks) return settings;
  const hooks: Record<string, z.infer<typeof MatcherGroup>[]> = {};
  for (const [event, groups] of Object.entries(settings.hooks)) {
    const kept = groups
      .map((g) => (g.hooks ? { ...g, hooks: g.hooks.filter((h) => !isOurs(h)) } : g))
      .filter((g) => g.hooks === undefined || g.hooks.length > 0);
    if (kept.length > 0) hooks[event] = kept;
  }
  // Rebuilt key by key so "hooks" keeps its place in the user's file.
  const out: Settings = {};
  for (const [key, value] of Object.entries(settings)) {
    if (key !== 'hooks') out[key] = value;
    else if (Object.keys(hooks).length > 0) out.hooks = hooks;
  }
  return out;
}

export function readSettings(file: string): Settings {
  return parseSettings(readConfigText(file), file);
}

function parseSettings(text: string | null, file: string): Settings {
  if (text === null || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new SettingsError(`${file} is not valid JSON (${err instanceof Error ? err.message : String(err)}); fix it or move it aside, then run this again`, file);
  }
  const settings = Settings.safeParse(parsed);
  if (!settings.success) throw new SettingsError(`${file} does not look like Claude Code settings (${settings.error.issues[0]?.message ?? 'unexpected shape'})`, file);
  return settings.data;
}

/**
 * Applies `change` to the settings file: written (backup first, atomic rename) only when the
 * settings change, so a second install leaves the file's bytes alone. Returns whether it wrote.
 */
export function editSettings(file: string, change: (s: Settings) => Settings): boolean {
  return editConfigFile(file, (text) => {
    const before = parseSettings(text, file);
    const after = change(before);
    if (text !== null && JSON.stringify(before) === JSON.stringify(after)) return text;
    return `${JSON.stringify(after, null, 2)}\n`;
  });
}
