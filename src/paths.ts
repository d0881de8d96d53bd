import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where shiplog keeps its own state. `SHIPLOG_HOME` wins (tests, several installs side by side);
 * otherwise the XDG state folder. The sh hooks (hooks/lib/inbox.sh) resolve the same folder with
 * the same rules; test/hooks/claude-code-hook.test.ts ("resolves the same state folder as the
 * worker") keeps the two in step.
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SHIPLOG_HOME) return env.SHIPLOG_HOME;
  const xdg = env.XDG_STATE_HOME?.startsWith('/') ? env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(xdg, 'shiplog');
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(xdg, 'shiplog');
}

export const statePaths = (dir: string) => ({
  dir,
  db: join(dir, 'state.db'),
  log: join(dir, 'shiplog.log'),
  spool: join(dir, 'spool'),
  sessionSpool: (sessionId: string) => join(dir, 'spool', sessionId),
  /** The finalized devlog entries of a session, as bytes (src/devlog/fragment.ts). */
  fragment: (sessionId: string) => join(dir, 'devlog', `${sessionId}.frag`),
  /** Lock databases serialising appends to each output file (src/output/append-lock.ts). */
  appendLocks: join(dir, 'append-locks'),
  /** Where the sh hooks leave payloads for the router (hooks/lib/inbox.sh, src/worker/router.ts). */
  inbox: join(dir, 'inbox'),
  /** Where a run keeps a rewritten document's messages as lines while it reads them (src/tail/document.ts). */
  documents: join(dir, 'documents'),
});
