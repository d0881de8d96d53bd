import { basename, posix } from 'node:path';
import type { ChangelogEntry } from './schema.js';
import type { ClosedWindow, OpenWindow } from './window.js';

/**
 * The default evaluator: offline and deterministic. Label and summary come from what the human
 * asked; bullets, tags and the structured fields from what the agent actually did.
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
  ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript', js: 'javascript', mjs: 'javascript',
  cjs: 'javascript', jsx: 'javascript', py: 'python', rs: 'rust', go: 'go', rb: 'ruby', ex: 'elixir', exs: 'elixir',
  java: 'java', kt: 'kotlin', swift: 'swift', c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', hpp: 'cpp', cs: 'csharp',
  php: 'php', md: 'docs', mdx: 'docs', rst: 'docs', css: 'css', scss: 'css', html: 'html', heex: 'html',
  sql: 'sql', sh: 'shell', bash: 'shell', yml: 'config', yaml: 'config', toml: 'config', json: 'config',
};

export function heuristicEntry(closed: ClosedWindow, ctx: EntryContext): ChangelogEntry {
  const w = closed.window;
  const files = touchedFiles(w, ctx.repo, ctx.projectDir ?? null);
  const firstPrompt = oneLine(w.prompts[0] ?? '');
  const label = clip(firstPrompt || describeWork(w, files) || 'Agent session', 120);
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
    summary: clip(summaryOf(w, files, firstPrompt), 500),
    bullets: bulletsOf(w, files),
    tags: tagsOf(w, files),
    touched_files: files,
    tests: w.tests.map((t) => ({ cmd: clip(oneLine(t.cmd), 500), result: t.result })),
    commits: w.commits.map((c) => ({ hash: c.hash, message: clip(oneLine(c.message), 300) || '(no message)' })),
    notes: w.lastReply ? clip(oneLine(w.lastReply), 800) : null,
  };
}

export function touchedFiles(w: OpenWindow, repo: string, projectDir: string | null): ChangelogEntry['touched_files'] {
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
  const rel = posix.relative(repo, path);
  return rel && !rel.startsWith('..') && !posix.isAbsolute(rel) ? rel : path;
}

function summaryOf(w: OpenWindow, files: ChangelogEntry['touched_files'], firstPrompt: string): string {
  const parts: string[] = [];
  if (firstPrompt) parts.push(`${clip(firstPrompt, 300)}${w.promptCount > 1 ? ` (+${w.promptCount - 1} more prompt${w.promptCount > 2 ? 's' : ''})` : ''}`);
  const work = describeWork(w, files);
  if (work) parts.push(work);
  return parts.join(' — ') || 'Conversation without tool use.';
}

function describeWork(w: OpenWindow, files: ChangelogEntry['touched_files']): string {
  const bits: string[] = [];
  const changed = files.created.length + files.modified.length + files.deleted.length + files.moved.length;
  if (changed > 0) bits.push(`changed ${changed} file${changed === 1 ? '' : 's'}`);
  if (w.tests.length > 0) {
    const last = w.tests[w.tests.length - 1];
    bits.push(`tests ${last?.result === 'pass' ? 'passing' : last?.result === 'fail' ? 'failing' : 'run'}`);
  }
  if (w.commits.length > 0) bits.push(`${w.commits.length} commit${w.commits.length === 1 ? '' : 's'}`);
  if (bits.length === 0 && w.commandCount > 0) bits.push(`ran ${w.commandCount} command${w.commandCount === 1 ? '' : 's'}`);
  return bits.join(', ');
}

function bulletsOf(w: OpenWindow, files: ChangelogEntry['touched_files']): string[] {
  const bullets: string[] = [];
  for (const p of w.prompts.slice(0, 3)) bullets.push(`Asked: ${clip(oneLine(p), 200)}`);
  if (w.promptCount > 3) bullets.push(`Asked ${w.promptCount - 3} further question${w.promptCount - 3 === 1 ? '' : 's'}.`);
  const list = (verb: string, paths: string[]) => {
    if (paths.length > 0) bullets.push(`${verb} ${listOf(paths)}.`);
  };
  list('Created', files.created);
  list('Modified', files.modified);
  list('Deleted', files.deleted);
  list('Moved', files.moved.map((m) => `${m.from} → ${m.to}`));
  if (w.tests.length > 0) {
    const byCmd = new Map<string, string[]>();
    for (const t of w.tests) byCmd.set(t.cmd, [...(byCmd.get(t.cmd) ?? []), t.result]);
    for (const [cmd, results] of [...byCmd].slice(0, 3)) bullets.push(`Ran \`${clip(oneLine(cmd), 120)}\`: ${results.join(' then ')}.`);
  }
  for (const c of w.commits.slice(0, 3)) bullets.push(`Committed ${c.hash.slice(0, 12)}: ${clip(oneLine(c.message), 160)}`);
  for (const s of w.subagents.slice(0, 2)) bullets.push(`Delegated to a ${s.type ?? 'subagent'}${s.description ? `: ${clip(oneLine(s.description), 120)}` : '.'}`);
  const otherCommands = w.commandCount - w.tests.length - w.commits.length;
  if (otherCommands > 0) bullets.push(`Ran ${otherCommands} other shell command${otherCommands === 1 ? '' : 's'}.`);
  if (bullets.length === 0) bullets.push(w.replyCount > 0 ? 'Discussion only; no files changed.' : 'No recorded activity.');
  return bullets.slice(0, 12);
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

function listOf(paths: string[]): string {
  const shown = paths.slice(0, 6).map((p) => `\`${p}\``);
  return paths.length > 6 ? `${shown.join(', ')} and ${paths.length - 6} more` : shown.join(', ');
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}
