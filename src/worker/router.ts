import { mkdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { configForSession } from '../config/session-config.js';
import { createLogger, type Logger } from '../log.js';
import { stateDir, statePaths } from '../paths.js';
import { AliveFile } from './alive-file.js';
import { lingerFor } from './linger.js';
import { inboxHasFiles, ROUTER_ALIVE, routeInbox } from './route-inbox.js';
import { startDetached } from './spawn-worker.js';

/** A worker just started has not claimed its spool yet: it is not started twice meanwhile. */
const STARTING_MS = 10_000;

/**
 * The process the sh hooks start (`node worker/entry.js --inbox`) when no router is alive. It
 * turns inbox payloads into spool jobs and starts each session's worker unless one is alive,
 * then stays a while watching the inbox (as long as a worker would: src/worker/linger.ts), so
 * the hooks of the next turns find it alive and start nothing. On its way out it gives up its marker and looks at the inbox once
 * more: a hook renames its payload before it reads the marker, so a payload is always either
 * seen by the leaving router or followed by a new one.
 */
export async function routerMain(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const dir = stateDir(env);
  const log = createLogger(dir, 'router');
  const inbox = statePaths(dir).inbox;
  mkdirSync(inbox, { recursive: true, mode: 0o700 });
  const alive = new AliveFile(inbox, { name: ROUTER_ALIVE, plain: true });
  if (!alive.claim()) return;
  const settingMs = configForSession(null, env).config.worker.linger_seconds * 1000;
  // Like a worker's: twice the gap between the last two payloads, so an idle router does not
  // hold its memory for the whole setting after a session's last turn.
  let lingerMs = settingMs;
  const started = new Map<string, number>();
  let idleSince = Date.now();
  let previous: string | null = null;
  try {
    for (;;) {
      const sessions = routeInbox(dir, log, env);
      for (const session of sessions) startWorker(dir, session, env, log, started);
      if (sessions.size > 0) {
        idleSince = Date.now();
        lingerMs = lingerFor(settingMs, previous, idleSince);
        previous = new Date(idleSince).toISOString();
      }
      if (Date.now() - idleSince >= lingerMs) {
        alive.release();
        if (!inboxHasFiles(inbox) || !alive.claim()) break;
        // A hook is still writing (a .part): give it the time to rename.
        await sleep(100);
        continue;
      }
      await sleep(100);
    }
  } finally {
    alive.release();
  }
}

/** Starts the session's worker unless one is alive (it takes the new job from its spool). */
export function startWorker(
  dir: string,
  session: string,
  env: NodeJS.ProcessEnv,
  log: Logger,
  started: Map<string, number>,
): void {
  if (new AliveFile(statePaths(dir).sessionSpool(session)).heldByOther()) return;
  const at = started.get(session);
  if (at !== undefined && Date.now() - at < STARTING_MS) return;
  started.set(session, Date.now());
  startDetached([session], env, (err) =>
    log.error(
      { err, session },
      'could not start a worker; the job waits in the spool for the next worker or shiplog flush',
    ),
  );
}
