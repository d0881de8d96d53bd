import type { AgentEvent } from '../events.js';
import { redactDeep, type Redactor } from './redact.js';

/**
 * An event as the devlog, the window and the entries may see it. A tool's output tail is left as
 * it is: the longest text of all, it is never written itself, only read for test results and
 * commit lines, and the entry built from those is redacted as a whole (pipeline.ts).
 */
export function redactEvent(event: AgentEvent, r: Redactor): AgentEvent {
  if (event.kind === 'tool_result' && event.output !== undefined)
    return { ...redactDeep({ ...event, output: undefined }, r), output: event.output };
  return redactDeep(event, r);
}
