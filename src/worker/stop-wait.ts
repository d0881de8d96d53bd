import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Claude Code can fire `Stop` before the turn's last assistant record reaches the transcript.
 * Waits, bounded, until the bytes after `fromOffset` hold the payload's `last_assistant_message`
 * (as it appears inside a JSON string) or the file has stopped growing.
 */
export async function waitForTranscript(
  path: string,
  fromOffset: number,
  lastMessage: string | undefined,
  maxWaitMs: number,
): Promise<'found' | 'stable' | 'timeout'> {
  const needle = lastMessage ? Buffer.from(JSON.stringify(lastMessage.slice(0, 120)).slice(1, -1)) : null;
  const started = Date.now();
  let lastSize = -1;
  let stableSince = Date.now();
  // With the reply in hand we can afford to wait for it; without it, a short quiet spell will do.
  const quietMs = needle ? 1000 : 300;
  while (Date.now() - started < maxWaitMs) {
    const size = sizeOf(path);
    if (needle && size > fromOffset && tailHolds(path, Math.max(fromOffset, size - 4 * 1024 * 1024), size, needle)) return 'found';
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

function tailHolds(path: string, from: number, to: number, needle: Buffer): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(to - from);
    const n = readSync(fd, buf, 0, buf.length, from);
    return buf.subarray(0, n).includes(needle);
  } finally {
    closeSync(fd);
  }
}
