import { closeSync, fsyncSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ensureOutputDir } from '../output/folders.js';
import { checkOutputFile, openOutputFile } from '../output/safe-open.js';
import { isAlive } from '../state/session-lock.js';
import type { Fragment } from './fragment.js';
import { DevlogDocument, type ConversationEntry } from './schema.js';

/**
 * Renders one conversation entry the way it sits inside the document, so stored entries can be
 * concatenated into the file without parsing them again (the file is rewritten after every run,
 * and its cost must not grow with re-parsing a long session).
 */
export function renderEntry(entry: ConversationEntry): string {
  return JSON.stringify(entry, null, 2).replace(/^/gm, '    ');
}

/** Where a session's devlog lives in the repository. */
export function devlogPath(repo: string, sessionId: string): string {
  return join(repo, '.devlog', 'sessions', `${sessionId}.json`);
}

export interface DevlogHeader {
  session_id: string;
  timestamp: string;
  project_dir: string;
  git: DevlogDocument['git'];
}

/**
 * Atomically replaces `<repo>/.devlog/sessions/<session_id>.json`: written to a temporary file in
 * the same folder, flushed, then renamed over the old one, so a reader never sees half a file.
 * The finalized entries come as raw bytes from the session's fragment; `open` are the entries of
 * the current turn, rendered.
 */
export function writeDevlog(
  repo: string,
  header: DevlogHeader,
  fragment: Fragment,
  open: string[],
  commit: boolean,
): string {
  const doc = DevlogDocument.parse({ schema_version: '1.0', ...header, conversation: [] });
  const dir = ensureOutputDir(repo, '.devlog', ['sessions'], commit);
  const target = devlogPath(repo, doc.session_id);
  // The rename below would replace a symlink, not write through it; still, a link (or a file of
  // another user) where the devlog goes was put there by someone else, and the run says so
  // rather than quietly replacing it.
  checkOutputFile(target);
  const tmp = join(dir, `.${doc.session_id}.json.${process.pid}.tmp`);
  // A leftover of a killed run with this pid, or a link planted under this name: removing a link
  // never touches its target, and the exclusive, no-follow create below takes only a new file.
  rmSync(tmp, { force: true });
  const { fd } = openOutputFile(tmp, 'new');
  try {
    const head = JSON.stringify(doc, null, 2);
    // `head` ends in `"conversation": []\n}`; open the array and put the entries into it.
    writeAll(fd, Buffer.from(`${head.slice(0, head.lastIndexOf('[]'))}[`));
    fragment.copyTo((chunk) => writeAll(fd, chunk));
    let first = fragment.bytes === 0;
    for (const e of open) {
      writeAll(fd, Buffer.from(`${first ? '\n' : ',\n'}${e}`));
      first = false;
    }
    writeAll(fd, Buffer.from(`${first ? ']' : '\n  ]'}\n}\n`));
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, target);
  clearDeadWriters(dir, doc.session_id);
  return target;
}

/**
 * Removes this session's temporary devlogs whose writer is gone: a run killed between its create
 * and its rename leaves one under its pid, which no later run (another pid) would ever reuse. A
 * file whose pid is alive is a concurrent writer's and stays (or a reused pid's: it goes later).
 */
function clearDeadWriters(dir: string, sessionId: string): void {
  const prefix = `.${sessionId}.json.`;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length, -'.tmp'.length));
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid, null)) continue;
    // Removing a name never follows it: a link planted here goes, its target stays.
    rmSync(join(dir, name), { force: true });
  }
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off);
}
