import { z } from 'zod';
import { rmSync } from 'node:fs';
import { configTarget, editConfigFile, readConfigText } from './config-file.js';
import { appendAt, type JsonPath, JsonTextError, parseJsonText, removeAt } from './json-text.js';
import { isHookCommand } from './hook-files.js';
import { ShiplogError } from '../kit/shiplog-error.js';

/**
 * Registering shiplog's hook in a settings.json with Claude-style command hooks (`hooks: {<event>:
 * [{matcher?, hooks: [{type: "command", command, timeout}]}]}`), as Claude Code and Gemini CLI
 * read them. Everything else in the file — other keys, other tools' hooks — is kept as it was; a
 * file that is not valid JSON is refused.
 */

/** One client's hooks: its name for messages, shiplog's script for it, and the events it hooks. */
export interface HookSpec {
  readonly client: string;
  /** hooks/<script>.sh */
  readonly script: string;
  /** Each event, and whether its group takes a `matcher` (an empty one: every occasion). */
  readonly events: readonly { readonly name: string; readonly matcher: boolean }[];
  /** Seconds, in the unit the client reads `timeout` in. */
  readonly timeout: number;
}

const Handler = z.looseObject({ type: z.string().optional(), command: z.string().optional() });
const MatcherGroup = z.looseObject({ matcher: z.string().optional(), hooks: z.array(Handler).optional() });
const Settings = z.looseObject({ hooks: z.record(z.string(), z.array(MatcherGroup)).optional() });
type Settings = z.infer<typeof Settings>;
type Hooks = NonNullable<Settings['hooks']>;

export class SettingsError extends ShiplogError {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super('EBADSETTINGS', message);
    this.name = 'SettingsError';
  }
}

/** A handler shiplog installed (hooks/claude-code.sh, or .cjs before it), from this checkout or an older one elsewhere. */
function isOurs(spec: HookSpec, h: z.infer<typeof Handler>): boolean {
  return typeof h.command === 'string' && isHookCommand(spec.script, h.command);
}

/** The group shiplog adds for one event. */
function shiplogGroup(
  spec: HookSpec,
  event: HookSpec['events'][number],
  command: string,
): z.infer<typeof MatcherGroup> {
  return { ...(event.matcher ? { matcher: '' } : {}), hooks: [{ type: 'command', command, timeout: spec.timeout }] };
}

/**
 * The next single text edit that brings the file towards "shiplog's handler present exactly once
 * per event" (`command`) or "no shiplog handler" (null), or null when it is there. One edit at a
 * time, each on a fresh parse, so offsets never go stale.
 */
function nextEdit(spec: HookSpec, text: string, settings: Settings, command: string | null): string | null {
  const stale = staleHandler(spec, settings.hooks ?? {}, command);
  if (stale !== undefined) return removeAt(text, stale);
  if (command === null) return null;
  return missingGroupEdit(spec, text, settings, command);
}

/**
 * Where the first handler of ours that must go sits (all of them on uninstall, other checkouts'
 * on install): the smallest enclosing part that holds nothing else goes with it.
 */
function staleHandler(spec: HookSpec, hooks: Hooks, command: string | null): JsonPath | undefined {
  for (const [event, groups] of Object.entries(hooks)) {
    for (const [gi, group] of groups.entries()) {
      const handlers = group.hooks ?? [];
      const hi = handlers.findIndex((handler) => isOurs(spec, handler) && handler.command !== command);
      if (hi === -1) continue;
      if (handlers.length > 1) return ['hooks', event, gi, 'hooks', hi];
      if (groups.length > 1) return ['hooks', event, gi];
      if (Object.keys(hooks).length > 1) return ['hooks', event];
      return ['hooks'];
    }
  }
  return undefined;
}

/** The edit that adds the first missing piece of shiplog's groups (hooks, an event, a group), or null. */
function missingGroupEdit(spec: HookSpec, text: string, settings: Settings, command: string): string | null {
  if (settings.hooks === undefined) return appendAt(text, [], {}, 'hooks');
  for (const event of spec.events) {
    const groups = settings.hooks[event.name];
    if (groups === undefined) return appendAt(text, ['hooks'], [shiplogGroup(spec, event, command)], event.name);
    if (!groups.some((g) => (g.hooks ?? []).some((h) => h.command === command))) {
      return appendAt(text, ['hooks', event.name], shiplogGroup(spec, event, command));
    }
  }
  return null;
}

/** For `shiplog doctor`: shiplog's handler commands per event (an empty list: not installed there). */
export function shiplogHandlers(spec: HookSpec, settings: Settings): Record<string, string[]> {
  const pick = (event: string) =>
    (settings.hooks?.[event] ?? [])
      .flatMap((g) => g.hooks ?? [])
      .flatMap((h) => (isOurs(spec, h) && h.command ? [h.command] : []));
  return Object.fromEntries(spec.events.map((e) => [e.name, pick(e.name)]));
}

export function readSettings(spec: HookSpec, file: string): Settings {
  return parseSettings(spec, readConfigText(file), file);
}

function parseSettings(spec: HookSpec, text: string | null, file: string): Settings {
  if (text === null || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = parseJsonText(text);
  } catch (err) {
    if (!(err instanceof JsonTextError)) throw err;
    throw new SettingsError(
      `${file} is not valid JSON (${err.message}); fix it or move it aside, then run this again`,
      file,
    );
  }
  const settings = Settings.safeParse(parsed);
  if (!settings.success)
    throw new SettingsError(
      `${file} does not look like ${spec.client} settings (${settings.error.issues[0]?.message ?? 'unexpected shape'})`,
      file,
    );
  return settings.data;
}

/**
 * Installs shiplog's handler (`command`) or, with null, removes every shiplog handler, editing
 * the file's text in place: the rest of the file keeps its bytes (json-text.ts). Written (atomic
 * rename) only when something changes, so a second install leaves the file alone. The backup
 * `<file>.shiplog.bak` is the file as it was before the install; uninstall makes none and
 * removes one that holds shiplog's hooks. Returns whether it wrote.
 */
export function editSettings(spec: HookSpec, file: string, command: string | null): boolean {
  const changed = editConfigFile(
    file,
    (text) => {
      let current = text === null || text.trim() === '' ? '{}\n' : text;
      // Each edit adds or removes one thing; the bound only guards against a loop.
      for (let i = 0; i < 64; i++) {
        const next = nextEdit(spec, current, parseSettings(spec, current, file), command);
        if (next === null) return current === '{}\n' && text !== null && text.trim() === '' ? text : current;
        current = next;
      }
      throw new SettingsError(`${file}: could not bring shiplog's hooks into shape`, file);
    },
    undefined,
    { backup: command !== null },
  );
  if (command === null) dropBackupWithHooks(spec, file);
  return changed;
}

function dropBackupWithHooks(spec: HookSpec, file: string): void {
  const bak = `${configTarget(file)}.shiplog.bak`;
  const text = readConfigText(bak);
  if (text === null) return;
  let holdsOurs = true;
  try {
    holdsOurs = Object.values(shiplogHandlers(spec, parseSettings(spec, text, bak))).some((l) => l.length > 0);
  } catch (err) {
    // A backup that does not parse is not shiplog's to judge: it stays.
    if (err instanceof SettingsError) holdsOurs = false;
    else throw err;
  }
  if (holdsOurs) rmSync(bak, { force: true });
}
