import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { parse, TomlError } from 'smol-toml';
import { z } from 'zod';
import {
  appendBlock,
  applyEdits,
  arrayElements,
  basicString,
  ConfigEditError,
  type Edit,
  eolOf,
  headers,
  inlineArray,
  type KeyVal,
  keyvalInSection,
  removalRange,
  samePath,
  scan,
  type Stmt,
} from '../../install/toml-text.js';

/**
 * Installing shiplog into the text of a Codex `config.toml`: `[[hooks.<Event>]]` groups, their
 * `[hooks.state."<key>"]` trust tables and a chained top-level `notify`. Codex rewrites this file
 * itself and users hand-edit it, so every function is a pure text edit that leaves all other bytes
 * (comments, order, formatting) alone. smol-toml validates the input, and the output is re-parsed
 * and compared with the intended data so a broken or surprising file is never returned.
 */

export type CodexEvent = 'Stop' | 'SessionEnd';
const CODEX_EVENTS: readonly CodexEvent[] = ['Stop', 'SessionEnd'];
export interface CodexHook {
  event: CodexEvent;
  command: string;
  timeout?: number;
}
export interface TrustEntry {
  key: string;
  hash: string;
}

export { ConfigEditError };

// ---------------------------------------------------------------------------------------------
// Trust key and hash (reference §3.5)

/** Codex names events in trust keys and hashes in snake case: SessionEnd → session_end. */
function snake(event: string): string {
  return event.replace(/(?<!^)([A-Z])/g, '_$1').toLowerCase();
}

/** Codex hashes serde_json output with sorted keys; JSON.stringify matches it for these values. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

interface HashInput {
  event: string;
  command: string;
  timeout?: number;
  async?: boolean;
  statusMessage?: string;
  matcher?: string;
}

function hashOf(h: HashInput): string {
  // The hash covers the effective timeout, so an unset one hashes as Codex's default.
  const handler = {
    type: 'command',
    command: h.command,
    timeout: h.timeout ?? (h.event === 'SessionEnd' ? 1 : 600),
    async: h.async ?? false,
    ...(h.statusMessage !== undefined ? { statusMessage: h.statusMessage } : {}),
  };
  const payload = {
    event_name: snake(h.event),
    ...(h.matcher !== undefined ? { matcher: h.matcher } : {}),
    hooks: [handler],
  };
  return `sha256:${createHash('sha256').update(canonicalJson(payload)).digest('hex')}`;
}

export function trustedHash(hook: CodexHook & { async?: boolean; statusMessage?: string; matcher?: string }): string {
  return hashOf(hook);
}

function keyFor(declaringFile: string, event: string, groupIndex: number, handlerIndex: number): string {
  return `${declaringFile}:${snake(event)}:${groupIndex}:${handlerIndex}`;
}

export function trustKey(declaringFile: string, event: CodexEvent, groupIndex: number, handlerIndex = 0): string {
  return keyFor(declaringFile, event, groupIndex, handlerIndex);
}

// ---------------------------------------------------------------------------------------------
// Parsed view (smol-toml + zod)

type Table = { [key: string]: unknown };

const Handler = z.looseObject({
  type: z.string().optional(),
  command: z.string().optional(),
  timeout: z.number().optional(),
  async: z.boolean().optional(),
  statusMessage: z.string().optional(),
});
const Group = z.looseObject({ matcher: z.string().optional(), hooks: z.array(Handler).optional() });
type Group = z.infer<typeof Group>;
const StateEntry = z.looseObject({ trusted_hash: z.string().optional(), enabled: z.boolean().optional() });
const Argv = z.array(z.string());

function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function load(text: string, context = 'config.toml'): Table {
  try {
    return parse(text);
  } catch (err) {
    if (err instanceof TomlError) {
      // smol-toml appends a code excerpt after a blank line; the first line is the message.
      const message = err.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '') ?? err.message;
      throw new ConfigEditError(`${context} line ${err.line}: ${message}`, { cause: err });
    }
    throw err;
  }
}

function at(root: Table, ...path: string[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (!isTable(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

function child(t: Table, key: string): Table {
  const v = t[key];
  if (isTable(v)) return v;
  const created: Table = {};
  t[key] = created;
  return created;
}

function arrayChild(t: Table, key: string): unknown[] {
  const v = t[key];
  if (Array.isArray(v)) return v;
  const created: unknown[] = [];
  t[key] = created;
  return created;
}

/** The parsed handler list of group `index` of `event`, for describing an intended change. */
function handlersAt(cfg: Table, event: string, index: number): unknown[] | undefined {
  const groups = at(cfg, 'hooks', event);
  const group: unknown = Array.isArray(groups) ? groups[index] : undefined;
  const handlers = isTable(group) ? group.hooks : undefined;
  return Array.isArray(handlers) ? handlers : undefined;
}

function groupsOf(cfg: Table, event: string): Group[] {
  const raw = at(cfg, 'hooks', event);
  if (raw === undefined) return [];
  const groups = z.array(Group).safeParse(raw);
  if (!groups.success) {
    throw new ConfigEditError(
      `config.toml: hooks.${event} is not a list of hook groups (${groups.error.issues[0]?.message ?? 'unexpected shape'}); fix it so Codex can load it`,
    );
  }
  return groups.data;
}

function stateOf(cfg: Table, key: string): z.infer<typeof StateEntry> | undefined {
  const raw = at(cfg, 'hooks', 'state', key);
  if (raw === undefined) return undefined;
  const entry = StateEntry.safeParse(raw);
  if (!entry.success)
    throw new ConfigEditError(
      `config.toml: hooks.state."${key}" is malformed (${entry.error.issues[0]?.message ?? 'unexpected shape'})`,
    );
  return entry.data;
}

/**
 * Empty tables and arrays come and go with their headers and carry no settings, so comparisons
 * ignore them. Rebuilding tables as plain objects also evens out smol-toml's null prototypes.
 */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(prune);
  if (!isTable(v)) return v;
  const out: Table = {};
  for (const [k, x] of Object.entries(v)) {
    const p = prune(x);
    if ((isTable(p) && Object.keys(p).length === 0) || (Array.isArray(p) && p.length === 0)) continue;
    out[k] = p;
  }
  return out;
}

/** The guard behind every edit: the new text must parse to the old data plus exactly the intended change. */
function verified(before: string, after: string, change: (cfg: Table) => void, what: string): string {
  const expected = load(before);
  change(expected);
  const actual = load(after, `config.toml after ${what}`);
  if (!isDeepStrictEqual(prune(actual), prune(expected))) {
    throw new ConfigEditError(
      `config.toml: ${what} would have changed other settings, so nothing was changed; please report this with your config.toml`,
    );
  }
  return after;
}

// Hooks

function handlerText(hook: CodexHook): string {
  if (hook.timeout !== undefined && (!Number.isSafeInteger(hook.timeout) || hook.timeout < 1)) {
    throw new RangeError(`hook timeout must be a whole number of seconds ≥ 1, got ${hook.timeout}`);
  }
  const timeout = hook.timeout === undefined ? '' : `, timeout = ${hook.timeout}`;
  return `{ type = "command", command = ${basicString(hook.command)}${timeout} }`;
}

const handlerData = (hook: CodexHook): Table => ({
  type: 'command',
  command: hook.command,
  ...(hook.timeout !== undefined ? { timeout: hook.timeout } : {}),
});

/** Appending `[[hooks.<event>]]` only works when that array (and `hooks`) are written as tables. */
function assertAppendable(cfg: Table, stmts: Stmt[], event: string): void {
  if (stmts.some((s) => s.kind === 'keyval' && s.table.length === 0 && samePath(s.path, ['hooks']))) {
    throw new ConfigEditError(
      'config.toml: `hooks = { ... }` is an inline table, which shiplog cannot add to; rewrite it as [[hooks.<Event>]] tables (see the Codex hooks docs) and run this again',
    );
  }
  const raw = at(cfg, 'hooks', event);
  if (raw === undefined) return;
  const count = Array.isArray(raw) ? raw.length : -1;
  if (count !== headers(stmts, ['hooks', event], true).length) {
    throw new ConfigEditError(
      `config.toml: hooks.${event} is written inline (e.g. \`${event} = [...]\` under [hooks]), which shiplog cannot add to; rewrite each group as its own [[hooks.${event}]] table with a \`hooks = [...]\` key and run this again`,
    );
  }
}

/** The `hooks = [...]` array of group `index` and its element spans, checked against the parsed group. */
function groupHandlers(
  text: string,
  stmts: Stmt[],
  event: string,
  index: number,
  group: Group,
): { elements: { start: number; end: number }[] } {
  const headerIdx = headers(stmts, ['hooks', event], true)[index];
  const kv = headerIdx === undefined ? undefined : keyvalInSection(stmts, headerIdx, ['hooks']);
  const elements = kv && text[kv.valueStart] === '[' ? arrayElements(text, kv.valueStart) : undefined;
  if (!elements || elements.length !== (group.hooks ?? []).length) {
    throw new ConfigEditError(
      `config.toml: hooks.${event} group ${index} does not use a \`hooks = [...]\` list, which shiplog needs to edit its handler there; edit it by hand`,
    );
  }
  return { elements };
}

/** Written exactly as we would write it (any extra field, e.g. a user's async = true, gets rewritten). */
function isExactly(h: z.infer<typeof Handler>, hook: CodexHook): boolean {
  const extra = Object.keys(h).filter((k) => !['type', 'command', 'timeout'].includes(k));
  return extra.length === 0 && h.type === 'command' && h.command === hook.command && h.timeout === hook.timeout;
}

function findOurs(
  groups: Group[],
  free: (group: number, handler: number) => boolean,
  isOurs: (command: string) => boolean,
): { group: number; handler: number } | undefined {
  for (const [group, g] of groups.entries()) {
    for (const [handler, h] of (g.hooks ?? []).entries()) {
      if (h.command !== undefined && isOurs(h.command) && free(group, handler)) return { group, handler };
    }
  }
  return undefined;
}

export function installHooks(
  text: string,
  opts: { hooksFile: string; hooks: CodexHook[]; isOurs: (command: string) => boolean },
): { text: string; trust: TrustEntry[] } {
  let out = text;
  const claimed = new Set<string>();
  const placed: { event: CodexEvent; group: number; handler: number }[] = [];
  for (const hook of opts.hooks) {
    const cfg = load(out);
    const stmts = scan(out);
    assertAppendable(cfg, stmts, hook.event);
    const groups = groupsOf(cfg, hook.event);
    let found = findOurs(groups, (gi, hi) => !claimed.has(`${hook.event}:${gi}:${hi}`), opts.isOurs);

    if (!found) {
      // Appending keeps every existing group's index, and so its trust entry, unchanged.
      const block = `[[hooks.${hook.event}]]${eolOf(out)}hooks = [${handlerText(hook)}]${eolOf(out)}`;
      const next = appendBlock(out, block);
      out = verified(
        out,
        next,
        (c) => void arrayChild(child(c, 'hooks'), hook.event).push({ hooks: [handlerData(hook)] }),
        `adding the ${hook.event} hook`,
      );
      found = { group: groups.length, handler: 0 };
    } else {
      const { group, handler } = found;
      const g = groups[group];
      const current = g?.hooks?.[handler];
      if (g && (!current || !isExactly(current, hook))) {
        // An older checkout's command: rewrite that handler where it is so no index moves.
        const span = groupHandlers(out, stmts, hook.event, group, g).elements[handler];
        if (!span) throw new Error('installHooks: handler span missing');
        const next = applyEdits(out, [{ ...span, text: handlerText(hook) }]);
        out = verified(
          out,
          next,
          (c) => {
            const target = handlersAt(c, hook.event, group);
            if (target) target[handler] = handlerData(hook);
          },
          `updating the ${hook.event} hook`,
        );
      }
    }
    claimed.add(`${hook.event}:${found.group}:${found.handler}`);
    placed.push({ event: hook.event, ...found });
  }

  const final = load(out);
  const trust = placed.map(({ event, group, handler }) => {
    const g = groupsOf(final, event)[group];
    const h = g?.hooks?.[handler];
    if (!g || h?.command === undefined) throw new Error('installHooks: placed handler missing');
    return {
      key: keyFor(opts.hooksFile, event, group, handler),
      hash: hashOf({ ...h, command: h.command, event, matcher: g.matcher }),
    };
  });
  return { text: out, trust };
}

interface Gone {
  groups: Set<number>;
  handlers: Map<number, Set<number>>;
}

/** What removing our handlers from one event needs and where it puts its results. */
interface Removal {
  text: string;
  stmts: Stmt[];
  edits: Edit[];
  rekey: Map<string, string | null>;
  /** The trust key of handler `hi` in group `gi` of the event being edited. */
  keyAt: (gi: number, hi: number) => string;
}

export function uninstallHooks(
  text: string,
  opts: { hooksFile: string; isOurs: (command: string) => boolean },
): { text: string; rekey: Map<string, string | null> } {
  const cfg = load(text);
  const stmts = scan(text);
  const hooksTable = at(cfg, 'hooks');
  const events = isTable(hooksTable)
    ? Object.keys(hooksTable).filter((k) => k !== 'state' && Array.isArray(hooksTable[k]))
    : [];
  const edits: Edit[] = [];
  const rekey = new Map<string, string | null>();
  const removed = new Map<string, Gone>();
  const ours = (h: { command?: string | undefined }) => h.command !== undefined && opts.isOurs(h.command);

  for (const event of events) {
    const groups = groupsOf(cfg, event);
    if (!groups.some((g) => (g.hooks ?? []).some(ours))) continue;
    assertAppendable(cfg, stmts, event);
    const keyAt = (gi: number, hi: number) => keyFor(opts.hooksFile, event, gi, hi);
    removed.set(event, removeOurs({ text, stmts, edits, rekey, keyAt }, event, groups, ours));
  }
  if (edits.length === 0) return { text, rekey };

  const next = applyEdits(text, edits);
  const result = verified(text, next, (c) => dropRemoved(c, removed), 'removing shiplog hooks');
  return { text: result, rekey };
}

/** Queues the edits that take our handlers out of one event's groups; says which went. */
function removeOurs(
  r: Removal,
  event: string,
  groups: Group[],
  ours: (h: { command?: string | undefined }) => boolean,
): Gone {
  const groupHeaders = headers(r.stmts, ['hooks', event], true);
  const gone: Gone = { groups: new Set<number>(), handlers: new Map<number, Set<number>>() };
  let shift = 0;
  groups.forEach((g, gi) => {
    const handlers = g.hooks ?? [];
    const mine = new Set(handlers.flatMap((h, hi) => (ours(h) ? [hi] : [])));
    if (mine.size > 0 && mine.size === handlers.length) {
      const headerIdx = groupHeaders[gi];
      if (headerIdx === undefined) throw new Error('uninstallHooks: group header missing');
      r.edits.push({ ...removalRange(r.stmts, headerIdx), text: '' });
      gone.groups.add(gi);
      handlers.forEach((_, hi) => {
        r.rekey.set(r.keyAt(gi, hi), null);
      });
      shift++;
      return;
    }
    if (mine.size > 0) {
      // A group shared with someone else's handler: take out only ours, with its comma.
      const { elements } = groupHandlers(r.text, r.stmts, event, gi, g);
      r.edits.push(...handlerRemovals(elements, mine));
      gone.handlers.set(gi, mine);
    }
    rekeyGroup(r, gi, gi - shift, handlers, mine);
  });
  return gone;
}

/** Edits that take handlers `mine` out of a group's array, each with the comma beside it. */
function handlerRemovals(elements: { start: number; end: number }[], mine: Set<number>): Edit[] {
  const edits: Edit[] = [];
  for (const hi of mine) {
    const el = elements[hi];
    const nextEl = elements[hi + 1];
    const prevEl = elements[hi - 1];
    if (!el) throw new Error('uninstallHooks: handler span missing');
    if (nextEl) edits.push({ start: el.start, end: nextEl.start, text: '' });
    else if (prevEl && !mine.has(hi - 1)) edits.push({ start: prevEl.end, end: el.end, text: '' });
    else edits.push({ start: el.start, end: el.end, text: '' });
  }
  return edits;
}

/** Our handlers' trust keys go; every other handler's key follows it to its new group and position. */
function rekeyGroup(r: Removal, gi: number, newGi: number, handlers: readonly unknown[], mine: Set<number>): void {
  let hShift = 0;
  handlers.forEach((_, hi) => {
    const oldKey = r.keyAt(gi, hi);
    if (mine.has(hi)) {
      r.rekey.set(oldKey, null);
      hShift++;
      return;
    }
    const newKey = r.keyAt(newGi, hi - hShift);
    if (newKey !== oldKey) r.rekey.set(oldKey, newKey);
  });
}

/** The parsed config as the removals should leave it. */
function dropRemoved(c: Table, removed: Map<string, Gone>): void {
  for (const [event, gone] of removed) {
    for (const [gi, drop] of gone.handlers) {
      const handlers = handlersAt(c, event, gi);
      for (const hi of [...drop].sort((a, b) => b - a)) handlers?.splice(hi, 1);
    }
    const groups = at(c, 'hooks', event);
    if (Array.isArray(groups)) child(c, 'hooks')[event] = groups.filter((_: unknown, gi) => !gone.groups.has(gi));
  }
}

// ---------------------------------------------------------------------------------------------
// Trust state tables

const statePath = (key: string) => ['hooks', 'state', key];

function stateHeader(key: string): string {
  return `[hooks.state.${basicString(key)}]`;
}

export function setTrust(text: string, entries: TrustEntry[]): string {
  let out = text;
  for (const { key, hash } of entries) {
    const cfg = load(out);
    const stmts = scan(out);
    const existing = stateOf(cfg, key);
    if (existing?.trusted_hash === hash) continue;
    const headerIdx = headers(stmts, statePath(key), false)[0];
    const eol = eolOf(out);
    let next: string;
    if (headerIdx !== undefined) {
      const header = stmts[headerIdx];
      const kv = keyvalInSection(stmts, headerIdx, ['trusted_hash']);
      if (kv) next = applyEdits(out, [{ start: kv.valueStart, end: kv.valueEnd, text: basicString(hash) }]);
      else if (header) {
        const lead = out.slice(header.start, header.end).endsWith('\n') ? '' : eol;
        next = applyEdits(out, [
          { start: header.end, end: header.end, text: `${lead}trusted_hash = ${basicString(hash)}${eol}` },
        ]);
      } else throw new Error('setTrust: header missing');
    } else if (existing !== undefined) {
      throw new ConfigEditError(
        `config.toml: the trust entry for ${key} is not written as a [hooks.state."…"] table, so shiplog cannot update it; rewrite it as one and run this again`,
      );
    } else {
      next = appendBlock(out, `${stateHeader(key)}${eol}trusted_hash = ${basicString(hash)}${eol}`);
    }
    const trusted = (c: Table) => {
      child(child(child(c, 'hooks'), 'state'), key).trusted_hash = hash;
    };
    out = verified(out, next, trusted, `trusting ${key}`);
  }
  return out;
}

export function rekeyTrust(text: string, rekey: Map<string, string | null>): string {
  const cfg = load(text);
  const stmts = scan(text);
  const edits: Edit[] = [];
  const moves: [string, string | null][] = [];
  for (const [oldKey, newKey] of rekey) {
    const found = headers(stmts, statePath(oldKey), false);
    if (found.length === 0) {
      if (stateOf(cfg, oldKey) !== undefined) {
        throw new ConfigEditError(
          `config.toml: the trust entry for ${oldKey} is not written as a [hooks.state."…"] table, so shiplog cannot move it; rewrite it as one and run this again`,
        );
      }
      continue;
    }
    for (const i of found) {
      const header = stmts[i];
      if (header?.kind !== 'header') throw new Error('rekeyTrust: header missing');
      if (newKey === null) edits.push({ ...removalRange(stmts, i), text: '' });
      else edits.push({ start: header.bracketStart, end: header.bracketEnd, text: stateHeader(newKey) });
    }
    moves.push([oldKey, newKey]);
  }
  if (edits.length === 0) return text;
  return verified(
    text,
    applyEdits(text, edits),
    (c) => {
      const state = child(child(c, 'hooks'), 'state');
      // All renames happen at once, as in the text: index 1 may move to 0 while 0 is deleted.
      const values = moves.map(([oldKey, newKey]) => [newKey, state[oldKey]] as const);
      for (const [oldKey] of moves) delete state[oldKey];
      for (const [newKey, value] of values) if (newKey !== null) state[newKey] = value;
    },
    'moving hook trust entries',
  );
}

// ---------------------------------------------------------------------------------------------
// notify

export function readNotify(text: string): string[] | null {
  const raw = load(text).notify;
  if (raw === undefined) return null;
  const argv = Argv.safeParse(raw);
  if (!argv.success)
    throw new ConfigEditError('config.toml: notify must be an array of strings (a program and its arguments)');
  return argv.data;
}

function topLevelKeyvals(stmts: Stmt[]): KeyVal[] {
  const firstHeader = stmts.findIndex((s) => s.kind === 'header');
  return (firstHeader === -1 ? stmts : stmts.slice(0, firstHeader)).filter((s): s is KeyVal => s.kind === 'keyval');
}

const startsWith = (a: string[], prefix: string[]) => prefix.every((x, i) => a[i] === x);

export function setNotify(text: string, argv: string[] | null): string {
  const current = readNotify(text);
  if (isDeepStrictEqual(current, argv)) return text;
  const stmts = scan(text);
  const eol = eolOf(text);
  const existing = topLevelKeyvals(stmts).find((s) => samePath(s.path, ['notify']));
  let next: string;

  if (existing && argv !== null && current !== null) {
    next = changedNotify(text, existing, current, argv, eol);
  } else if (existing && argv === null) {
    // An inserted notify at the very top got a blank line after it (see below); take that too.
    const after = stmts[stmts.indexOf(existing) + 1];
    const end = existing.start === 0 && after?.kind === 'blank' ? after.end : existing.end;
    next = applyEdits(text, [{ start: existing.start, end, text: '' }]);
  } else if (argv !== null) {
    next = insertTopLevel(text, stmts, `notify = ${inlineArray(argv)}`, eol);
  } else {
    throw new ConfigEditError('config.toml: notify is set in a form shiplog cannot remove; delete it by hand');
  }
  return verified(
    text,
    next,
    (c) => {
      if (argv === null) delete c.notify;
      else c.notify = argv;
    },
    argv === null ? 'removing notify' : 'setting notify',
  );
}

/** The text with an existing notify array changed from `current` to `argv`. */
function changedNotify(text: string, existing: KeyVal, current: string[], argv: string[], eol: string): string {
  // Adding or dropping a leading chain (our program before the user's) touches only those
  // elements, so a user's multi-line layout survives install and uninstall unchanged.
  const elements = text[existing.valueStart] === '[' ? arrayElements(text, existing.valueStart) : [];
  const added = argv.length - current.length;
  const first = elements[0];
  if (added > 0 && current.length > 0 && first && startsWith(argv.slice(added), current)) {
    // One element per line when the user's array is laid out that way.
    const indent = /\n([ \t]*)$/.exec(text.slice(existing.valueStart + 1, first.start))?.[1];
    const sep = indent === undefined ? ', ' : `,${eol}${indent}`;
    const chain = argv
      .slice(0, added)
      .map((a) => basicString(a) + sep)
      .join('');
    return applyEdits(text, [{ start: first.start, end: first.start, text: chain }]);
  }
  if (added < 0 && argv.length > 0 && first && startsWith(current.slice(-added), argv)) {
    const keep = elements[-added];
    if (!keep) throw new Error('setNotify: element span missing');
    return applyEdits(text, [{ start: first.start, end: keep.start, text: '' }]);
  }
  return applyEdits(text, [{ start: existing.valueStart, end: existing.valueEnd, text: inlineArray(argv) }]);
}

/** A top-level key must come before the first [table]; anywhere later it would belong to that table. */
function insertTopLevel(text: string, stmts: Stmt[], line: string, eol: string): string {
  const firstHeader = stmts.findIndex((s) => s.kind === 'header');
  const lastKey = topLevelKeyvals(stmts).at(-1);
  if (lastKey) {
    const lead = text.slice(lastKey.start, lastKey.end).endsWith('\n') ? '' : eol;
    return applyEdits(text, [{ start: lastKey.end, end: lastKey.end, text: `${lead}${line}${eol}` }]);
  }
  if (firstHeader === -1)
    return text === '' ? `${line}${eol}` : `${text.endsWith('\n') ? text : text + eol}${line}${eol}`;
  // No top-level keys: everything above the first header is comments and blank lines, so the key
  // goes at the very top, set apart from them (and from the header) by a blank line.
  return `${line}${eol}${eol}${text}`;
}

// ---------------------------------------------------------------------------------------------
// Inspection

export function hooksDisabled(text: string): boolean {
  const cfg = load(text);
  return at(cfg, 'features', 'hooks') === false || at(cfg, 'features', 'codex_hooks') === false;
}

export function inspectHooks(
  text: string,
  opts: { hooksFile: string; isOurs: (command: string) => boolean; stateText?: string },
): {
  event: CodexEvent;
  index: number;
  command: string;
  key: string;
  expectedHash: string;
  storedHash: string | null;
  enabled: boolean;
}[] {
  const cfg = load(text);
  const state = opts.stateText === undefined ? cfg : load(opts.stateText);
  return CODEX_EVENTS.flatMap((event) =>
    groupsOf(cfg, event).flatMap((g, index) =>
      (g.hooks ?? []).flatMap((h, hi) => {
        if (h.command === undefined || !opts.isOurs(h.command)) return [];
        const key = keyFor(opts.hooksFile, event, index, hi);
        const entry = stateOf(state, key);
        return [
          {
            event,
            index,
            command: h.command,
            key,
            expectedHash: hashOf({ ...h, command: h.command, event, matcher: g.matcher }),
            storedHash: entry?.trusted_hash ?? null,
            enabled: entry?.enabled !== false,
          },
        ];
      }),
    ),
  );
}
