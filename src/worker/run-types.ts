import type { AgentId } from '../agents/registry.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../log.js';
import type { Db } from '../state/db.js';
import type { RunTally } from '../state/runs.js';
import type { FlushOutcome } from './flush-windows.js';

/** What a run over one session is asked to do, what it runs with, and what it reports. */

export interface RunRequest {
  sessionId: string;
  agent: AgentId;
  transcriptPath: string;
  /** The agent's working folder from the hook payload. */
  cwd?: string | undefined;
  /** An explicit output repository (`shiplog process --repo`). */
  repo?: string | undefined;
  trigger: string;
  /** Close the open window at the end of the run, with this reason (see changelog/close-policy.ts). */
  close?: string | null | undefined;
}

export interface RunContext {
  /** The state folder (`SHIPLOG_HOME`): the database, the log and the devlog fragments. */
  stateDir: string;
  db: Db;
  log: Logger;
  config: Config;
  now?: () => Date;
  /** The environment evaluator CLIs are looked up in and run with (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export interface RunOutcome extends RunTally {
  sessionId: string;
  repo: string | null;
  devlogPath: string | null;
  /** Why the devlog was refused this run (its file or folder is a symlink, say); entries still go out. */
  devlogError?: string;
  /** Secrets redacted from what this run read, per kind. */
  redactions: Record<string, number>;
  windows: FlushOutcome;
}
