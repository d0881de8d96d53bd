import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FixtureDisk } from '../fixture-disk.js';
import { applyEnd, copyRelocated, lastEventTime, rebuildStart } from './fixture-world.js';
import { assertGolden, assertReadable, CLIENT_MARKUP } from './golden.js';
import { cleanup, gitRepo, readOutputs, ROOT, runInProcess, tempDir } from '../helpers.js';

export function loadSchema(name: string): object {
  return JSON.parse(readFileSync(join(ROOT, 'schema', `${name}.schema.json`), 'utf8')) as object;
}

/** The shipped JSON Schemas as validators: what a reader of the devlog and entries checks against. */
export function schemaValidators() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.addFormat('date-time', true);
  return {
    validateDevlog: ajv.compile(loadSchema('devlog')),
    validateEntry: ajv.compile(loadSchema('changelog-entry')),
  };
}

/**
 * Runs every Claude Code transcript under `base` through the whole pipeline and checks what a
 * reader gets: a valid devlog without harness text, valid entries chained window to window, no
 * line unknown to the adapter. `golden(rel)` names the file a devlog is pinned to byte for byte
 * (project_dir normalised), or null; `SHIPLOG_UPDATE_GOLDEN=1` rewrites them.
 */
export function describeClaudeConversions(
  title: string,
  base: string,
  files: string[],
  golden: (rel: string) => string | null,
  worldOf?: (file: string) => FixtureDisk,
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
        // A recorded scenario runs in its own repository, rebuilt as the client left it; a
        // transcript from elsewhere runs beside an empty repository, its paths as it names them.
        const world = worldOf?.(file);
        if (world) {
          rebuildStart(repo, world);
          applyEnd(repo, world);
        } else gitRepo(repo);
        const home = join(dir, 'state');
        const projects = join(dir, 'projects');
        mkdirSync(projects, { recursive: true });
        const transcript = join(projects, basename(file));
        // Subagent transcripts live beside the main file in a folder named after it.
        const companion = join(dirname(file), basename(file, '.jsonl'));
        if (world) {
          copyRelocated(file, transcript, world.root, repo);
          if (existsSync(companion))
            copyRelocated(companion, join(projects, basename(file, '.jsonl')), world.root, repo);
        } else {
          copyFileSync(file, transcript);
          if (existsSync(companion)) cpSync(companion, join(projects, basename(file, '.jsonl')), { recursive: true });
        }
        const sessionId = basename(file, '.jsonl').replace(/[^A-Za-z0-9._-]/g, '-');
        // The hooks run the worker as the session's last turn ends, so it sees the disk as the turn left it.
        const now = world ? new Date(lastEventTime(transcript).getTime() + 1000) : undefined;
        const outcome = await runInProcess(
          home,
          { sessionId, agent: 'claude-code', transcriptPath: transcript, repo, trigger: 'test', close: 'test' },
          undefined,
          undefined,
          now,
        );
        assert.equal(outcome.oversized, 0);
        assert.deepEqual(outcome.skipped, {}, 'no line is unknown to the adapter');
        const out = readOutputs(repo, sessionId);
        assert.ok(out.devlog);
        const doc = JSON.parse(out.devlog) as {
          conversation: { type: string; content?: string; actions?: string[] }[];
        };
        assert.ok(validateDevlog(doc), JSON.stringify(validateDevlog.errors?.slice(0, 3)));
        // One window, unless the session paused for longer than the idle time in between.
        const entries =
          out.entries.trim() === ''
            ? []
            : out.entries
                .trim()
                .split('\n')
                .map(
                  (l) =>
                    JSON.parse(l) as {
                      run_id: string;
                      continuation_of_run_id: string | null;
                      label: string;
                      summary: string;
                      bullets: string[];
                    },
                );
        // A session of chat alone writes no entry (changelog.chat_only defaults to drop).
        const worked = doc.conversation.some(
          (e) => e.type === 'tool_summary' || (e as { subagent?: unknown }).subagent !== undefined,
        );
        if (worked) assert.ok(entries.length >= 1, 'a session that used tools has an entry');
        else assert.deepEqual(entries, [], 'a session of chat alone has no entry');
        entries.forEach((entry, i) => {
          assert.ok(validateEntry(entry), JSON.stringify(validateEntry.errors?.slice(0, 3)));
          assertReadable(entry);
          assert.equal(entry.continuation_of_run_id, i === 0 ? null : entries[i - 1]?.run_id);
        });
        assert.equal(new Set(entries.map((e) => e.run_id)).size, entries.length);
        assert.equal(out.failures, '');
        for (const e of doc.conversation) {
          const text = e.content ?? e.actions?.join('\n') ?? '';
          assert.doesNotMatch(text, CLIENT_MARKUP);
          if (e.type === 'user') assert.doesNotMatch(text, /^Stop hook feedback|^This session is being continued/);
        }

        const goldenPath = golden(rel);
        if (goldenPath !== null)
          assertGolden(goldenPath, { devlog: out.devlog, entries: out.entries }, { repo, transcript });
      });
    }
  });
}
