import { lstatSync } from 'node:fs';
import { basename, join } from 'node:path';
import { globSync } from '../../glob.js';
import type { FoundFile, SessionFiles } from '../agent.js';
import { listDir, unlessMissing } from '../../missing-path.js';
import { claudeConfigDir } from './paths.js';

/**
 * Claude Code keeps each session as `projects/<project>/<session>.jsonl`. Only those are
 * sessions: `<project>/<session>/subagents/agent-*.jsonl` are read through their parent, and
 * top-level `agent-*.jsonl` are the old sidechain files.
 */
const isSession = (name: string): boolean => name.endsWith('.jsonl') && !name.startsWith('agent-');

export const claudeSessions: SessionFiles = {
  where: (env) => join(claudeConfigDir(env), 'projects'),
  all(env) {
    // Not `onlyFiles`: it drops links silently, and a link in place of a transcript deserves a reason.
    const paths = globSync('projects/*/*.jsonl', {
      cwd: claudeConfigDir(env),
      absolute: true,
      onlyFiles: false,
      followSymbolicLinks: false,
      suppressErrors: true,
      dot: false,
    });
    return paths.filter((p) => isSession(basename(p))).map((path) => ({ path }));
  },
  recent(env, after) {
    const projects = join(claudeConfigDir(env), 'projects');
    const found: FoundFile[] = [];
    for (const project of listDir(projects)) {
      const dir = join(projects, project);
      const st = unlessMissing(() => lstatSync(dir), null);
      // A new session file changes its project folder's time: older folders hold none.
      if (st === null || !st.isDirectory() || st.mtimeMs < after) continue;
      for (const name of listDir(dir)) if (isSession(name)) found.push({ path: join(dir, name) });
    }
    return found;
  },
};
