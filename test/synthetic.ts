import { appendFileSync, writeFileSync } from 'node:fs';

/**
 * Small Claude Code transcripts built in the test itself, in the shape Claude Code 2.1 writes
 * (reference/claude-code.md §4): tests of the plumbing (locks, spools, appends, config) need a
 * session with a prompt, a tool call and a reply, not a particular recorded one, and must not
 * read anything outside the repository.
 */
export interface SyntheticTurn {
  prompt: string;
  /** A Bash command the assistant ran, with its output (exit 0). */
  command?: string;
  output?: string;
  /** A file the assistant wrote. */
  write?: { path: string; content: string };
  reply: string;
}

export function claudeTurnLines(
  sessionId: string,
  cwd: string,
  turn: SyntheticTurn,
  seq: number,
  at = Date.UTC(2026, 0, 1, 10, 0, 0),
): string[] {
  const base = { isSidechain: false, userType: 'external', cwd, sessionId, version: '2.1.14', gitBranch: 'main' };
  const ts = (k: number) => new Date(at + seq * 60_000 + k * 1000).toISOString();
  const id = (k: number) =>
    `${sessionId.slice(0, 8).padEnd(8, '0')}-0000-4000-8000-${String(seq * 10 + k).padStart(12, '0')}`;
  const lines: object[] = [];
  let parent: string | null = null;
  const push = (k: number, rec: object) => {
    lines.push({ parentUuid: parent, ...base, ...rec, uuid: id(k), timestamp: ts(k) });
    parent = id(k);
  };
  push(0, { type: 'user', message: { role: 'user', content: turn.prompt } });
  let k = 1;
  const tools: { name: string; input: object; result: string; extra?: object }[] = [];
  if (turn.write)
    tools.push({
      name: 'Write',
      input: { file_path: turn.write.path, content: turn.write.content },
      result: `File created successfully at: ${turn.write.path}`,
      extra: {
        toolUseResult: {
          type: 'create',
          filePath: turn.write.path,
          content: turn.write.content,
          structuredPatch: [],
          originalFile: null,
        },
      },
    });
  if (turn.command)
    tools.push({
      name: 'Bash',
      input: { command: turn.command, description: 'run it' },
      result: turn.output ?? '',
      extra: { toolUseResult: { stdout: turn.output ?? '', stderr: '', interrupted: false, isImage: false } },
    });
  for (const t of tools) {
    const toolId = `toolu_${sessionId.replace(/[^A-Za-z0-9]/g, '').slice(0, 8)}${seq}${k}`;
    push(k++, {
      type: 'assistant',
      message: {
        model: 'claude-test',
        id: `msg_${seq}_${k}`,
        type: 'message',
        role: 'assistant',
        content: [{ type: 'tool_use', id: toolId, name: t.name, input: t.input }],
        stop_reason: null,
      },
    });
    push(k++, {
      type: 'user',
      message: { role: 'user', content: [{ tool_use_id: toolId, type: 'tool_result', content: t.result }] },
      ...t.extra,
    });
  }
  push(k, {
    type: 'assistant',
    message: {
      model: 'claude-test',
      id: `msg_${seq}_end`,
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: turn.reply }],
      stop_reason: 'end_turn',
    },
  });
  return lines.map((l) => JSON.stringify(l));
}

/** Writes (or, with `append`, extends) a transcript with the given turns; returns the path. */
export function writeClaudeTranscript(
  path: string,
  sessionId: string,
  cwd: string,
  turns: SyntheticTurn[],
  opts: { append?: boolean; firstSeq?: number } = {},
): string {
  const first = opts.firstSeq ?? 0;
  const text = `${turns.flatMap((t, i) => claudeTurnLines(sessionId, cwd, t, first + i)).join('\n')}\n`;
  if (opts.append) appendFileSync(path, text);
  else writeFileSync(path, text);
  return path;
}

/** A one-turn session that writes a file and runs a command: enough for one changelog entry. */
export function simpleTurn(n = 0): SyntheticTurn {
  return {
    prompt: `Add greeting number ${n} and run it`,
    write: { path: `src/greet${n}.sh`, content: `echo hello ${n}\n` },
    command: `sh src/greet${n}.sh`,
    output: `hello ${n}\n`,
    reply: `Added src/greet${n}.sh, which prints hello ${n}, and ran it.`,
  };
}
