import { lstatSync } from 'node:fs';
import { basename } from 'node:path';
import { agentFor, detectAgent, lastResort, type AgentId } from '../agents/registry.js';
import { peekHead } from '../tail/tail.js';
import { firstEvent, peekTranscript } from './transcript-cwd.js';

/**
 * Which agent's reader makes a session of a file no hook named (`shiplog process`, `backfill
 * --path`): the one its name and first 64 KiB point to, else the reader of last resort (a chat
 * log of another tool). A file that cannot be read is left to the run, which names the reason.
 */
export function readerFor(path: string): AgentId | undefined {
  const detected = detectAgent(basename(path), peekHead(path, 64 * 1024))?.id;
  if (!isRegularFile(path)) return detected ?? lastResort?.id;
  if (detected !== undefined && holdsSession(path, detected)) return detected;
  return lastResort !== undefined && holdsSession(path, lastResort.id) ? lastResort.id : undefined;
}

/**
 * True when the first lines of the file, read by the agent's adapter, yield anything of a
 * session (a prompt, a reply, a tool call, the session record). Lines the adapter skips — other
 * JSON, text, `{}` — do not count.
 */
export function holdsSession(path: string, agent: AgentId): boolean {
  const adapter = agentFor(agent).adapter;
  return (
    peekTranscript(
      path,
      agent,
      (lines) => firstEvent(lines, adapter, 200, (e) => (e.kind === 'skipped' ? null : true)) ?? false,
    ) ?? true // unreadable after all: the run reports why
  );
}

/** A plain file (not a link, folder or FIFO); false when it is not there. */
export function isRegularFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    // Missing or unreadable: the run that follows reports the real error with its path.
    return false;
  }
}
