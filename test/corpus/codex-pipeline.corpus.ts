import { join } from 'node:path';
import { describeCodexConversions } from '../pipeline/codex-conversions.js';
import { codexRollouts, ROOT } from '../helpers.js';
import { CODEX_CORPUS } from './paths.js';

/** Corpus rollouts whose devlog is pinned byte for byte, read through by hand against its file. */
const GOLDEN_FILES = new Set(['localpush/rollout-2026-02-23T12-54-34-019c8a59-e9dd-71f0-9ae3-4079fe9726a9.jsonl']);
const GOLDEN = join(ROOT, 'test', 'golden', 'codex');

describeCodexConversions('every Codex corpus rollout converts', CODEX_CORPUS, codexRollouts(CODEX_CORPUS), (rel) =>
  GOLDEN_FILES.has(rel) ? join(GOLDEN, rel.slice(rel.lastIndexOf('/') + 1).replace(/\.jsonl$/, '.devlog.json')) : null,
);
