/**
 * Recognising Bash commands that clearly delete or move files (`rm`, `git rm`, `mv`, `git mv`
 * with plain paths and known flags), so the devlog can say `deleted x` / `moved x to y` instead
 * of `ran …`. Anything with globs, variables, pipes, chains, unbalanced quotes or unknown flags is
 * not recognised; the command length is bounded so hostile input stays cheap.
 */

import type { FileChange } from '../../events.js';
import { clipEnd, oneLine } from './clip.js';
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
export function shellFileOp(command: string): ShellFileOp | undefined {
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
  return paths.length === 2 && from !== undefined && to !== undefined
    ? { verb: 'moved', from, to }
    : undefined;
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
  return { action: `ran ${clipEnd(oneLine(command), ACTION_PART_CHARS)}`, files: [], command };
}
