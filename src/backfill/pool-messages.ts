import { z } from 'zod';
import { AgentId } from '../agents/ids.js';
import { Config } from '../config/config.js';
import type { SessionResult } from './progress.js';

/**
 * What `shiplog backfill --jobs N` and its session processes say to each other over the IPC
 * channel. Both ends parse what they receive: a message is data from another process.
 */

/** One session to run, with everything the parent settled before any run started (see pinOutputs). */
export const SessionTask = z.object({
  sessionId: z.string(),
  agent: AgentId,
  path: z.string(),
  cwd: z.string(),
  repo: z.string().optional(),
  /** Untouched for the idle time: its window is closed at the end of the run. */
  idle: z.boolean(),
  config: Config,
});
export type SessionTask = z.infer<typeof SessionTask>;

/** What a run of one session comes to: the parent counts it and prints its line. */
export type RunResult = Extract<SessionResult, { kind: 'processed' | 'error' }>;

const RunResult: z.ZodType<RunResult> = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('processed'),
    sessionId: z.string(),
    agent: AgentId,
    entries: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    waiting: z.number().int().nonnegative(),
    leftOpen: z.string().optional(),
  }),
  z.object({ kind: z.literal('error'), sessionId: z.string(), agent: AgentId, message: z.string() }),
]);

/** Parent to child: run this session next. `id` is its place in the parent's list. */
const RunMessage = z.object({ type: z.literal('run'), id: z.number().int().nonnegative(), task: SessionTask });

/** Parent to child: nothing more to run; leave once the session in hand is done. */
const StopMessage = z.object({ type: z.literal('stop') });

export const ToChild = z.discriminatedUnion('type', [RunMessage, StopMessage]);
export type ToChild = z.infer<typeof ToChild>;

/** Child to parent: the session handed over as `id` is done. */
export const DoneMessage = z.object({ type: z.literal('done'), id: z.number().int().nonnegative(), result: RunResult });
export type DoneMessage = z.infer<typeof DoneMessage>;
