/**
 * Recognising what Bash commands clearly do to files: `rm`, `git rm`, `mv`, `git mv` with plain
 * paths and known flags (so the devlog can say `deleted x` / `moved x to y` instead of `ran …`),
 * and in chains (`a && b; c`, one per line) also `cp`, `touch`, `cd` and `>`/`>>` redirects, which
 * agents write all the time (`mkdir -p docs && mv NOTES.md docs/`, `echo hi > hello.txt`). A part
 * with globs, variables, pipes, substitutions, unbalanced quotes or unknown flags changes nothing
 * known; after `||` or a `cd` that cannot be followed nothing more is. The command length is
 * bounded so hostile input stays cheap.
 */

import { posix } from 'node:path';
import type { FileChange } from '../../events.js';
import { oneLine } from '../../kit/text-lines.js';
import { clipEnd } from './clip.js';
import { ACTION_PART_CHARS, MAX_FILE_OP_COMMAND_CHARS } from './limits.js';
import { type PathBase, repoPath } from './paths.js';

type ShellFileOp = { verb: 'deleted'; paths: string[] } | { verb: 'moved'; from: string; to: string };

/** Shell metacharacters that make a command more than one plain invocation with plain paths. */
const SHELL_SPECIAL = /[\n\r;&|<>()$`\\*?[\]{}~!#]/;

/** Split a command into words, honouring simple quotes; undefined if quotes are unbalanced. */
function shellWords(command: string): string[] | undefined {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: string | undefined;
  for (const ch of command) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === ' ' || ch === '\t') {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote !== undefined) return undefined;
  if (inWord) words.push(current);
  return words;
}

interface FileOpGrammar {
  /** Single-letter flags allowed (combined like `-rf`). */
  shortFlags: string;
  longFlags: ReadonlySet<string>;
}

const RM_GRAMMAR: FileOpGrammar = {
  shortFlags: 'frRvdI',
  longFlags: new Set(['--force', '--recursive', '--verbose', '--dir']),
};
// `git rm --cached` and `-n` keep the file on disk, so they are deliberately not allowed.
const GIT_RM_GRAMMAR: FileOpGrammar = { shortFlags: 'rfq', longFlags: new Set(['--force', '--quiet']) };
// `mv -n` may leave the file where it was, so it is not allowed.
const MV_GRAMMAR: FileOpGrammar = { shortFlags: 'fvi', longFlags: new Set(['--force', '--verbose']) };
const GIT_MV_GRAMMAR: FileOpGrammar = { shortFlags: 'fv', longFlags: new Set(['--force', '--verbose']) };

/** Operands after the flags, or undefined when a flag is outside the grammar. */
function operands(words: readonly string[], grammar: FileOpGrammar): string[] | undefined {
  const out: string[] = [];
  let flagsDone = false;
  for (const word of words) {
    if (!flagsDone && word === '--') {
      flagsDone = true;
    } else if (!flagsDone && word.startsWith('--')) {
      if (!grammar.longFlags.has(word)) return undefined;
    } else if (!flagsDone && word.startsWith('-') && word.length > 1) {
      for (const letter of word.slice(1)) if (!grammar.shortFlags.includes(letter)) return undefined;
    } else if (word === '') {
      return undefined;
    } else {
      out.push(word);
    }
  }
  return out;
}

/**
 * `rm a b`, `git rm -r dir`, `mv a b`, `git mv a b` with plain paths only. Anything with globs,
 * variables, pipes, chains or unknown flags is not "clearly" a deletion and stays `ran …`.
 */
function shellFileOp(command: string): ShellFileOp | undefined {
  if (command.length > MAX_FILE_OP_COMMAND_CHARS || SHELL_SPECIAL.test(command)) return undefined;
  const words = shellWords(command.trim());
  if (words === undefined) return undefined;
  const [first, second] = words;
  let verb: string | undefined;
  let grammar: FileOpGrammar;
  let rest: string[];
  if (first === 'git' && (second === 'rm' || second === 'mv')) {
    verb = second;
    grammar = second === 'rm' ? GIT_RM_GRAMMAR : GIT_MV_GRAMMAR;
    rest = words.slice(2);
  } else if (first === 'rm' || first === 'mv') {
    verb = first;
    grammar = first === 'rm' ? RM_GRAMMAR : MV_GRAMMAR;
    rest = words.slice(1);
  } else {
    return undefined;
  }
  const paths = operands(rest, grammar);
  if (paths === undefined) return undefined;
  if (verb === 'rm') return paths.length > 0 ? { verb: 'deleted', paths } : undefined;
  const [from, to] = paths;
  return paths.length === 2 && from !== undefined && to !== undefined ? { verb: 'moved', from, to } : undefined;
}

/**
 * The simple commands of a chain joined by `&&`, `;` or newlines, split outside quotes; `||`
 * ends it (what follows runs only when something failed). Undefined for unbalanced quotes.
 */
function chainParts(command: string): string[] | undefined {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i] as string;
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      current += ch;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '|' && command[i + 1] === '|') {
      parts.push(current);
      return parts;
    } else if ((ch === '&' && command[i + 1] === '&') || ch === ';' || ch === '\n') {
      parts.push(current);
      current = '';
      if (ch === '&') i++;
      continue;
    }
    current += ch;
  }
  if (quote !== undefined) return undefined;
  parts.push(current);
  return parts;
}

/** `cmd … > file` / `cmd … >> file` at the end of a simple command: the command and the file. */
const REDIRECT = /^(.*?[^0-9&>\s])\s*(>>?)\s*([^\s<>|&;'"]+)$/;
const PLAIN_PATH = /^[^\s$`*?[\]{}~!#<>|&;()\\'"]+$/;

/** What one simple command of a chain does to files, with paths as written; null when unknown. */
function partEffects(
  part: string,
): { files: { path: string; op: 'created' | 'modified' | 'deleted' | 'moved'; from?: string }[]; cd?: string } | null {
  const text = part.trim();
  if (text === '') return { files: [] };
  const redirect = REDIRECT.exec(text);
  if (redirect) {
    const [, , arrow, target] = redirect;
    if (target === undefined || !PLAIN_PATH.test(target) || target.startsWith('/dev/')) return null;
    return { files: [{ path: target, op: arrow === '>>' ? 'modified' : 'created' }] };
  }
  const op = shellFileOp(text);
  if (op?.verb === 'deleted') return { files: op.paths.map((path) => ({ path, op: 'deleted' as const })) };
  if (op?.verb === 'moved') return { files: [{ path: op.to, op: 'moved', from: op.from }] };
  if (SHELL_SPECIAL.test(text)) return null;
  const words = shellWords(text);
  if (words === undefined) return null;
  const [first, ...rest] = words;
  if (first === 'cd') return rest.length === 1 && rest[0] !== '-' ? { files: [], cd: rest[0] as string } : null;
  if (first === 'touch') {
    const paths = operands(rest, TOUCH_GRAMMAR);
    return paths === undefined ? null : { files: paths.map((path) => ({ path, op: 'created' as const })) };
  }
  if (first === 'cp') {
    const paths = operands(rest, CP_GRAMMAR);
    if (paths === undefined || paths.length !== 2) return null;
    return { files: [{ path: paths[1] as string, op: 'created' }] };
  }
  // Any other command changes no file we could name (mkdir and rmdir make or remove folders, which
  // are not files).
  return { files: [] };
}

const TOUCH_GRAMMAR: FileOpGrammar = { shortFlags: 'c', longFlags: new Set() };
const CP_GRAMMAR: FileOpGrammar = { shortFlags: 'fpv', longFlags: new Set(['--force', '--verbose', '--preserve']) };

/**
 * The files a chained command changes, resolved against `base` (following a plain `cd`); parts it
 * cannot read change nothing known, and a `cd` it cannot follow ends what is known.
 */
export function chainFileChanges(command: string, base: PathBase): FileChange[] {
  if (command.length > MAX_FILE_OP_COMMAND_CHARS) return [];
  const parts = chainParts(command);
  if (parts === undefined) return [];
  const files: FileChange[] = [];
  let cwd = base.cwd;
  for (const part of parts) {
    const effects = partEffects(part);
    if (effects === null) {
      if (/^\s*cd\b/.test(part)) break;
      continue;
    }
    const at: PathBase = { cwd, root: base.root };
    for (const f of effects.files) {
      const path = repoPath(f.path, at);
      files.push(f.from !== undefined ? { path, op: f.op, from: repoPath(f.from, at) } : { path, op: f.op });
    }
    if (effects.cd !== undefined) {
      if (cwd === undefined || !cwd.startsWith('/')) break;
      cwd = posix.resolve(cwd, effects.cd);
    }
  }
  return files;
}

export interface ToolSummary {
  action: string;
  files: FileChange[];
  command?: string;
}

/** The devlog action for a shell command: `deleted x` / `moved x to y` when it clearly is one, else `ran …`. */
export function summarizeCommand(command: string, base: PathBase): ToolSummary {
  const op = shellFileOp(command);
  if (op?.verb === 'deleted') {
    const paths = op.paths.map((p) => repoPath(p, base));
    return {
      action: `deleted ${clipEnd(paths.join(', '), ACTION_PART_CHARS)}`,
      files: paths.map((path) => ({ path, op: 'deleted' as const })),
      command,
    };
  }
  if (op?.verb === 'moved') {
    const from = repoPath(op.from, base);
    const to = repoPath(op.to, base);
    return {
      action: `moved ${clipEnd(from, ACTION_PART_CHARS)} to ${clipEnd(to, ACTION_PART_CHARS)}`,
      files: [{ path: to, op: 'moved', from }],
      command,
    };
  }
  return {
    action: `ran ${clipEnd(oneLine(command), ACTION_PART_CHARS)}`,
    files: chainFileChanges(command, base),
    command,
  };
}
