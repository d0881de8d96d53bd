import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import lockfile from 'proper-lockfile';

/**
 * Appends JSONL records under a file lock, each at most once per `runId`: a retried, concurrent
 * or crashed-and-rerun worker never writes the same window twice. A torn last line left by a
 * writer killed mid-append is cut off first (its window was not marked written, so it is
 * re-appended), and before the duplicate check, so a torn copy can never pass for a written one.
 * All records of one call share one lock, one read and one fsync.
 */
export interface AppendResult {
  written: boolean;
}

export interface Keyed {
  runId: string;
  record: object;
}

const LOCK_OPTIONS = {
  // A dead holder's lock is reclaimed after `stale`; a live one that holds it longer than the
  // retries last makes this append fail, and the window stays pending for the next run.
  stale: 4000,
  update: 1000,
  retries: { retries: 30, factor: 1.25, minTimeout: 25, maxTimeout: 500, randomize: true },
};

export async function appendOnce(file: string, runId: string, record: object): Promise<AppendResult> {
  const [result] = await appendAllOnce(file, [{ runId, record }]);
  return result ?? { written: false };
}

export async function appendAllOnce(file: string, records: Keyed[]): Promise<AppendResult[]> {
  closeSync(openSync(file, 'a', 0o644));
  let compromised: Error | null = null;
  const release = await lockfile.lock(file, {
    ...LOCK_OPTIONS,
    onCompromised: (err) => {
      compromised = err;
    },
  });
  try {
    const written = appendLocked(file, records);
    if (compromised) throw compromised;
    return written.map((w) => ({ written: w }));
  } finally {
    await release().catch((err: unknown) => {
      // Release fails only when the lock was already taken over as stale; that is reported
      // through `compromised` above, so a second error here would only hide the first.
      if (!compromised) throw err;
    });
  }
}

function appendLocked(file: string, records: Keyed[]): boolean[] {
  const fd = openSync(file, 'r+');
  try {
    const size = fstatSync(fd).size;
    const content = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, content, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    let end = read;
    if (end > 0 && content[end - 1] !== 0x0a) {
      end = content.lastIndexOf(0x0a, end - 1) + 1;
      ftruncateSync(fd, end);
    }
    const existing = content.subarray(0, end);
    const seen = new Set<string>();
    const written = records.map(({ runId }) => {
      const dup = seen.has(runId) || existing.includes(Buffer.from(`"run_id":${JSON.stringify(runId)}`));
      seen.add(runId);
      return !dup;
    });
    const text = records
      .filter((_, i) => written[i])
      .map((r) => `${JSON.stringify(r.record)}\n`)
      .join('');
    if (text === '') return written;
    const buf = Buffer.from(text);
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off, end + off);
    fsyncSync(fd);
    return written;
  } finally {
    closeSync(fd);
  }
}
