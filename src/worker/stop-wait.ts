import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** What the bytes after the cursor must hold before a Stop run reads them. */
export type TurnEnd = (bytes: Buffer) => boolean;

/** Holds `text` as it appears inside a JSON string (how every transcript stores a reply). */
export function holdsText(text: string): TurnEnd {
  const needle = Buffer.from(JSON.stringify(text).slice(1, -1));
  return (bytes) => bytes.includes(needle);
}

/**
 * Agents can fire `Stop` before the turn's last records reach the transcript (Claude Code its
 * last reply, Codex its task_complete). Waits, bounded, until the bytes after `fromOffset`
 * satisfy `turnEnd`, or, when there is no `turnEnd` to wait for, the file has stopped growing.
 */
export async function waitForTranscript(
  path: string,
  fromOffset: number,
  turnEnd: TurnEnd | null,
  maxWaitMs: number,
): Promise<'found' | 'stable' | 'timeout'> {
  const needle = turnEnd;
  const started = Date.now();
  let lastSize = -1;
  let stableSince = Date.now();
  // With the turn's end in hand (the reply, the turn id) the run waits for it, up to maxWaitMs:
  // on a loaded machine the agent may flush it well after a second of quiet. Without it, a short
  // quiet spell will do.
  const quietMs = needle ? Number.POSITIVE_INFINITY : 300;
  while (Date.now() - started < maxWaitMs) {
    const size = sizeOf(path);
    if (needle && size > fromOffset && tailHolds(path, Math.max(fromOffset, size - 4 * 1024 * 1024), size, needle))
      return 'found';
    if (size !== lastSize) {
      lastSize = size;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs) return 'stable';
    await sleep(100);
  }
  return 'timeout';
}

function sizeOf(path: string): number {
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

function tailHolds(path: string, from: number, to: number, turnEnd: TurnEnd): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(to - from);
    const n = readSync(fd, buf, 0, buf.length, from);
    return turnEnd(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}
