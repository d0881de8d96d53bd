import { z } from 'zod';
import { EvaluatorName } from '../agents/ids.js';
import { getPath } from './tables.js';

/**
 * Every setting, with its bounds and its default, each written once: a section left out is parsed
 * from `{}` (`prefault`), so its fields' own defaults fill it. Which files and variables set them
 * for a session: session-config.ts.
 */
export const Config = z
  .object({
    changelog: z
      .object({
        enabled: z.boolean().default(true),
        /** `session`: one entry per stretch of work closed at SessionEnd, /clear, idle or flush.
         *  `turn`: one entry per turn. */
        granularity: z.enum(['session', 'turn']).default('session'),
        idle_minutes: z
          .number()
          .positive()
          .max(7 * 24 * 60)
          .default(30),
        /** A window of chat alone (no tool call, no subagent: "thanks", "ok") gets no entry of its
         *  own (`drop`; the devlog keeps the turn) or one like any other (`keep`). */
        chat_only: z.enum(['drop', 'keep', 'fold']).default('drop'),
        actor: z.string().min(1).optional(),
        /** Commit `.changelog/` with the repository (no `.gitignore` inside it). */
        commit: z.boolean().default(false),
        /** Also keep `.changelog/<actor>/changelog.md`, the entries as a page to read. */
        markdown: z.boolean().default(false),
        /** Who writes summary, bullets, tags and notes: the offline heuristic, `claude --print`,
         *  `codex exec`, or `auto` (an installed, logged-in CLI, else the heuristic). Files, tests
         *  and commits are always computed locally. */
        evaluator: z.enum(['heuristic', ...EvaluatorName.options, 'auto']).default('heuristic'),
        /** The model an LLM evaluator asks for (CTX_CHANGELOG_MODEL); unused by the heuristic. */
        model: z.string().min(1).optional(),
        /** Claude's thinking budget for the evaluation (CTX_CHANGELOG_CLAUDE_THINKING_TOKENS). */
        claude_thinking_tokens: z.number().int().min(0).max(128_000).optional(),
        /** `-c key=value` overrides for `codex exec` (its CODEX_HOME is a throwaway holding only auth.json). */
        codex_config: z
          .array(
            z
              .string()
              .min(3)
              .regex(/^[A-Za-z0-9_.\-"]+=/),
          )
          .default([]),
        /** An evaluator run is killed, with every process it started, after this long. */
        timeout_seconds: z.number().int().min(5).max(3600).default(300),
        /** How long evaluator calls pause after an authentication error or a usage/rate limit. */
        backoff_minutes: z
          .number()
          .min(1)
          .max(7 * 24 * 60)
          .default(30),
        /** Size of the digest handed to the evaluator, in characters; a retry gets about a third. */
        digest_chars: z.number().int().min(2000).max(400_000).default(40_000),
      })
      .strict()
      .prefault({}),
    devlog: z
      .object({
        enabled: z.boolean().default(true),
        commit: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    tail: z
      .object({
        max_line_bytes: z
          .number()
          .int()
          .min(1024)
          .default(8 * 1024 * 1024),
      })
      .strict()
      .prefault({}),
    worker: z
      .object({
        /** How long a worker stays after its last job, so the next turns' hooks need not start one. */
        linger_seconds: z.number().min(0).max(3600).default(120),
      })
      .strict()
      .prefault({}),
    redact: z
      .object({
        /** Exact strings never redacted (a test fixture's fake key, say). */
        allow: z.array(z.string().min(1)).default([]),
        /** More patterns to redact: `{ kind = "acme-token", pattern = "acme_[a-z0-9]{32}" }`. */
        extra: z
          .array(
            z
              .object({
                kind: z.string().regex(/^[a-z0-9]{1,40}(?:-[a-z0-9]{1,40}){0,8}$/),
                pattern: z.string().min(1),
              })
              .strict(),
          )
          .default([]),
      })
      .strict()
      .prefault({}),
    stop: z
      .object({
        /** How long a Stop run waits for the transcript to catch up with the hook payload. */
        wait_ms: z.number().int().min(0).max(30_000).default(3000),
      })
      .strict()
      .prefault({}),
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
  /** The session's repository (src/worker/session-repo.ts), whose top level holds the file. */
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
export type EnvKind = 'bool' | 'number' | 'string';
export const ENV: Record<string, { kind: EnvKind; names: string[] }> = {
  'changelog.enabled': { kind: 'bool', names: ['SHIPLOG_CHANGELOG', 'CTX_CHANGELOG'] },
  'changelog.granularity': { kind: 'string', names: ['SHIPLOG_GRANULARITY'] },
  'changelog.idle_minutes': { kind: 'number', names: ['SHIPLOG_IDLE_MINUTES'] },
  'changelog.chat_only': { kind: 'string', names: ['SHIPLOG_CHAT_ONLY'] },
  'changelog.actor': { kind: 'string', names: ['SHIPLOG_ACTOR', 'CTX_ACTOR', 'CHANGELOG_ACTOR'] },
  'changelog.commit': { kind: 'bool', names: ['SHIPLOG_COMMIT_CHANGELOG'] },
  'changelog.evaluator': { kind: 'string', names: ['SHIPLOG_EVALUATOR', 'CTX_CHANGELOG_EVALUATOR'] },
  'changelog.model': { kind: 'string', names: ['SHIPLOG_MODEL', 'CTX_CHANGELOG_MODEL'] },
  'changelog.claude_thinking_tokens': {
    kind: 'number',
    names: ['SHIPLOG_CLAUDE_THINKING_TOKENS', 'CTX_CHANGELOG_CLAUDE_THINKING_TOKENS'],
  },
  'changelog.timeout_seconds': { kind: 'number', names: ['SHIPLOG_EVALUATOR_TIMEOUT'] },
  'devlog.enabled': { kind: 'bool', names: ['SHIPLOG_DEVLOG'] },
  'devlog.commit': { kind: 'bool', names: ['SHIPLOG_COMMIT_DEVLOG'] },
  'tail.max_line_bytes': { kind: 'number', names: ['SHIPLOG_MAX_LINE_BYTES'] },
  'stop.wait_ms': { kind: 'number', names: ['SHIPLOG_STOP_WAIT_MS'] },
  'worker.linger_seconds': { kind: 'number', names: ['SHIPLOG_WORKER_LINGER_SECONDS'] },
};

/** Dotted keys of every setting in the schema, optional ones included, in schema order. */
export const SETTING_KEYS: readonly string[] = schemaKeys(Config, '');

/** The settings with no default: unset unless a file or a variable sets them. */
export const OPTIONAL_KEYS: ReadonlySet<string> = new Set(
  SETTING_KEYS.filter((k) => getPath(Config.parse({}), k) === undefined),
);

function schemaKeys(schema: z.ZodType, prefix: string): string[] {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodPrefault || s instanceof z.ZodOptional) {
    s = s.unwrap() as z.ZodType;
  }
  if (!(s instanceof z.ZodObject)) return [prefix];
  const fields = Object.entries(s.shape as Record<string, z.ZodType>);
  return fields.flatMap(([k, v]) => schemaKeys(v, prefix ? `${prefix}.${k}` : k));
}
