import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { adapterFor } from '../../src/agents/registry.js';
import { createRedactor } from '../../src/redact/redact.js';
import { cleanup, defaultConfig, gitRepo, prng, readOutputs, runAdapter, runInProcess, tempDir } from '../helpers.js';
import { claudeTurnLines, writeClaudeTranscript } from '../synthetic.js';

/**
 * Text is redacted before it is cut (issue 13, finding 9): a token across the 200-character cut
 * of a command in the devlog, or across the start of a kept output tail, leaves no piece behind.
 */

function token(seed: number): string {
  const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const next = prng(seed);
  return `ghp_${Array.from({ length: 36 }, () => B62[Math.floor(next() * 62)]).join('')}`;
}

/** Any 8-character piece of `secret` found in `text`. */
function piece(text: string, secret: string): string | undefined {
  for (let i = 0; i + 8 <= secret.length; i++) if (text.includes(secret.slice(i, i + 8))) return secret.slice(i, i + 8);
  return undefined;
}

describe('redaction before the cut', () => {
  const root = tempDir();
  after(() => {
    if (!process.env.KEEP) cleanup(root);
  });

  it('a token across the cut of a long command leaves nothing in the devlog or the entries', async () => {
    const ghp = token(1);
    const repo = gitRepo(join(root, 'repo'));
    const home = join(root, 'state');
    // The action keeps the first 200 characters of the command: the token starts at 185.
    const command = `echo ${'a'.repeat(179)} ${ghp} > /dev/null`;
    const transcript = writeClaudeTranscript(join(root, 'cut.jsonl'), 'cut-1', repo, [
      { prompt: 'run the long one', command, output: 'done\n', reply: 'Ran it.' },
    ]);
    await runInProcess(
      home,
      {
        sessionId: 'cut-1',
        agent: 'claude-code',
        transcriptPath: transcript,
        repo,
        trigger: 'test',
        close: 'session-end',
      },
      defaultConfig(),
    );
    const out = readOutputs(repo, 'cut-1');
    assert.ok(out.devlog !== null);
    assert.equal(
      piece(out.devlog + out.entries, ghp),
      undefined,
      readFileSync(join(repo, '.devlog', 'sessions', 'cut-1.json'), 'utf8'),
    );
  });

  it('a token across the start of a kept output tail leaves nothing in the event', () => {
    const ghp = token(2);
    const output = `${ghp}\n${'x'.repeat(1990)}\n`;
    const lines = claudeTurnLines('cut-2', '/work/p', { prompt: 'p', command: 'cat big.log', output, reply: 'r' }, 0);
    const r = createRedactor();
    const { events } = runAdapter(adapterFor('claude-code'), lines, { ctx: { redact: (t) => r.redact(t) } });
    const result = events.find((e) => e.kind === 'tool_result');
    assert.ok(result?.kind === 'tool_result' && result.output !== undefined);
    assert.equal(piece(result.output, ghp), undefined, result.output.slice(0, 80));
  });
});
