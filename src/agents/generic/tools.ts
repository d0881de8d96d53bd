/**
 * Which tool calls of an unknown agent can be named, and how: a shell command becomes its devlog
 * action (`ran npm test`, or `deleted x` / `moved x to y` for a plain rm / mv, via the shared
 * shell reader), and a file write or edit becomes `edited <path>` / `created <path>`. Tool names
 * differ between agents and frameworks, so they are matched loosely (case, `-`, a `functions.` or
 * `mcp__server__` prefix do not matter) against the names agents commonly give these tools, and the
 * input must carry the command or path. Any other call — reads, searches, web, task lists, a known
 * name without its input — is not named: the guide counts tool invocations as noise, except the
 * ones that change the project.
 */

import { posix } from 'node:path';
import type { FileChange } from '../../events.js';
import { clipEnd } from '../../adapters/common/clip.js';
import { ACTION_PART_CHARS, MAX_CWD_CHARS } from '../../adapters/common/limits.js';
import { type PathBase, repoPath } from '../../adapters/common/paths.js';
import { summarizeCommand } from '../../adapters/common/shell.js';
import type { GenericToolCall, GenericToolInput } from './record.js';

const SHELL_TOOLS = new Set([
  'bash',
  'shell',
  'sh',
  'zsh',
  'terminal',
  'powershell',
  'exec',
  'execute',
  'command',
  'run',
  'run_command',
  'run_shell_command',
  'execute_command',
  'exec_command',
  'shell_command',
  'run_terminal_cmd',
  'run_in_terminal',
  'local_shell',
  'execute_bash',
  'bash_tool',
]);
const EDIT_TOOLS = new Set([
  'write',
  'write_file',
  'writefile',
  'write_to_file',
  'edit',
  'edit_file',
  'editfile',
  'multiedit',
  'multi_edit',
  'str_replace',
  'replace',
  'replace_in_file',
  'search_replace',
  'insert',
  'apply_diff',
  'notebookedit',
  'notebook_edit',
  'update_file',
  'modify_file',
]);
const CREATE_TOOLS = new Set(['create', 'create_file', 'createfile', 'new_file']);
/** Anthropic's text editor tool and its kin: the `command` input says what it does. */
const EDITOR_TOOLS = new Set(['str_replace_editor', 'str_replace_based_edit_tool', 'text_editor']);
const EDITOR_EDITS = new Set(['str_replace', 'insert', 'edit', 'undo_edit']);

const COMMAND_KEYS = ['command', 'cmd', 'script', 'commandLine', 'command_line'];
const WORKDIR_KEYS = ['workdir', 'cwd', 'working_directory', 'workingDirectory', 'directory'];
const PATH_KEYS = [
  'file_path',
  'filePath',
  'filepath',
  'path',
  'file',
  'filename',
  'target_file',
  'targetFile',
  'notebook_path',
  'absolute_path',
];

export interface Named {
  /** The normalised tool name: what a result without an id is paired by. */
  tool: string;
  action: string;
  files: FileChange[];
  command?: string;
}

/** `Bash`, `run-command`, `functions.bash`, `mcp__shell__run_command` → `bash`, `run_command`, … */
export function normaliseToolName(name: string): string {
  let n = name.toLowerCase().replace(/[-\s]/g, '_');
  const dot = n.lastIndexOf('.');
  if (dot >= 0) n = n.slice(dot + 1);
  const ns = n.lastIndexOf('__');
  if (ns >= 0) n = n.slice(ns + 2);
  return n;
}

function firstString(input: GenericToolInput | undefined, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const v = input?.[key];
    if (typeof v === 'string' && v.trim() !== '') return v;
  }
  return undefined;
}

/** A shell word as it would be typed: quoted when it holds anything the shell would read. */
function shellQuote(word: string): string {
  return word !== '' && /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

const SHELLS = new Set(['bash', 'sh', 'zsh', '/bin/bash', '/bin/sh', '/bin/zsh', '/usr/bin/bash', '/usr/bin/zsh']);

/** The command line of an argv: the script of `bash -lc <script>`, else the words joined. */
function commandOfArgv(argv: readonly string[]): string | undefined {
  const [shell, flag, script] = argv;
  if (
    argv.length === 3 &&
    shell !== undefined &&
    SHELLS.has(shell) &&
    (flag === '-c' || flag === '-lc') &&
    script !== undefined
  )
    return script;
  return argv.length === 0 ? undefined : argv.map(shellQuote).join(' ');
}

function commandOf(input: GenericToolInput | undefined): string | undefined {
  for (const key of COMMAND_KEYS) {
    const v = input?.[key];
    if (typeof v === 'string' && v.trim() !== '') return v;
    if (Array.isArray(v) && v.length > 0) return commandOfArgv(v);
  }
  return undefined;
}

function fileAction(verb: 'edited' | 'created', raw: string, base: PathBase, tool: string): Named | undefined {
  // A path this long is no path; it would carry its length into the events' file lists.
  if (raw.length > MAX_CWD_CHARS) return undefined;
  const path = repoPath(raw, base);
  return {
    tool,
    action: `${verb} ${clipEnd(path, ACTION_PART_CHARS)}`,
    files: [{ path, op: verb === 'created' ? 'created' : 'modified' }],
  };
}

/** Where the command runs: its own working folder (relative to the record's), else the record's. */
function workdirOf(input: GenericToolInput | undefined, cwd: string | undefined): string | undefined {
  const workdir = firstString(input, WORKDIR_KEYS);
  if (workdir === undefined || workdir.length > MAX_CWD_CHARS) return cwd;
  if (workdir.startsWith('/') || cwd === undefined || !cwd.startsWith('/')) return workdir;
  return posix.resolve(cwd, workdir);
}

/** The devlog action of a call, or undefined when it is not one the devlog names. */
export function nameToolCall(call: GenericToolCall, base: PathBase): Named | undefined {
  const tool = normaliseToolName(call.name);
  const input = call.input;
  if (EDITOR_TOOLS.has(tool)) {
    const sub = firstString(input, ['command']);
    const path = firstString(input, PATH_KEYS);
    if (path === undefined || sub === undefined) return undefined;
    if (sub === 'create') return fileAction('created', path, base, tool);
    return EDITOR_EDITS.has(sub) ? fileAction('edited', path, base, tool) : undefined;
  }
  if (EDIT_TOOLS.has(tool) || CREATE_TOOLS.has(tool)) {
    const path = firstString(input, PATH_KEYS);
    return path === undefined ? undefined : fileAction(CREATE_TOOLS.has(tool) ? 'created' : 'edited', path, base, tool);
  }
  if (SHELL_TOOLS.has(tool)) {
    const command = commandOf(input);
    if (command === undefined) return undefined;
    return { tool, ...summarizeCommand(command, { ...base, cwd: workdirOf(input, base.cwd) }) };
  }
  return undefined;
}
