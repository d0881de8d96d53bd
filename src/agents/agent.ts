import type { Adapter } from '../adapters/adapter.js';
import type { Check, DoctorContext } from '../doctor/check.js';
import type { HookJob, HookPayload } from '../hooks/payload.js';
import type { TurnEnd } from '../worker/stop-wait.js';
import type { EvalResult, EvaluatorSettings } from '../evaluator/result.js';
import type { AgentId, EvaluatorName, ToolName } from './ids.js';

/**
 * Everything shiplog knows about one agent, in one place: the worker, pipeline, backfill, sweep,
 * CLI and doctor ask the registry (./registry.ts) and never name an agent themselves. Optional
 * parts are what an agent does not have: the generic reader has no hooks and no session folder.
 */
export interface Agent {
  readonly id: AgentId;
  /** As people name it: "Claude Code". */
  readonly label: string;
  readonly tool: ToolName;
  /** The names `--agent` takes for it. */
  readonly aliases: readonly string[];
  readonly adapter: Adapter<unknown>;
  /** How a transcript of its grows (a client may have changed it between releases: by file name). */
  format(transcriptPath: string): TranscriptFormat;
  /** Whether a file no hook named is this agent's transcript, from its name and its first 64 KiB. */
  recognises(fileName: string, head: string): boolean;
  /** Its files have no mark of their own: asked only after every agent whose files do. */
  readonly recognisedLast?: boolean;
  /** Read a file with no other agent's reader makes a session of (`shiplog process`, `backfill --path`). */
  readonly lastResort?: boolean;
  /** The session id of a transcript when its file name without the extension is not it. */
  sessionIdOf?(transcriptPath: string): string | undefined;
  /** The folder a session worked in, where the client records it outside the transcript. */
  cwdOf?(transcriptPath: string): string | null;
  readonly sessions?: SessionFiles;
  /** A subagent's own transcript, read through its parent's, never as a session of its own. */
  isSubagentFile?(path: string): boolean;
  /** Where a subagent's own transcript is, by the id the parent's transcript names it with. */
  subagents?(transcriptPath: string): (agentId: string) => string | null;
  readonly hooks?: AgentHooks;
  /** Its CLI as the LLM evaluator that writes entries' summaries. */
  readonly evaluator?: AgentEvaluator;
  /** Install, uninstall and doctor checks, loaded only by the commands that need them. */
  setup?(): Promise<AgentSetup>;
}

/**
 * How a transcript grows. `lines`: JSONL the client appends to, read from a byte cursor.
 * `document`: one JSON document the client rewrites whole as the session grows; `records`
 * splits it into one line per message, in order, so the byte cursor counts messages. `redact`
 * is applied to text before `records` cuts any (a secret across the cut would survive in part).
 */
export type TranscriptFormat =
  | { kind: 'lines' }
  | { kind: 'document'; records(text: string, fileName: string, redact?: (text: string) => string): DocumentRecords };
export type DocumentRecords = { ok: true; records: string[] } | { ok: false; reason: string };

/** A transcript found on disk, with the session id its name gives (else the name itself). */
export interface FoundFile {
  path: string;
  sessionId?: string | undefined;
}

export interface SessionFiles {
  /** Where the client keeps its sessions, for messages ("~/.claude/projects"). */
  where(env: NodeJS.ProcessEnv): string;
  /** Every session transcript (backfill); subagent transcripts are read through their parent. */
  all(env: NodeJS.ProcessEnv): FoundFile[];
  /** Those in folders changed at or after `after` (ms), up to `now`: what the sweep lists. */
  recent(env: NodeJS.ProcessEnv, after: number, now: Date): FoundFile[];
  /** Of several copies of one session (an archived thread beside its live one), the one to read. */
  pickCopies?<T extends { sessionId: string; path: string; size: number }>(
    found: T[],
  ): { keep: T[]; drop: { file: T; reason: string }[] };
}

interface AgentEvaluator {
  /** Its `changelog.evaluator` value and the program looked for on PATH. */
  readonly name: EvaluatorName;
  /** How to log in, for doctor. */
  readonly login: string;
  /** Whether the CLI has a login to use (a credentials file, an API key in the environment). */
  loggedIn(env: NodeJS.ProcessEnv): boolean;
  run(bin: string, prompt: string, s: EvaluatorSettings): Promise<EvalResult>;
}

/** What a hook event means for the session it names. */
export type HookRole = 'turn-end' | 'session-end' | 'subagent-end';

/** What the router makes of one inbox file (src/worker/route-inbox.ts). */
export type Routed = { job: HookJob } | { drop: string; level: 'info' | 'warn'; event?: string };

export interface AgentHooks {
  /** The events shiplog's hook is registered for, each with its meaning. */
  readonly events: Readonly<Record<string, HookRole>>;
  /**
   * Inbox kinds besides the agent's id whose payload is not a hook's JSON (Codex's notify
   * argument), each with how it becomes a job. May look at the agent's files.
   */
  readonly otherKinds?: Readonly<
    Record<string, (bytes: Buffer, at: { receivedAt: string; mtimeMs: number; env: NodeJS.ProcessEnv }) => Routed>
  >;
  /** What the transcript past the cursor must hold before a turn-end run reads it; null: quiet will do. */
  turnEnd?(payload: HookPayload): TurnEnd | null;
  /** The transcript of a job that names none (Codex notify names its thread only). */
  transcriptOf?(payloads: HookPayload[]): string | undefined;
}

export type Scope = 'user' | 'project';

export interface AgentSetup {
  /** `shiplog install --<flag>`. */
  readonly flag: string;
  /** Its lines in `shiplog install --help`. */
  readonly help: string;
  /** The hook scripts it registers (hooks/*.sh), which doctor checks are present. */
  readonly hookScripts: readonly string[];
  /** Whether the agent is on this machine: its program on PATH, or its config folder. */
  present(env: NodeJS.ProcessEnv): { present: boolean; binary: string | null };
  /** Registers shiplog; returns the lines to print. Throws CliError when nothing could be changed. */
  install(opts: {
    scope: Scope;
    node: string;
    notify: boolean;
    binary: string | null;
    env: NodeJS.ProcessEnv;
  }): Promise<string[]>;
  uninstall(opts: { scope: Scope; env: NodeJS.ProcessEnv }): string[];
  doctor(ctx: DoctorContext): Check[];
}
