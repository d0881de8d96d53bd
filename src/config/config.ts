import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { configDir } from '../paths.js';
import { parse as parseToml, TomlError } from 'smol-toml';

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
        actor: z.string().min(1).optional(),
        /** Commit `.changelog/` with the repository (no `.gitignore` inside it). */
        commit: z.boolean().default(false),
        /** Who writes summary, bullets, tags and notes: the offline heuristic, `claude --print`,
         *  `codex exec`, or `auto` (an installed, logged-in CLI, else the heuristic). Files, tests
         *  and commits are always computed locally. */
        evaluator: z.enum(['heuristic', 'claude', 'codex', 'auto']).default('heuristic'),
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
      .default({ enabled: true, granularity: 'session', idle_minutes: 30, commit: false, evaluator: 'heuristic', codex_config: [], timeout_seconds: 300, backoff_minutes: 30, digest_chars: 40_000 }),
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
        extra: z.array(z.object({ kind: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/), pattern: z.string().min(1) }).strict()).default([]),
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
}

export interface LoadedConfig {
  config: Config;
  /** Dotted key → where its value came from (`default`, a file path, or `env NAME`). */
  sources: Record<string, string>;
  /** Invalid files or values. The config falls back to defaults for them: hooks keep working. */
  problems: ConfigProblem[];
}

/** Environment overrides, dotted key → variable names in priority order. */
type EnvKind = 'bool' | 'number' | 'string';
export const ENV: Record<string, { kind: EnvKind; names: string[] }> = {
  'changelog.enabled': { kind: 'bool', names: ['SHIPLOG_CHANGELOG', 'CTX_CHANGELOG'] },
  'changelog.granularity': { kind: 'string', names: ['SHIPLOG_GRANULARITY'] },
  'changelog.idle_minutes': { kind: 'number', names: ['SHIPLOG_IDLE_MINUTES'] },
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

export function loadConfig(opts: { repo?: string | null; env?: NodeJS.ProcessEnv } = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const problems: ConfigProblem[] = [];
  const sources: Record<string, string> = {};
  const merged: TomlTable = {};
  const files = [join(configDir(env), 'config.toml')];
  if (opts.repo) files.push(join(opts.repo, '.shiplog.toml'));

  for (const file of files) {
    const table = readTomlFile(file, problems);
    if (!table) continue;
    const checked = Config.safeParse(table);
    if (!checked.success) {
      for (const issue of checked.error.issues) problems.push({ file, key: issue.path.join('.'), message: issue.message });
      continue;
    }
    mergeInto(merged, table, file, sources, '');
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
  return { config, sources, problems };
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

export function isErrno(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}
