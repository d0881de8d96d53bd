import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { isErrno } from '../kit/errno.js';
import { isAlive, ProcessOwner, thisProcess } from '../state/session-lock.js';

/**
 * `$SHIPLOG_HOME/workers/<pid>.json` names every worker for its whole life, from its claim of a
 * session to its exit: after its own session it goes on to other sessions' idle windows, held
 * windows and stranded jobs, when its `worker.alive` is already gone. "No live worker registered"
 * is what really means "all done" (for doctor, and for tests that must wait for an event rather
 * than a clock).
 */
const Entry = ProcessOwner.extend({ session: z.string() });

export function registerWorker(stateDir: string, sessionId: string): () => void {
  const dir = join(stateDir, 'workers');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${process.pid}.json`);
  const tmp = `${file}.part`;
  writeFileSync(tmp, JSON.stringify({ ...thisProcess(), session: sessionId }), { mode: 0o600 });
  renameSync(tmp, file);
  return () => rmSync(file, { force: true });
}

/** The workers registered and still running (files left by killed ones do not count). */
export function liveWorkers(stateDir: string): z.infer<typeof Entry>[] {
  const dir = join(stateDir, 'workers');
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch (err) {
    if (isErrno(err) && err.code === 'ENOENT') return [];
    throw err;
  }
  const out: z.infer<typeof Entry>[] = [];
  for (const name of names) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    } catch (err) {
      // Removed by its worker between the listing and the read: it has finished.
      if (isErrno(err) && err.code === 'ENOENT') continue;
      if (err instanceof SyntaxError) continue; // written whole by rename; never half a file
      throw err;
    }
    const entry = Entry.safeParse(parsed);
    if (entry.success && isAlive(entry.data.pid, entry.data.start)) out.push(entry.data);
  }
  return out;
}
