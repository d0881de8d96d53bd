import { readdirSync } from 'node:fs';
import { isErrno } from '../kit/errno.js';
import { isSafeId } from '../ids.js';
import { statePaths } from '../paths.js';
import { AliveFile } from './alive-file.js';
import { drainSession, type DrainContext } from './drain.js';
import { hasJobs } from './jobs.js';
import { inboxHasFiles, ROUTER_ALIVE, routeInbox } from './route-inbox.js';

/**
 * Jobs left by a dead worker: the session's spool holds jobs but no live worker watches it (its
 * worker was killed, crashed, or gave up on a database that stayed busy) and no hook of that
 * session came since to start another. Any worker on its way out, `shiplog flush` and the sweep
 * take them here, with the same claim a session's own worker makes, so a hook that fires
 * meanwhile finds a live worker and nothing runs twice.
 */
export async function drainStranded(
  ctx: DrainContext,
  opts: { except?: string; only?: string; limit?: number } = {},
): Promise<string[]> {
  routeStrandedInbox(ctx);
  const taken: string[] = [];
  for (const session of spooledSessions(ctx.dir)) {
    if (session === opts.except || (opts.only !== undefined && session !== opts.only)) continue;
    if (opts.limit !== undefined && taken.length >= opts.limit) break;
    const spool = statePaths(ctx.dir).sessionSpool(session);
    const alive = new AliveFile(spool);
    // A live worker watches it (or one has just started): its jobs are in hand.
    if (!alive.claim()) continue;
    let ran = false;
    try {
      for (;;) {
        const { locked } = await drainSession(ctx, session);
        // `shiplog process` (or a worker that won a race) holds the session and takes them.
        if (locked) break;
        ran = true;
        alive.release();
        // A hook that spooled while we held the claim started no worker: look once more.
        if (!hasJobs(spool) || !alive.claim()) break;
      }
    } finally {
      alive.release();
    }
    if (!ran) continue;
    ctx.log.info({ session }, 'stranded hook jobs taken');
    taken.push(session);
  }
  return taken;
}

/** Session folders in the spool that hold at least one job, oldest name first. */
export function spooledSessions(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(statePaths(dir).spool);
  } catch (err) {
    if (isErrno(err) && err.code === 'ENOENT') return []; // no hook has fired yet
    throw err;
  }
  // spool/.bad/ and anything else not named like a session is not a session's spool.
  return names.filter((n) => isSafeId(n) && hasJobs(statePaths(dir).sessionSpool(n))).sort();
}

/**
 * Payloads left in the inbox by a router that was killed (or never started: a node that would
 * not start) and followed by no hook since: routed into their spools here, under the router's
 * own marker, so the spool loop above finds them.
 */
function routeStrandedInbox(ctx: DrainContext): void {
  const inbox = statePaths(ctx.dir).inbox;
  if (!inboxHasFiles(inbox)) return;
  const router = new AliveFile(inbox, { name: ROUTER_ALIVE, plain: true });
  if (!router.claim()) return;
  try {
    const routed = routeInbox(ctx.dir, ctx.log, ctx.env);
    if (routed.size > 0) ctx.log.info({ sessions: [...routed] }, 'stranded hook payloads routed');
  } finally {
    router.release();
  }
}
