/**
 * Helpers for the generic reader's tests: read a fixture with readGeneric, feed its records to the
 * adapter one JSON line each (as the pipeline does), and show the events as short lines that a
 * test can compare whole.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LineContext } from '../../../src/adapters/adapter.js';
import { genericAdapter, type GenericState } from '../../../src/agents/generic/index.js';
import { type GenericRead, readGeneric } from '../../../src/agents/generic/shapes.js';
import { AgentEvent } from '../../../src/events.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/generic/', import.meta.url));

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

export function readFixture(name: string): Extract<GenericRead, { ok: true }> {
  const read = readGeneric(fixture(name), name);
  assert.ok(read.ok, `${name}: ${read.ok ? '' : read.reason}`);
  return read;
}

/** Each line through parseLine from `state`, checking every event against the schema. */
export function runLines(
  lines: readonly string[],
  ctx?: LineContext,
  state: GenericState = genericAdapter.initialState(),
): { state: GenericState; events: AgentEvent[] } {
  const events: AgentEvent[] = [];
  for (const line of lines) {
    const out = genericAdapter.parseLine(state, line, ctx);
    for (const event of out.events)
      assert.ok(AgentEvent.safeParse(event).success, `valid event: ${JSON.stringify(event).slice(0, 200)}`);
    events.push(...out.events);
    state = out.state;
  }
  return { state, events };
}

export function runFixture(name: string, ctx?: LineContext): AgentEvent[] {
  return runLines(
    readFixture(name).records.map((r) => JSON.stringify(r)),
    ctx,
  ).events;
}

/**
 * Events as lines: `> prompt`, `< reply`, `$ action [callId]`, `= callId ok` or
 * `= callId failed: exit 1`. Session and skipped events are left to the tests that look for them.
 */
export function transcript(events: readonly AgentEvent[]): string[] {
  return events.flatMap((e): string[] => {
    switch (e.kind) {
      case 'prompt':
        return [`> ${e.text}`];
      case 'reply':
        return [`< ${e.text}`];
      case 'tool_call':
        return [`$ ${e.action} [${e.callId}]`];
      case 'tool_result': {
        const verdict =
          e.outcome === undefined
            ? e.isError
              ? 'error'
              : 'ok'
            : e.reason === undefined
              ? e.outcome
              : `${e.outcome}: ${e.reason}`;
        return [`= ${e.callId} ${verdict}`];
      }
      default:
        return [];
    }
  });
}
