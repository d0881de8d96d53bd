import { basename, join } from 'node:path';
import { describeClaudeConversions } from '../pipeline/claude-conversions.js';
import { claudeTranscripts, ROOT } from '../helpers.js';
import { CLAUDE_CORPUS } from './paths.js';

/** Transcripts whose devlog is pinned byte for byte (project_dir normalised), checked by hand. */
const GOLDEN_FILES = new Set([
  'claude-reliability/hello-world-script.transcript.jsonl',
  'claude-code-viewer/5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl',
  'spotter/subagent.jsonl',
  'spotter/4d5611e5-241a-462a-8d15-5122611a9569.jsonl',
]);
const GOLDEN = join(ROOT, 'test', 'golden', 'corpus');

describeClaudeConversions(
  'every Claude Code corpus transcript converts',
  CLAUDE_CORPUS,
  claudeTranscripts(CLAUDE_CORPUS),
  (rel) =>
    GOLDEN_FILES.has(rel)
      ? join(GOLDEN, `${basename(rel, '.jsonl').replace(/[^A-Za-z0-9._-]/g, '-')}.devlog.json`)
      : null,
);
