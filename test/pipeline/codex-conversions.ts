import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { threadIdFromRolloutName } from '../../src/agents/codex/rollout-name.js';
import type { ChangelogEntry } from '../../src/changelog/schema.js';
import type { FixtureDisk } from '../fixture-disk.js';
import { applyEnd, copyRelocated, lastEventTime, rebuildStart } from './fixture-world.js';
import { assertGolden, assertReadable, CLIENT_MARKUP } from './golden.js';
import { cleanup, gitRepo, readOutputs, runInProcess, tempDir } from '../helpers.js';
import { schemaValidators } from './claude-conversions.js';

/**
 * Runs every Codex rollout under `base` through the whole pipeline: a valid devlog with each prompt
 * once and no harness text, valid entries, no line unknown to the adapter. `golden(rel)` names the
 * file a devlog is pinned to byte for byte, or null; `SHIPLOG_UPDATE_GOLDEN=1` rewrites them.
 */
export function describeCodexConversions(
  title: string,
  base: string,
  files: string[],
  golden: (rel: string) => string | null,
  worldOf?: (file: string) => FixtureDisk | null,
): void {
  describe(title, () => {
    const root = tempDir();
    after(() => cleanup(root));
    const { validateDevlog, validateEntry } = schemaValidators();

    for (const file of files) {
      const rel = relative(base, file);
      it(rel, async () => {
        const dir = join(root, rel.replace(/[^A-Za-z0-9]+/g, '-'));
        const repo = join(dir, 'repo');
        // A scenario the recorder wrote runs in its repository, rebuilt as the client left it.
        const world = worldOf?.(file) ?? null;
        if (world) {
          rebuildStart(repo, world);
          applyEnd(repo, world);
        } else gitRepo(repo);
        mkdirSync(join(dir, 'sessions'));
        const transcript = join(dir, 'sessions', basename(file));
        if (world) copyRelocated(file, transcript, world.root, repo);
        else copyFileSync(file, transcript);
        const sessionId = threadIdFromRolloutName(basename(file)) ?? basename(file, '.jsonl');
        const now = world ? new Date(lastEventTime(transcript).getTime() + 1000) : undefined;
        const outcome = await runInProcess(
          join(dir, 'state'),
          { sessionId, agent: 'codex', transcriptPath: transcript, repo, trigger: 'test', close: 'test' },
          undefined,
          undefined,
          now,
        );
        assert.equal(outcome.oversized, 0);
        assert.deepEqual(outcome.skipped, {}, 'no rollout line is unknown to the adapter');
        const out = readOutputs(repo, sessionId);
        assert.ok(out.devlog);
        const doc = JSON.parse(out.devlog) as {
          conversation: { type: string; content?: string; actions?: string[] }[];
        };
        assert.ok(validateDevlog(doc), JSON.stringify(validateDevlog.errors?.slice(0, 3)));
        assert.ok(
          doc.conversation.some((e) => e.type === 'user'),
          'at least one prompt',
        );
        for (const e of doc.conversation) {
          if (e.type === 'user')
            assert.doesNotMatch(
              e.content ?? '',
              /^<(environment_context|user_instructions|permissions instructions)>|^# AGENTS\.md instructions/,
            );
          if (e.type === 'assistant') assert.doesNotMatch(e.content ?? '', /"encrypted_content"/);
          assert.doesNotMatch(e.content ?? e.actions?.join('\n') ?? '', CLIENT_MARKUP);
        }
        // Each prompt is written 2–3 times in a rollout; the devlog has it once (a prompt the user
        // really sent twice is in two turns, with the agent's work between).
        doc.conversation.forEach((e, i) => {
          const prev = doc.conversation[i - 1];
          if (e.type === 'user' && prev?.type === 'user')
            assert.notEqual(e.content, prev.content, `prompt ${i} is written twice`);
        });
        const entries =
          out.entries.trim() === ''
            ? []
            : out.entries
                .trim()
                .split('\n')
                .map((l) => JSON.parse(l) as ChangelogEntry);
        // A session of chat alone writes no entry (changelog.chat_only defaults to drop).
        if (doc.conversation.some((e) => e.type === 'tool_summary'))
          assert.ok(entries.length >= 1, 'a session that used tools has an entry');
        else assert.deepEqual(entries, [], 'a session of chat alone has no entry');
        for (const entry of entries) {
          assert.ok(validateEntry(entry), JSON.stringify(validateEntry.errors?.slice(0, 3)));
          assertReadable(entry);
          assert.equal(entry.tool, 'codex');
        }
        assert.equal(out.failures, '');

        const goldenPath = golden(rel);
        if (goldenPath !== null)
          assertGolden(goldenPath, { devlog: out.devlog, entries: out.entries }, { repo, transcript });
      });
    }
  });
}
