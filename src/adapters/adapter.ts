import type { z } from 'zod';
import type { AgentId } from '../agents/ids.js';
import type { AgentEvent, Subagent } from '../events.js';

export interface LineContext {
  /** Set when the line comes from a subagent's own transcript file. */
  subagent?: Subagent;
  /**
   * Applied to any text before the adapter cuts it (a command clipped into an action, the tail of
   * an output): a secret across the cut would otherwise survive in part, unrecognisable.
   */
  redact?: (text: string) => string;
  /**
   * The repository's top level. A session started in a subfolder of it names its files relative
   * to it, as the changelog entries and git do, rather than relative to the subfolder.
   */
  repoRoot?: string;
}

export interface ParseResult<S> {
  state: S;
  events: AgentEvent[];
}

/**
 * One adapter per transcript format. `parseLine` is pure and total: it never throws, never does
 * I/O, and returns a new state rather than mutating the old one. State must be JSON-serialisable
 * (it is stored between runs) and bounded in size whatever the transcript length.
 */
export interface Adapter<S> {
  readonly name: AgentId;
  readonly stateSchema: z.ZodType<S>;
  initialState(): S;
  parseLine(state: S, line: string, ctx?: LineContext): ParseResult<S>;
}
