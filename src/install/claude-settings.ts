import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';

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
  return join(env.CLAUDE_CONFIG_DIR || join(homedir(), '.claude'), 'settings.json');
}

/** The command Claude Code runs: absolute node and hook paths, so PATH (nvm, cron) is irrelevant. */
export function hookCommand(nodePath: string, hookPath: string): string {
  return `${shQuote(nodePath)} ${shQuote(hookPath)}`;
}

function shQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A handler shiplog installed (hooks/claude-code.cjs), from this checkout or an older one elsewhere. */
function isOurs(h: z.infer<typeof Handler>): boolean {
  return typeof h.command === 'string' && /\/hooks\/claude-code\.[cm]?js\b/.test(h.command);
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
  const { hooks: _drop, ...rest } = settings;
  return Object.keys(hooks).length > 0 ? { ...rest, hooks } : rest;
}

export function readSettings(file: string): Settings {
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') return {};
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

/** Writes only when something changes: a backup of the old file first, then an atomic rename. */
export function writeSettings(file: string, before: Settings, after: Settings): boolean {
  if (JSON.stringify(before) === JSON.stringify(after) && existsSync(file)) return false;
  mkdirSync(dirname(file), { recursive: true });
  if (existsSync(file)) copyFileSync(file, `${file}.shiplog.bak`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(after, null, 2)}\n`);
  renameSync(tmp, file);
  return true;
}
