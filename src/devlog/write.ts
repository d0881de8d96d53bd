import { join } from 'node:path';
import { ensureOutputDir } from '../output/folders.js';
import { replaceFileWith } from '../output/replace-file.js';
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
  // A link (or another user's file) where the devlog goes is refused by replaceFileWith: the run
  // says so rather than quietly replacing it. A killed run's temporary copy is cleared by the next.
  return replaceFileWith(
    dir,
    `${doc.session_id}.json`,
    (put) => {
      const head = JSON.stringify(doc, null, 2);
      // `head` ends in `"conversation": []\n}`; open the array and put the entries into it.
      put(Buffer.from(`${head.slice(0, head.lastIndexOf('[]'))}[`));
      fragment.copyTo(put);
      let first = fragment.bytes === 0;
      for (const e of open) {
        put(Buffer.from(`${first ? '\n' : ',\n'}${e}`));
        first = false;
      }
      put(Buffer.from(`${first ? ']' : '\n  ]'}\n}\n`));
    },
    { syncFolder: false },
  );
}
