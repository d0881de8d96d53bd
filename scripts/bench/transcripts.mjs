// Builds benchmark transcripts at run time from the shared corpus (never copied into the repo):
// corpus records repeated up to a target size, ids rewritten per copy so records stay distinct.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MB, REPO_ROOT } from './common.mjs';

export const CORPUS = resolve(process.env.SHIPLOG_BENCH_CORPUS ?? join(REPO_ROOT, '..', 'shared', 'corpus'));

/**
 * Keys whose string values identify a record, message or tool call. They get a per-copy suffix:
 * the adapter drops records whose uuid it has seen (a bounded ring of 2000), the devlog reducer
 * drops reply parts it has seen, and tool results are matched to calls by id. Without rewriting,
 * a copy repeated within ~2000 records would be silently skipped and the bench would time a
 * pipeline that does less than it does on a real transcript.
 */
const ID_KEYS = new Set([
  'id', // message.id, tool_use id
  'uuid',
  'parentUuid',
  'leafUuid',
  'logicalParentUuid',
  'messageId',
  'requestId',
  'toolUseID',
  'parentToolUseID',
  'sourceToolAssistantUUID',
  'tool_use_id',
]);

/** Placeholder for the per-copy suffix in a template line; replaced by `c<copy>` when written. */
const COPY = '@@COPY@@';

/** Main-session transcripts of Claude Code (subagent files are read by the pipeline on their own). */
export function corpusFiles() {
  const root = join(CORPUS, 'claude-code');
  if (!existsSync(root)) throw new Error(`corpus not found at ${root} (set SHIPLOG_BENCH_CORPUS)`);
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'subagents') walk(p);
      } else if (e.name.endsWith('.jsonl')) out.push(p);
    }
  };
  walk(root);
  if (out.length === 0) throw new Error(`no .jsonl transcripts under ${root}`);
  return out;
}

function rewriteIds(value, suffix, sessionId) {
  if (Array.isArray(value)) {
    for (const v of value) rewriteIds(v, suffix, sessionId);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' && ID_KEYS.has(k)) value[k] = `${v}-${suffix}`;
      else if (k === 'sessionId' && typeof v === 'string') value[k] = sessionId;
      else rewriteIds(v, suffix, sessionId);
    }
  }
  return value;
}

/** What the adapter counts as a human prompt: a plain user message, not meta, not a tool result. */
function isPrompt(rec) {
  if (rec?.type !== 'user' || rec.isMeta || rec.isSidechain) return false;
  const c = rec.message?.content;
  if (typeof c === 'string') return !c.startsWith('<');
  return Array.isArray(c) && c.some((b) => b?.type === 'text') && !c.some((b) => b?.type === 'tool_result');
}

/** The parsed records of a JSONL file, with their text; lines that are not JSON are left out. */
function* records(file) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let rec;
    try {
      rec = JSON.parse(line);
    } catch {
      continue; // the bench builds from valid records only
    }
    yield { line, rec };
  }
}

/**
 * Every corpus line as a template: `parts` joined with a copy suffix gives the line. Parsing and
 * re-serialising happens once here; writing N copies is then string joins only.
 */
export function loadTemplates(sessionId) {
  const templates = [];
  for (const file of corpusFiles()) {
    for (const { rec } of records(file)) {
      const prompt = isPrompt(rec);
      const text = JSON.stringify(rewriteIds(rec, COPY, sessionId));
      const ts = typeof rec.timestamp === 'string' ? Date.parse(rec.timestamp) : NaN;
      templates.push({ parts: text.split(COPY), bytes: Buffer.byteLength(text) + 1, prompt, ts, file });
    }
  }
  return templates;
}

/** Buffered append-only writer: few large writes instead of one per line. */
class Writer {
  constructor(path, flags = 'w') {
    this.fd = openSync(path, flags);
    this.pending = [];
    this.pendingBytes = 0;
    this.bytes = 0;
    this.lines = 0;
  }
  line(text, bytes = Buffer.byteLength(text) + 1) {
    this.pending.push(text, '\n');
    this.pendingBytes += bytes;
    this.bytes += bytes;
    this.lines++;
    if (this.pendingBytes >= 8 * MB) this.flush();
  }
  flush() {
    if (this.pending.length === 0) return;
    const buf = Buffer.from(this.pending.join(''));
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off);
    this.pending = [];
    this.pendingBytes = 0;
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * Writes `templates` over and over until `targetBytes`, stopping just before a human prompt so the
 * file ends on a finished turn whatever its size. `hugeLine`, if given, is written once when half
 * the target is reached.
 */
export function buildTranscript(path, templates, targetBytes, { hugeLine } = {}) {
  const w = new Writer(path);
  let hugeDone = !hugeLine;
  // Timestamp of the last record written: an appended turn must follow it closely.
  let lastMs = NaN;
  try {
    for (let copy = 0; ; copy++) {
      const suffix = `c${copy}`;
      for (const t of templates) {
        if (w.bytes >= targetBytes && t.prompt && hugeDone)
          return { bytes: w.bytes, lines: w.lines, copies: copy + 1, lastMs };
        w.line(
          t.parts.length === 1 ? t.parts[0] : t.parts.join(suffix),
          t.bytes + (t.parts.length - 1) * (suffix.length - COPY.length),
        );
        if (Number.isFinite(t.ts)) lastMs = t.ts;
        if (!hugeDone && w.bytes >= targetBytes / 2) {
          w.flush();
          hugeLine(w);
          hugeDone = true;
        }
      }
    }
  } finally {
    w.close();
  }
}

/**
 * Writes one user record whose tool_result content is a single `bytes`-long JSON string, through
 * `w`, without ever holding more than a 1 MB piece of it in memory.
 */
export function writeHugeLine(w, bytes, sessionId) {
  const head = JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    userType: 'external',
    cwd: '/home/bench/proj',
    sessionId,
    version: '2.1.39',
    type: 'user',
    uuid: 'bench-huge-line',
    timestamp: '2026-01-01T00:00:00.000Z',
    message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_bench_huge', content: '@@BODY@@' }] },
  });
  const [pre, post] = head.split('"@@BODY@@"');
  const piece = Buffer.alloc(MB, 'x');
  w.flush();
  const put = (buf) => {
    let off = 0;
    while (off < buf.length) off += writeSync(w.fd, buf, off);
  };
  put(Buffer.from(`${pre}"`));
  let left = bytes;
  while (left > 0) {
    const n = Math.min(left, piece.length);
    put(n === piece.length ? piece : piece.subarray(0, n));
    left -= n;
  }
  put(Buffer.from(`"${post}\n`));
  const total = Buffer.byteLength(pre) + Buffer.byteLength(post) + bytes + 3;
  w.bytes += total;
  w.lines++;
  return total;
}

// ---------------------------------------------------------------------------------------------
// One real turn, to append.

/**
 * The smallest real turn in the corpus that has a human prompt, assistant text, a tool call and
 * its result: the records from one prompt up to (not including) the next.
 */
export function pickTurn() {
  let best = null;
  for (const file of corpusFiles()) {
    const recs = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l));
    const starts = recs.map((r, i) => (isPrompt(r) ? i : -1)).filter((i) => i >= 0);
    for (let k = 0; k < starts.length; k++) {
      const turn = recs
        .slice(starts[k], starts[k + 1] ?? recs.length)
        .filter((r) => r.type === 'user' || r.type === 'assistant');
      const blocks = turn.flatMap((r) => (Array.isArray(r.message?.content) ? r.message.content : []));
      const has = (type) => blocks.some((b) => b?.type === type);
      if (!has('tool_use') || !has('tool_result') || !has('text')) continue;
      const bytes = turn.reduce((n, r) => n + JSON.stringify(r).length + 1, 0);
      if (!best || bytes < best.bytes) best = { file, records: turn, bytes };
    }
  }
  if (!best) throw new Error('no corpus turn with a prompt, a reply, a tool call and its result');
  return best;
}

/**
 * The turn's lines for the `n`-th append: ids made unique, timestamps moved to `startMs` onwards
 * (keeping the turn's own spacing), so the turn lands right after the previous activity and never
 * looks like a resumed session (an idle gap would close the window and time a changelog append).
 */
export function turnLines(turn, n, sessionId, startMs) {
  const times = turn.records.map((r) => Date.parse(r.timestamp)).filter(Number.isFinite);
  const t0 = times.length ? Math.min(...times) : 0;
  let last = startMs;
  const lines = turn.records.map((r) => {
    const rec = rewriteIds(structuredClone(r), `turn${n}`, sessionId);
    if (typeof rec.timestamp === 'string' && Number.isFinite(Date.parse(rec.timestamp))) {
      last = startMs + (Date.parse(rec.timestamp) - t0);
      rec.timestamp = new Date(last).toISOString();
    }
    return JSON.stringify(rec);
  });
  return { text: `${lines.join('\n')}\n`, endMs: last };
}

// ---------------------------------------------------------------------------------------------
// Codex rollouts.

/** Keys that tie a Codex record to a call, item or turn: suffixed per copy like ID_KEYS above. */
const CODEX_ID_KEYS = new Set(['call_id', 'id', 'turn_id', 'new_thread_id', 'thread_id']);

function rewriteCodexIds(value, suffix) {
  if (Array.isArray(value)) for (const v of value) rewriteCodexIds(v, suffix);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' && CODEX_ID_KEYS.has(k)) value[k] = `${v}-${suffix}`;
      else rewriteCodexIds(v, suffix);
    }
  }
  return value;
}

/**
 * Every envelope-format rollout of the corpus and the fixtures made with the real CLI, as
 * templates for one long rollout: one session_meta at the top, then the records of every file
 * (their own session_meta lines left out), ids suffixed per copy. 0.20's bare format is left
 * out: one file has one format.
 */
export function loadCodexTemplates() {
  const files = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.jsonl') && !e.name.startsWith('pre-envelope')) files.push(p);
    }
  };
  walk(join(CORPUS, 'codex'));
  walk(join(REPO_ROOT, 'test', 'fixtures', 'codex'));
  if (files.length === 0) throw new Error(`no Codex rollouts under ${join(CORPUS, 'codex')}`);
  const head = [];
  const templates = [];
  for (const file of files) {
    for (const { line, rec } of records(file)) {
      if (rec.type === 'session_meta') {
        if (head.length === 0)
          head.push({ parts: [line], bytes: Buffer.byteLength(line) + 1, prompt: false, ts: NaN, file });
        continue;
      }
      const prompt = rec.type === 'event_msg' && rec.payload?.type === 'user_message';
      const text = JSON.stringify(rewriteCodexIds(rec, COPY));
      templates.push({
        parts: text.split(COPY),
        bytes: Buffer.byteLength(text) + 1,
        prompt,
        ts: Date.parse(rec.timestamp ?? ''),
        file,
      });
    }
  }
  return { head, templates };
}

/** A rollout of about `targetBytes`: the session_meta, then the templates over and over. */
export function buildCodexRollout(path, targetBytes) {
  const { head, templates } = loadCodexTemplates();
  const w = new Writer(path);
  try {
    for (const t of head) w.line(t.parts[0], t.bytes);
  } finally {
    w.close();
  }
  const rest = `${path}.rest`;
  const built = buildTranscript(rest, templates, targetBytes - w.bytes);
  const out = openSync(path, 'a');
  try {
    const buf = readFileSync(rest);
    let off = 0;
    while (off < buf.length) off += writeSync(out, buf, off);
  } finally {
    closeSync(out);
  }
  return { bytes: w.bytes + built.bytes, lines: w.lines + built.lines };
}
