import { readFileSync } from 'node:fs';
import type { LineContext } from '../../src/adapters/adapter.js';
import { claudeCodeAdapter, type ClaudeCodeState } from '../../src/agents/claude-code/adapter.js';
import type { AgentEvent, EventOf } from '../../src/events.js';

/** Runs the Claude Code adapter over whole transcripts, for tests that read what it makes of a file. */
export function lines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

export function run(
  input: readonly string[],
  ctx?: LineContext,
  start: ClaudeCodeState = claudeCodeAdapter.initialState(),
): { state: ClaudeCodeState; events: AgentEvent[] } {
  let state = start;
  const events: AgentEvent[] = [];
  for (const line of input) {
    const result = claudeCodeAdapter.parseLine(state, line, ctx);
    state = result.state;
    events.push(...result.events);
  }
  return { state, events };
}

export function ofKind<K extends AgentEvent['kind']>(events: readonly AgentEvent[], kind: K): EventOf<K>[] {
  return events.filter((event): event is EventOf<K> => event.kind === kind);
}
