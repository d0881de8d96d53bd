import { basename, posix } from 'node:path';
import { oneLine } from '../kit/text-lines.js';
import { bulletsOf, clip, labelOf, notesOf, summaryOf } from './entry-text.js';
import { inRepo } from './reconcile.js';
import type { ChangelogEntry } from './schema.js';
import type { ClosedWindow, OpenWindow } from './window.js';

/**
 * The default evaluator: offline and deterministic. Every field comes from what the agent actually
 * did (entry-text.ts words it); the prompts name the work only when nothing done does.
 */

export interface EntryContext {
  tool: ChangelogEntry['tool'];
  actor: string;
  repo: string;
  sessionId: string;
  transcriptPath: string;
  /** The session's own working folder, for paths outside `repo` (output sent elsewhere). */
  projectDir?: string | null;
  /** Used only when the window has no record timestamps at all. */
  fallbackTime: string;
}

const EXT_TAGS: Record<string, string> = {
  ts: 'typescript',
  tsx: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  py: 'python',
  rs: 'rust',
  go: 'go',
  rb: 'ruby',
  ex: 'elixir',
  exs: 'elixir',
  java: 'java',
  kt: 'kotlin',
  swift: 'swift',
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  hpp: 'cpp',
  cs: 'csharp',
  php: 'php',
  md: 'docs',
  mdx: 'docs',
  rst: 'docs',
  css: 'css',
  scss: 'css',
  html: 'html',
  heex: 'html',
  sql: 'sql',
  sh: 'shell',
  bash: 'shell',
  yml: 'config',
  yaml: 'config',
  toml: 'config',
  json: 'config',
};

export function heuristicEntry(closed: ClosedWindow, ctx: EntryContext): ChangelogEntry {
  const w = closed.window;
  const files = touchedFiles(w, ctx.repo, ctx.projectDir ?? null);
  const label = labelOf(w, files);
  const start = w.start ?? ctx.fallbackTime;
  const end = w.end ?? start;
  return {
    schema_version: 1,
    run_id: closed.runId,
    created_at: end,
    tool: ctx.tool,
    actor: ctx.actor,
    project: basename(ctx.repo) || ctx.repo,
    project_root: ctx.repo,
    label,
    start,
    end,
    continuation_of_run_id: closed.continuationOf,
    transcript: {
      session_id: ctx.sessionId,
      source_jsonl: ctx.transcriptPath,
      window_index: closed.index,
      close_reason: closed.reason,
    },
    summary: clip(summaryOf(w, files), 500),
    bullets: bulletsOf(w, files),
    tags: tagsOf(w, files),
    touched_files: files,
    tests: w.tests.map((t) => ({ cmd: clip(oneLine(t.cmd), 500), result: t.result })),
    commits: w.commits.map((c) => ({ hash: c.hash, message: clip(oneLine(c.message), 300) || '(no message)' })),
    notes: notesOf(w),
  };
}

function touchedFiles(w: OpenWindow, repo: string, projectDir: string | null): ChangelogEntry['touched_files'] {
  const out: ChangelogEntry['touched_files'] = { created: [], modified: [], deleted: [], moved: [] };
  const rel = (p: string) => {
    const inRepo = relativeTo(repo, p);
    return inRepo === p && projectDir ? relativeTo(projectDir, p) : inRepo;
  };
  for (const [path, f] of Object.entries(w.files)) {
    if (f.op === 'moved' && f.from !== undefined) out.moved.push({ from: rel(f.from), to: rel(path) });
    else if (f.op === 'created') out.created.push(rel(path));
    else if (f.op === 'modified') out.modified.push(rel(path));
    else if (f.op === 'deleted') out.deleted.push(rel(path));
  }
  return out;
}

function relativeTo(repo: string, path: string): string {
  return inRepo(repo, path) ?? path;
}

function tagsOf(w: OpenWindow, files: ChangelogEntry['touched_files']): string[] {
  const tags = new Set<string>();
  const paths = [...files.created, ...files.modified, ...files.deleted, ...files.moved.map((m) => m.to)];
  for (const p of paths) {
    const ext = posix.extname(p).slice(1).toLowerCase();
    const tag = EXT_TAGS[ext];
    if (tag) tags.add(tag);
    if (/(^|\/)(test|tests|__tests__|spec)\/|\.(test|spec)\.\w+$/.test(p)) tags.add('tests');
  }
  if (w.tests.length > 0) tags.add('tests');
  if (w.commits.length > 0) tags.add('git');
  if (w.subagents.length > 0) tags.add('subagent');
  if (paths.length === 0) tags.add(w.commandCount > 0 ? 'investigation' : 'discussion');
  return [...tags].slice(0, 24);
}
