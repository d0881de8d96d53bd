/**
 * Reading tool outputs. Codex has written them in several shapes over its releases:
 * - unified exec text: `Chunk ID: …\nWall time: …\nProcess exited with code 0\n…Output:\n<out>`,
 *   or `Process running with session ID 48230` while the command still runs;
 * - legacy `shell` JSON strings: `{"output": "…", "metadata": {"exit_code": 0, …}}`;
 * - apply_patch text: `Exit code: 0\nWall time: …\nOutput:\nSuccess. Updated the following files: …`;
 * - code mode: arrays of `{type: "input_text", text}`.
 */

import { tail } from '../../adapters/common/clip.js';
import { OUTPUT_TAIL_CHARS } from '../../adapters/common/limits.js';
import { isRecord } from '../../kit/plain-object.js';

export interface ReadOutput {
  exitCode?: number;
  /** The unified-exec session id of a command still running. */
  runningSession?: number;
  text: string;
}

export function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) {
    return output
      .map((item) => (isRecord(item) && typeof item['text'] === 'string' ? item['text'] : ''))
      .filter(Boolean)
      .join('\n');
  }
  if (isRecord(output) && typeof output['content'] === 'string') return output['content'];
  return '';
}

export function readOutput(output: unknown): ReadOutput {
  const raw = outputText(output);
  const json = legacyJson(raw);
  if (json)
    return {
      ...(json.exitCode !== undefined && { exitCode: json.exitCode }),
      text: tail(json.text, OUTPUT_TAIL_CHARS),
    };
  const exited = /^(?:Process exited with code|Exit code:)\s*(-?\d+)\s*$/m.exec(raw.slice(0, 4096));
  const running = /^Process running with session ID (\d+)\s*$/m.exec(raw.slice(0, 4096));
  const body = raw.indexOf('\nOutput:\n');
  const text = tail(body >= 0 ? raw.slice(body + '\nOutput:\n'.length) : raw, OUTPUT_TAIL_CHARS);
  return {
    ...(exited && { exitCode: Number(exited[1]) }),
    ...(!exited && running && { runningSession: Number(running[1]) }),
    text,
  };
}

/** `{"output": "...", "metadata": {"exit_code": N}}`, read only when the string looks like it (cheap check first). */
function legacyJson(raw: string): { exitCode?: number; text: string } | undefined {
  if (!raw.startsWith('{"output"')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Output that merely starts like the legacy JSON: read it as text.
    return undefined;
  }
  if (!isRecord(parsed) || typeof parsed['output'] !== 'string') return undefined;
  const meta = parsed['metadata'];
  const code = isRecord(meta) && typeof meta['exit_code'] === 'number' ? meta['exit_code'] : undefined;
  return { ...(code !== undefined && { exitCode: code }), text: parsed['output'] };
}

/** An apply_patch output that says it worked: exit code 0, or the success line of older builds. */
export function patchSucceeded(output: unknown): boolean {
  const read = readOutput(output);
  if (read.exitCode !== undefined) return read.exitCode === 0;
  return /(^|\n)Success\. Updated the following files/.test(outputText(output));
}
