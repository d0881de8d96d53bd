/**
 * What an `apply_patch` does to files, from the patch text (what the model sent) or from a
 * `changes` map (what Codex applied: patch_apply_end, FileChange items). Paths in the text are
 * relative to the turn's cwd; paths in `changes` are absolute.
 */

import type { z } from 'zod';
import type { Changes } from './records.js';

export type PatchOp =
  | { op: 'created' | 'modified' | 'deleted'; path: string }
  | { op: 'moved'; path: string; from: string };

/** Bounded: a hostile patch of a million files still gives a short list. */
const MAX_FILES = 200;

/**
 * The file operations of a `*** Begin Patch … *** End Patch` text. Markers may be padded with
 * whitespace (Codex tolerates it). Text that is not a patch gives no operations.
 */
export function patchOps(text: string): PatchOp[] {
  const ops: PatchOp[] = [];
  if (!text.includes('*** Begin Patch')) return ops;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const m = /^\*\*\* (Add|Delete|Update) File:\s*(.+)$/.exec(line);
    if (m) {
      const path = (m[2] as string).trim();
      const op = m[1] === 'Add' ? 'created' : m[1] === 'Delete' ? 'deleted' : 'modified';
      if (path !== '' && ops.length < MAX_FILES) ops.push({ op, path });
      continue;
    }
    const move = /^\*\*\* Move to:\s*(.+)$/.exec(line);
    const last = ops[ops.length - 1];
    if (move && last && last.op === 'modified')
      ops[ops.length - 1] = { op: 'moved', path: (move[1] as string).trim(), from: last.path };
  }
  return ops;
}

/** The patch inside a shell invocation: `["apply_patch", patch]` or a `apply_patch <<'EOF' … EOF` heredoc. */
export function patchFromArgv(argv: readonly string[]): string | undefined {
  if ((argv[0] === 'apply_patch' || argv[0] === 'applypatch') && typeof argv[1] === 'string') return argv[1];
  const script = scriptOf(argv);
  if (script === undefined) return undefined;
  const m = /^\s*(?:cd\s+\S+\s*&&\s*)?apply_?patch\s*<<\s*['"]?(\w+)['"]?\s*\n([\s\S]*?)\n\1\s*$/.exec(script);
  return m ? m[2] : undefined;
}

/** `bash -lc "<script>"` and friends → the script; other argv → undefined. */
function scriptOf(argv: readonly string[]): string | undefined {
  const [shell, flag, script] = argv;
  if (shell === undefined || flag === undefined || script === undefined || argv.length !== 3) return undefined;
  return /(^|\/)(ba|z|da)?sh$/.test(shell) && /^-\w*c$/.test(flag) ? script : undefined;
}

/** A command argv as the shell line the agent meant: the script of `bash -lc`, else the words joined. */
export function commandLine(argv: readonly string[]): string {
  return scriptOf(argv) ?? argv.map((a) => (/^[\w./:=@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export function changesOps(changes: z.infer<typeof Changes>): PatchOp[] {
  const ops: PatchOp[] = [];
  for (const [path, change] of Object.entries(changes)) {
    if (ops.length >= MAX_FILES) break;
    if (change.type === 'add') ops.push({ op: 'created', path });
    else if (change.type === 'delete') ops.push({ op: 'deleted', path });
    else if (typeof change.move_path === 'string' && change.move_path !== '')
      ops.push({ op: 'moved', path: change.move_path, from: path });
    else ops.push({ op: 'modified', path });
  }
  return ops;
}
