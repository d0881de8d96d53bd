import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EvaluatorName } from '../agents/ids.js';
import { configDir } from '../paths.js';
import { parse as parseToml, TomlError } from 'smol-toml';
import { isErrno } from '../kit/errno.js';
import { readRepoFile } from './repo-file.js';
import { REPO_ALLOWED_KEYS } from './repo-keys.js';
import { repoTop } from './repo-top.js';
import { userPatternProblem } from './safe-regex.js';
import { trustedHash, trustStorePath, TrustStoreError } from './trust.js';

interface TomlTable {
  [key: string]: unknown;
}

export const Config = z
  .object({
    changelog: z
      .object({
        enabled: z.boolean().default(true),
        /** `session`: one entry per stretch of work closed at SessionEnd, /clear, idle or flush.
         *  `turn`: one entry per turn. */
        granularity: z.enum(['session', 'turn']).default('session'),
        idle_minutes: z.number().positive().max(7 * 24 * 60).default(30),
        /** A window of chat alone (no tool call, no subagent: "thanks", "ok") gets no entry of its
         *  own (`drop`; the devlog keeps the turn) or one like any other (`keep`). */
        chat_only: z.enum(['drop', 'keep', 'fold']).default('drop'),
        actor: z.string().min(1).optional(),
        /** Commit `.changelog/` with the repository (no `.gitignore` inside it). */
        commit: z.boolean().default(false),
        /** Who writes summary, bullets, tags and notes: the offline heuristic, `claude --print`,
         *  `codex exec`, or `auto` (an installed, logged-in CLI, else the heuristic). Files, tests
         *  and commits are always computed locally. */
        evaluator: z.enum(['heuristic', ...EvaluatorName.options, 'auto']).default('heuristic'),
        /** The model an LLM evaluator asks for (CTX_CHANGELOG_MODEL); unused by the heuristic. */
        model: z.string().min(1).optional(),
        /** Claude's thinking budget for the evaluation (CTX_CHANGELOG_CLAUDE_THINKING_TOKENS). */
        claude_thinking_tokens: z.number().int().min(0).max(128_000).optional(),
        /** `-c key=value` overrides for `codex exec` (its CODEX_HOME is a throwaway holding only auth.json). */
        codex_config: z.array(z.string().min(3).regex(/^[A-Za-z0-9_.\-"]+=/)).default([]),
        /** An evaluator run is killed, with every process it started, after this long. */
        timeout_seconds: z.number().int().min(5).max(3600).default(300),
        /** How long evaluator calls pause after an authentication error or a usage/rate limit. */
        backoff_minutes: z.number().min(1).max(7 * 24 * 60).default(30),
        /** Size of the digest handed to the evaluator, in characters; a retry gets about a third. */
        digest_chars: z.number().int().min(2000).max(400_000).default(40_000),
      })
      .strict()
      .default({ enabled: true, granularity: 'session', idle_minutes: 30, chat_only: 'drop', commit: false, evaluator: 'heuristic', codex_config: [], timeout_seconds: 300, backoff_minutes: 30, digest_chars: 40_000 }),
    devlog: z
      .object({
        enabled: z.boolean().default(true),
        commit: z.boolean().default(false),
      })
      .strict()
      .default({ enabled: true, commit: false }),
    tail: z
      .object({
        max_line_bytes: z.number().int().min(1024).default(8 * 1024 * 1024),
      })
      .strict()
      .default({ max_line_bytes: 8 * 1024 * 1024 }),
    worker: z
      .object({
        /** How long a worker stays after its last job, so the next turns' hooks need not start one. */
        linger_seconds: z.number().min(0).max(3600).default(120),
      })
      .strict()
      .default({ linger_seconds: 120 }),
    redact: z
      .object({
        /** Exact strings never redacted (a test fixture's fake key, say). */
        allow: z.array(z.string().min(1)).default([]),
        /** More patterns to redact: `{ kind = "acme-token", pattern = "acme_[a-z0-9]{32}" }`. */
        extra: z.array(z.object({ kind: z.string().regex(/^[a-z0-9]{1,40}(?:-[a-z0-9]{1,40}){0,8}$/), pattern: z.string().min(1) }).strict()).default([]),
      })
      .strict()
      .default({ allow: [], extra: [] }),
    stop: z
      .object({
        /** How long a Stop run waits for the transcript to catch up with the hook payload. */
        wait_ms: z.number().int().min(0).max(30_000).default(3000),
      })
      .strict()
      .default({ wait_ms: 3000 }),
  })
  .strict();
export type Config = z.infer<typeof Config>;

export interface ConfigProblem {
  file: string;
  key?: string;
  message: string;
  /** A key a repository's `.shiplog.toml` set that only the user (or `shiplog trust`) may set: ignored. */
  refused?: boolean;
  /** The value a refused key asked for, to show the user what was not applied. */
  value?: unknown;
}

/** The repository config file the loader looked at. */
export interface RepoConfigFile {
  /** The repository's top level (where `.git` is), found from the folder the caller gave. */
  top: string;
  file: string;
  /** Hash of the bytes read; null when there is no file or it was refused unread. */
  sha256: string | null;
  /** The user trusted exactly this content, so every key in it applies. */
  trusted: boolean;
  /** The user trusted this repository's file, but its content has changed since. */
  changed: boolean;
}

export interface LoadedConfig {
  config: Config;
  /** Dotted key → where its value came from (`default`, a file path, or `env NAME`). */
  sources: Record<string, string>;
  /** Invalid files or values, and refused repository keys. The config falls back to defaults for them: hooks keep working. */
  problems: ConfigProblem[];
  repo: RepoConfigFile | null;
}

/** Environment overrides, dotted key → variable names in priority order. */
type EnvKind = 'bool' | 'number' | 'string';
export const ENV: Record<string, { kind: EnvKind; names: string[] }> = {
  'changelog.enabled': { kind: 'bool', names: ['SHIPLOG_CHANGELOG', 'CTX_CHANGELOG'] },
  'changelog.granularity': { kind: 'string', names: ['SHIPLOG_GRANULARITY'] },
  'changelog.idle_minutes': { kind: 'number', names: ['SHIPLOG_IDLE_MINUTES'] },
  'changelog.chat_only': { kind: 'string', names: ['SHIPLOG_CHAT_ONLY'] },
  'changelog.actor': { kind: 'string', names: ['SHIPLOG_ACTOR', 'CTX_ACTOR', 'CHANGELOG_ACTOR'] },
  'changelog.commit': { kind: 'bool', names: ['SHIPLOG_COMMIT_CHANGELOG'] },
  'changelog.evaluator': { kind: 'string', names: ['SHIPLOG_EVALUATOR', 'CTX_CHANGELOG_EVALUATOR'] },
  'changelog.model': { kind: 'string', names: ['SHIPLOG_MODEL', 'CTX_CHANGELOG_MODEL'] },
  'changelog.claude_thinking_tokens': { kind: 'number', names: ['SHIPLOG_CLAUDE_THINKING_TOKENS', 'CTX_CHANGELOG_CLAUDE_THINKING_TOKENS'] },
  'changelog.timeout_seconds': { kind: 'number', names: ['SHIPLOG_EVALUATOR_TIMEOUT'] },
  'devlog.enabled': { kind: 'bool', names: ['SHIPLOG_DEVLOG'] },
  'devlog.commit': { kind: 'bool', names: ['SHIPLOG_COMMIT_DEVLOG'] },
  'tail.max_line_bytes': { kind: 'number', names: ['SHIPLOG_MAX_LINE_BYTES'] },
  'stop.wait_ms': { kind: 'number', names: ['SHIPLOG_STOP_WAIT_MS'] },
  'worker.linger_seconds': { kind: 'number', names: ['SHIPLOG_WORKER_LINGER_SECONDS'] },
};

/**
 * The effective configuration: defaults, then the user's file, then the repository's
 * `.shiplog.toml` (only the keys in REPO_ALLOWED_KEYS unless the user trusted that exact file),
 * then the environment. `repo` is any folder inside the repository, the session's working folder
 * included: the repository file is read at its top level.
 */
export function loadConfig(opts: { repo?: string | null; env?: NodeJS.ProcessEnv } = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const problems: ConfigProblem[] = [];
  const sources: Record<string, string> = {};
  const merged: TomlTable = {};

  const userFile = join(configDir(env), 'config.toml');
  const userTable = readTomlFile(userFile, problems);
  if (userTable) applyFile(merged, userTable, userFile, sources, problems);

  let repo: RepoConfigFile | null = null;
  if (opts.repo) {
    const top = repoTop(opts.repo);
    const read = readRepoFile(top);
    repo = { top, file: read.path, sha256: read.kind === 'read' ? read.sha256 : null, trusted: false, changed: false };
    if (read.kind === 'refused') problems.push({ file: read.path, message: `${read.reason} (ignored)` });
    if (read.kind === 'read') {
      const table = parseTomlText(read.text, read.path, problems);
      if (table) {
        repo.trusted = refuseUntrusted(table, repo, read.sha256, env, problems);
        applyFile(merged, table, read.path, sources, problems);
      }
    }
  }

  for (const [key, { kind, names }] of Object.entries(ENV)) {
    const name = names.find((n) => env[n] !== undefined && env[n] !== '');
    if (!name) continue;
    const raw = env[name] as string;
    const value = coerceEnv(raw, kind);
    const candidate = structuredClone(merged);
    setPath(candidate, key, value);
    if (Config.safeParse(candidate).success) {
      setPath(merged, key, value);
      sources[key] = `env ${name}`;
    } else problems.push({ file: `env ${name}`, key, message: `invalid value ${JSON.stringify(raw.slice(0, 60))}` });
  }

  const config = Config.parse(merged);
  for (const key of allKeys(config)) sources[key] ??= 'default';
  return { config, sources, problems, repo };
}

/** A file's table, once valid, merged over what came before; its unusable patterns dropped first. */
function applyFile(merged: TomlTable, table: TomlTable, file: string, sources: Record<string, string>, problems: ConfigProblem[]): void {
  const checked = Config.safeParse(table);
  if (!checked.success) {
    for (const issue of checked.error.issues) problems.push({ file, key: issue.path.join('.'), message: issue.message });
    return;
  }
  dropUnusablePatterns(table, file, problems);
  mergeInto(merged, table, file, sources, '');
}

/** `redact.extra` patterns RE2 cannot run (or should not: too big, matching empty) are problems, not crashes. */
function dropUnusablePatterns(table: TomlTable, file: string, problems: ConfigProblem[]): void {
  const redact = table.redact;
  if (!isTable(redact) || !Array.isArray(redact.extra)) return;
  redact.extra = redact.extra.filter((entry: unknown, i) => {
    if (!isTable(entry) || typeof entry.pattern !== 'string') return true; // the schema already vouched for it
    const why = userPatternProblem(entry.pattern);
    if (why === null) return true;
    problems.push({ file, key: `redact.extra.${i}`, message: `pattern for kind ${JSON.stringify(entry.kind)}, /${entry.pattern.slice(0, 200)}/, ${why}; it is not used` });
    return false;
  });
}

/**
 * Takes out of a repository's table every key it may not set, recording each as a refused
 * problem, unless the user trusted this exact content. True when the file is trusted.
 */
function refuseUntrusted(table: TomlTable, repo: RepoConfigFile, sha256: string, env: NodeJS.ProcessEnv, problems: ConfigProblem[]): boolean {
  const asked = leafKeys(table)
    .filter((k) => !REPO_ALLOWED_KEYS.has(k) && isSchemaKey(k))
    .sort();
  if (asked.length === 0) return false;
  let trusted: string | null;
  try {
    trusted = trustedHash(repo.top, env);
  } catch (err) {
    // An unreadable trust list trusts nothing; the refusal names why.
    if (!(err instanceof TrustStoreError)) throw err;
    problems.push({ file: trustStorePath(env), message: `${err.message}; no repository file is trusted meanwhile` });
    trusted = null;
  }
  if (trusted === sha256) return true;
  repo.changed = trusted !== null;
  const why =
    trusted === null
      ? `a repository's .shiplog.toml may not set this key (it can choose a program, an endpoint, a timeout, redaction or committing); if you trust this file, run: shiplog trust ${repo.top}`
      : `the file changed since you trusted it; review it, then run: shiplog trust ${repo.top}`;
  for (const key of asked) {
    problems.push({ file: repo.file, key, message: why, refused: true, value: getPath(table, key) });
    deletePath(table, key);
  }
  return false;
}

/** Every dotted key path to a non-table value. */
function leafKeys(table: TomlTable, prefix = ''): string[] {
  return Object.entries(table).flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    return isTable(v) ? leafKeys(v, key) : [key];
  });
}

/** Dotted keys of every setting in the schema (optional ones included). */
const SCHEMA_KEYS: ReadonlySet<string> = new Set(schemaKeys(Config, ''));
function schemaKeys(schema: z.ZodType, prefix: string): string[] {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  if (s instanceof z.ZodObject) return Object.entries(s.shape as Record<string, z.ZodType>).flatMap(([k, v]) => schemaKeys(v, prefix ? `${prefix}.${k}` : k));
  return [prefix];
}

/** A known setting, or a table where one belongs; unknown keys are left to the schema to report. */
function isSchemaKey(key: string): boolean {
  for (let k = key; k !== ''; k = k.includes('.') ? k.slice(0, k.lastIndexOf('.')) : '') if (SCHEMA_KEYS.has(k)) return true;
  return false;
}

function getPath(table: TomlTable, key: string): unknown {
  let v: unknown = table;
  for (const p of key.split('.')) v = isTable(v) ? v[p] : undefined;
  return v;
}

function deletePath(table: TomlTable, key: string): void {
  const parts = key.split('.');
  let t: unknown = table;
  for (const p of parts.slice(0, -1)) t = isTable(t) ? t[p] : undefined;
  if (isTable(t)) delete t[parts[parts.length - 1] as string];
}

function readTomlFile(file: string, problems: ConfigProblem[]): TomlTable | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (isErrno(err) && err.code === 'ENOENT') return null;
    problems.push({ file, message: `cannot read: ${String(err)}` });
    return null;
  }
  return parseTomlText(text, file, problems);
}

function parseTomlText(text: string, file: string, problems: ConfigProblem[]): TomlTable | null {
  try {
    return parseToml(text);
  } catch (err) {
    // smol-toml's message carries a code excerpt over several lines; the first says what is wrong.
    if (err instanceof TomlError) problems.push({ file, message: `line ${err.line}: ${err.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '')}` });
    else problems.push({ file, message: err instanceof Error ? err.message : String(err) });
    return null;
  }
}

function mergeInto(target: TomlTable, src: TomlTable, file: string, sources: Record<string, string>, prefix: string): void {
  for (const [k, v] of Object.entries(src)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isTable(v)) {
      const sub = target[k];
      const next: TomlTable = isTable(sub) ? sub : {};
      target[k] = next;
      mergeInto(next, v, file, sources, key);
    } else {
      target[k] = v;
      sources[key] = file;
    }
  }
}

function setPath(target: TomlTable, key: string, value: string | number | boolean): void {
  const parts = key.split('.');
  let t = target;
  for (const p of parts.slice(0, -1)) {
    const next = t[p];
    if (isTable(next)) t = next;
    else {
      const created: TomlTable = {};
      t[p] = created;
      t = created;
    }
  }
  t[parts[parts.length - 1] as string] = value;
}

function isTable(v: unknown): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function coerceEnv(raw: string, kind: EnvKind): string | number | boolean {
  if (kind === 'bool') {
    if (/^(true|yes|on|1)$/i.test(raw)) return true;
    if (/^(false|no|off|0)$/i.test(raw)) return false;
    return raw;
  }
  if (kind === 'number' && /^\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

function allKeys(obj: object, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...allKeys(v, key));
    else out.push(key);
  }
  return out;
}
