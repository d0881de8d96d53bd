import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '../kit/errno.js';
import type { Routed } from '../agents/agent.js';
import { inboxKind } from '../agents/registry.js';
import { inboxName, MAX_PAYLOAD_BYTES, parseHookPayload } from '../hooks/inbox.js';
import type { HookJob } from '../hooks/payload.js';
import type { Logger } from '../log.js';
import { statePaths } from '../paths.js';
import { listDir, unlessMissing } from '../missing-path.js';

/** The router's marker in the inbox, read by the sh hooks as "pid starttime". */
export const ROUTER_ALIVE = 'router.alive';

/**
 * Turns the payloads the sh hooks left in the inbox into jobs in each session's spool, oldest
 * first, and returns the sessions that got one. Each job is written under a name taken from
 * its inbox file (so a router killed between writing the job and removing the inbox file writes
 * the same job again, never a second one), then the inbox file is removed.
 */
export function routeInbox(stateDir: string, log: Logger, env: NodeJS.ProcessEnv, now = Date.now()): Set<string> {
  const paths = statePaths(stateDir);
  const sessions = new Set<string>();
  for (const item of inboxFiles(paths.inbox, now)) {
    const bytes = readPayload(item.file, log);
    if (bytes === null) continue;
    const receivedAt = new Date(item.mtimeMs).toISOString();
    const parsed = route(item.kind, bytes, { receivedAt, mtimeMs: item.mtimeMs, env });
    const job: HookJob | null = 'job' in parsed ? parsed.job : null;
    if (!('job' in parsed))
      log[parsed.level](
        { kind: item.kind, bytes: bytes.length, ...(parsed.event && { event: parsed.event }) },
        parsed.drop,
      );
    if (job) {
      const spool = paths.sessionSpool(job.payload.session_id);
      // Ordered by when the hook started (its id's clock ticks, or the file's time where there is
      // no /proc), and unique by the inbox id.
      const name = `${String(item.ticks ?? Math.floor(item.mtimeMs)).padStart(15, '0')}-${item.id}.json`;
      try {
        writeJob(spool, name, job);
      } catch (err) {
        // A full disk or a spool folder we may not write: the payload stays in the inbox for
        // the next router, which tries again.
        log.error({ err, file: item.file }, 'could not move a hook payload into its spool; left in the inbox');
        continue;
      }
      sessions.add(job.payload.session_id);
    }
    rmSync(item.file, { force: true });
  }
  return sessions;
}

/** The job an inbox file becomes, by the agent whose hook wrote it. */
function route(
  kind: string,
  bytes: Buffer,
  at: { receivedAt: string; mtimeMs: number; env: NodeJS.ProcessEnv },
): Routed {
  const owner = inboxKind(kind);
  // A kind no agent of this version has (a newer hook, a stray file): nothing can read it.
  if (!owner) return { drop: `payload of an unknown kind "${kind}"; ignored`, level: 'warn' };
  if (owner.route) return owner.route(bytes, at);
  return parseHookPayload(owner.agent.id, Object.keys(owner.hooks.events), bytes, at.receivedAt);
}

/** Whether the inbox holds a payload (a `.part` being written counts: its hook renames it soon). */
export function inboxHasFiles(inbox: string): boolean {
  return listDir(inbox).some((n) => inboxName(n.replace(/\.part$/, '')) !== null);
}

/**
 * A `.part` this old belongs to a hook killed before its rename (a client killed mid-hook): it
 * is read like the others, since what it holds may be whole. A live hook renames within a second.
 */
const ORPHAN_PART_MS = 60_000;

interface InboxFile {
  file: string;
  id: string;
  kind: string;
  mtimeMs: number;
  /** The hook's start time in clock ticks since boot, from its id `<ticks>-<pid>` (Linux). */
  ticks: number | null;
  pid: number;
}

/**
 * Oldest hook first. The hooks write in the background, so a file's time is when its copy ended;
 * the start time in its name is when the client fired the hook.
 */
function byHookStart(a: InboxFile, b: InboxFile): number {
  if (a.ticks !== null && b.ticks !== null) return a.ticks - b.ticks || a.pid - b.pid;
  return a.mtimeMs - b.mtimeMs || a.pid - b.pid;
}

function inboxFiles(inbox: string, now: number): InboxFile[] {
  const out: InboxFile[] = [];
  for (const name of listDir(inbox)) {
    const part = name.endsWith('.part');
    const parsed = inboxName(part ? name.slice(0, -'.part'.length) : name);
    if (!parsed) continue;
    const file = join(inbox, name);
    // null: taken by another router, or renamed by its hook, since the listing.
    const mtimeMs = unlessMissing(() => statSync(file).mtimeMs, null);
    if (mtimeMs === null) continue;
    if (part && now - mtimeMs <= ORPHAN_PART_MS) continue;
    const [first = '', second] = parsed.id.split('-');
    out.push({
      file,
      ...parsed,
      mtimeMs,
      ticks: second === undefined ? null : Number(first),
      pid: Number(second ?? first),
    });
  }
  return out.sort(byHookStart);
}

/**
 * The file's bytes, at most the cap plus one; null when it is gone or is not a plain file of
 * ours (a symlink or a folder planted in the inbox is removed, never followed).
 */
function readPayload(file: string, log: Logger): Buffer | null {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if (isErrno(err) && err.code === 'ENOENT') return null;
    if (isErrno(err) && (err.code === 'ELOOP' || err.code === 'EISDIR')) {
      log.warn({ file }, 'not a plain file in the inbox; removed');
      removeOdd(file);
      return null;
    }
    throw err;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || (typeof process.getuid === 'function' && st.uid !== process.getuid())) {
      log.warn({ file }, 'not a plain file of ours in the inbox; removed');
      removeOdd(file);
      return null;
    }
    const buf = Buffer.allocUnsafe(Math.min(st.size, MAX_PAYLOAD_BYTES) + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, null);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function removeOdd(file: string): void {
  const st = lstatSync(file, { throwIfNoEntry: false });
  if (st) rmSync(file, { recursive: st.isDirectory(), force: true });
}

function writeJob(spool: string, name: string, job: HookJob): void {
  const part = join(spool, `${name}.part`);
  const text = JSON.stringify(job);
  try {
    writeFileSync(part, text, { mode: 0o600 });
  } catch (err) {
    if (!(isErrno(err) && err.code === 'ENOENT')) throw err;
    mkdirSync(spool, { recursive: true, mode: 0o700 });
    writeFileSync(part, text, { mode: 0o600 });
  }
  renameSync(part, join(spool, name));
}
