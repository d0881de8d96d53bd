/**
 * The `session` event and the project folder. The first cwd seen becomes the folder that file
 * paths are made relative to, and each session id seen in the main conversation is announced
 * once; later cwd changes are not.
 */

import type { Subagent } from '../../events.js';
import { type Draft, withoutUndefined } from './draft.js';
import { MAX_CWD_CHARS } from '../../adapters/common/limits.js';
import type { Envelope } from './records.js';
import { clipId } from './text.js';

/**
 * Remember the project folder (first cwd) and emit the `session` event: once per session id, from
 * main-conversation records only. Later cwd changes are not re-announced: 1.0.x records follow
 * `cd` inside subagents, which would make the session's folder flap.
 */
export function noteSession(draft: Draft, env: Envelope, subagent: Subagent | undefined): void {
  const cwd = env.cwd !== undefined && env.cwd.length <= MAX_CWD_CHARS ? env.cwd : undefined;
  if (draft.state.rootCwd === undefined && cwd !== undefined && cwd !== '') {
    draft.state = { ...draft.state, rootCwd: cwd };
  }
  if (subagent !== undefined) return;
  if (env.sessionId === undefined && cwd === undefined) return;
  const sessionId = clipId(env.sessionId) ?? '';
  const known = draft.state.sessionEmitted;
  // A different session id in one file (a renamed or resumed copy) is a new session to report.
  if (known && (sessionId === '' || sessionId === draft.state.sessionId)) return;
  draft.state = { ...draft.state, sessionEmitted: true, sessionId };
  draft.events.push(
    withoutUndefined({
      kind: 'session' as const,
      at: env.timestamp,
      sessionId: env.sessionId,
      cwd: env.cwd,
      gitBranch: env.gitBranch,
      version: env.version,
    }),
  );
}
