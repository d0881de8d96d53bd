import { lstatSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { globSync } from '../../glob.js';
import { largestCopies } from '../largest-copy.js';
import type { DocumentRecords, FoundFile, SessionFiles } from '../agent.js';
import { listDir, unlessMissing } from '../../missing-path.js';
import { peekFirstLine, peekHead } from '../../tail/tail.js';
import { tryParseJson } from '../../try-json.js';
import { z } from 'zod';
import { Metadata } from './records.js';

const SessionDocument = z.looseObject({
  sessionId: z.string(),
  lastUpdated: z.unknown(),
  messages: z.array(z.unknown()),
});
import { geminiDir } from './paths.js';

/**
 * Gemini CLI keeps each session as `tmp/<project>/chats/session-<time>-<id8>.jsonl` (`.json`
 * before 0.5x) under its folder, and a subagent's as `chats/<parent id>/<id>.jsonl`, read
 * through its parent. The file name carries only 8 characters of the session id, so the id is
 * taken from the session's first record, as the hooks give it.
 */
const SESSION_NAME = /^session-.*\.jsonl?$/;

export const geminiSessions: SessionFiles = {
  where: (env) => join(geminiDir(env), 'tmp'),
  all(env) {
    const paths = globSync('tmp/*/chats/session-*.{json,jsonl}', {
      cwd: geminiDir(env),
      absolute: true,
      onlyFiles: false,
      followSymbolicLinks: false,
      suppressErrors: true,
      dot: false,
    });
    return paths.map((path) => ({ path, sessionId: sessionIdOf(path) }));
  },
  recent(env, after) {
    const found: FoundFile[] = [];
    const tmp = join(geminiDir(env), 'tmp');
    for (const project of listDir(tmp)) {
      const chats = join(tmp, project, 'chats');
      const st = unlessMissing(() => lstatSync(chats), null);
      if (st === null || !st.isDirectory() || st.mtimeMs < after) continue;
      for (const name of listDir(chats))
        if (SESSION_NAME.test(name)) found.push({ path: join(chats, name), sessionId: sessionIdOf(join(chats, name)) });
    }
    return found;
  },
  // A resumed run first starts a file of its own for the same session (a metadata line and the
  // CLI's context), then goes on in the old one: the larger file holds the session.
  pickCopies: (found) => largestCopies(found, (kept) => `another file of this session is larger: ${kept.path}`),
};

/** The session id in the file's first record (the whole document's, for a `.json`). */
export function sessionIdOf(path: string): string | undefined {
  return metadataOf(path)?.sessionId;
}

/** A subagent's log: its metadata says so. */
export function isSubagentLog(path: string): boolean {
  return metadataOf(path)?.kind === 'subagent';
}

function metadataOf(path: string): { sessionId?: string; kind?: string } | undefined {
  // A document starts with its metadata; only its head is read.
  if (path.endsWith('.json')) {
    const sessionId = /"sessionId"\s*:\s*"([A-Za-z0-9._-]{1,128})"/.exec(peekHead(path, 4096))?.[1];
    return sessionId === undefined ? undefined : { sessionId };
  }
  const first = peekFirstLine(path, 64 * 1024);
  // A torn first line: the session is found again once it is whole.
  const meta = Metadata.safeParse(first === null ? undefined : tryParseJson(first));
  return meta.success
    ? { sessionId: meta.data.sessionId, ...(typeof meta.data.kind === 'string' && { kind: meta.data.kind }) }
    : undefined;
}

/** The project folder a session worked in: `tmp/<project>/.project_root`, written by the CLI. */
export function projectRootOf(transcriptPath: string): string | null {
  const chats = dirname(transcriptPath);
  if (basename(chats) !== 'chats') return null;
  const text = unlessMissing(() => readFileSync(join(dirname(chats), '.project_root'), 'utf8'), null);
  const root = text?.trim();
  return root?.startsWith('/') && root.length < 4096 && !root.includes('\n') ? root : null;
}

/**
 * A session document of the releases before the JSONL log, split into the records that log
 * holds: the metadata (without `lastUpdated`, which changes on every rewrite), then each message.
 */
export function documentRecords(text: string): DocumentRecords {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not a whole JSON document (is the session still being written?)' };
  }
  const parsed = SessionDocument.safeParse(doc);
  if (!parsed.success) return { ok: false, reason: 'not a Gemini CLI session document (no sessionId and messages)' };
  const { messages, lastUpdated: _changesEveryWrite, ...meta } = parsed.data;
  return { ok: true, records: [JSON.stringify(meta), ...messages.map((m) => JSON.stringify(m))] };
}
