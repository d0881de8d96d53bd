import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { cleanup, CODEX_FIXTURES, gitRepo, runInProcess, tempDir } from '../helpers.js';
import { claudeTurnLines, simpleTurn } from '../synthetic.js';
import { Config } from '../../src/config/config.js';
import { fakeCalls, fakeEnv } from '../evaluator/fake-env.js';
import { plantedSecrets } from './planted.js';

/**
 * Secrets planted into real transcripts — in prompts, commands, command output, file paths and
 * assistant text — never reach the devlog, the changelog or the log, and the run record counts
 * them per kind.
 */
const PLACES = ['prompt', 'command', 'output', 'path', 'reply', 'task'] as const;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** Claude Code records carrying `text` in one place, shaped like the 2.1.x records of the corpus. */
function claudeRecords(i: number, place: (typeof PLACES)[number], text: string, cwd: string): object[] {
  const base = {
    isSidechain: false,
    userType: 'external',
    cwd,
    sessionId: 'planted',
    version: '2.1.14',
    timestamp: `2026-01-21T07:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z`,
  };
  const user = (content: unknown, uuid: string) => ({
    ...base,
    type: 'user',
    uuid,
    message: { role: 'user', content },
  });
  const assistant = (content: unknown[], uuid: string) => ({
    ...base,
    type: 'assistant',
    uuid,
    message: { id: `msg_p${i}`, role: 'assistant', model: 'claude', type: 'message', content },
  });
  switch (place) {
    case 'prompt':
      return [user(text, `u${i}`)];
    case 'reply':
      return [assistant([{ type: 'text', text }], `a${i}`)];
    case 'command':
      return [
        assistant([{ type: 'tool_use', id: `t${i}`, name: 'Bash', input: { command: text } }], `a${i}`),
        user([{ type: 'tool_result', tool_use_id: `t${i}`, content: 'ok' }], `r${i}`),
      ];
    case 'output':
      return [
        assistant([{ type: 'tool_use', id: `t${i}`, name: 'Bash', input: { command: 'cat config' } }], `a${i}`),
        user([{ type: 'tool_result', tool_use_id: `t${i}`, content: text }], `r${i}`),
      ];
    case 'path':
      return [
        assistant(
          [{ type: 'tool_use', id: `t${i}`, name: 'Write', input: { file_path: text, content: 'x' } }],
          `a${i}`,
        ),
        user([{ type: 'tool_result', tool_use_id: `t${i}`, content: 'File created successfully' }], `r${i}`),
      ];
    case 'task':
      // A subagent task still running: its description is remembered in the adapter's state.
      return [
        assistant(
          [
            {
              type: 'tool_use',
              id: `t${i}`,
              name: 'Task',
              input: { description: text.slice(0, 250), prompt: text, subagent_type: 'general-purpose' },
            },
          ],
          `a${i}`,
        ),
      ];
  }
}

/** The same for a legacy Codex rollout (a subagent task is a prompt there). */
function codexRecords(i: number, place: (typeof PLACES)[number], text: string): object[] {
  const env = (type: string, payload: object) => ({
    timestamp: `2026-11-22T04:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z`,
    type,
    payload,
  });
  switch (place) {
    case 'prompt':
    case 'task':
      return [env('event_msg', { type: 'user_message', message: text })];
    case 'reply':
      return [env('event_msg', { type: 'agent_message', message: text })];
    case 'command':
      return [
        env('response_item', {
          type: 'function_call',
          name: 'exec_command',
          call_id: `c${i}`,
          arguments: JSON.stringify({ cmd: text }),
        }),
        env('response_item', {
          type: 'function_call_output',
          call_id: `c${i}`,
          output: 'Process exited with code 0\nOutput:\nok\n',
        }),
      ];
    case 'output':
      return [
        env('response_item', {
          type: 'function_call',
          name: 'exec_command',
          call_id: `c${i}`,
          arguments: JSON.stringify({ cmd: 'cat .env' }),
        }),
        env('response_item', {
          type: 'function_call_output',
          call_id: `c${i}`,
          output: `Process exited with code 0\nOutput:\n${text}\n`,
        }),
      ];
    case 'path':
      return [
        env('response_item', {
          type: 'custom_tool_call',
          name: 'apply_patch',
          call_id: `c${i}`,
          input: `*** Begin Patch\n*** Add File: ${text}\n+x\n*** End Patch`,
        }),
        env('response_item', {
          type: 'custom_tool_call_output',
          call_id: `c${i}`,
          output: 'Exit code: 0\nOutput:\nSuccess.',
        }),
      ];
  }
}

describe('planted secrets through the whole pipeline', () => {
  const root = tempDir();
  after(() => {
    if (!process.env.KEEP) cleanup(root);
  });
  const planted = plantedSecrets(11);

  for (const agent of ['claude-code', 'codex'] as const) {
    it(`${agent}: none of ${planted.length} secrets reaches an output file or the log; the run counts them`, async () => {
      const dir = join(root, agent);
      const repo = gitRepo(join(dir, 'repo'));
      const home = join(dir, 'state');
      const transcript = join(dir, 'planted.jsonl');
      const head =
        agent === 'claude-code'
          ? claudeTurnLines('planted', join(dir, 'repo'), simpleTurn(), 0, Date.UTC(2026, 0, 21, 7, 0, 0)).join('\n')
          : readFileSync(join(CODEX_FIXTURES, 'legacy-0.140.jsonl'), 'utf8');
      const lines = planted.flatMap((p, i) => {
        let place = PLACES[i % PLACES.length] as (typeof PLACES)[number];
        let text = p.contexts[i % p.contexts.length] as string;
        if (place === 'path') {
          // A file named after the secret, as the generator's contexts name one; kinds that never
          // make a file name (a Basic header, say) go into a command instead.
          const path = p.contexts.flatMap((c) => c.split(/\s+/)).find((w) => w.startsWith('/') && w.includes(p.secret));
          if (path) text = path;
          else place = 'command';
        }
        return agent === 'claude-code' ? claudeRecords(i, place, text, repo) : codexRecords(i, place, text);
      });
      writeFileSync(transcript, `${head.trimEnd()}\n${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
      // With an LLM evaluator (a fake claude that records its stdin): the digest it is handed counts as output too.
      const env = fakeEnv(dir, 'ok');
      const outcome = await runInProcess(
        home,
        { sessionId: 'planted', agent, transcriptPath: transcript, repo, trigger: 'test', close: 'test' },
        Config.parse({ changelog: { evaluator: 'claude' } }),
        env,
      );
      const handed = fakeCalls(env.FAKE_LOG as string);
      assert.equal(handed.length, outcome.windows.written.length, 'the evaluator was called for each window');
      assert.match(handed.map((h) => h.stdin).join(''), /\[REDACTED:[a-z-]+\]/);

      const written = [
        ...[...files(join(repo, '.devlog')), ...files(join(repo, '.changelog')), join(home, 'shiplog.log')].map(
          (f) => [f, readFileSync(f, 'utf8')] as const,
        ),
        ...handed.map((h, i) => [`evaluator stdin ${i}`, h.stdin] as const),
      ];
      const leaked: Record<string, number> = {};
      const total: Record<string, number> = {};
      for (const p of planted) {
        total[p.kind] = (total[p.kind] ?? 0) + 1;
        if (written.some(([, text]) => text.includes(p.secret))) leaked[p.kind] = (leaked[p.kind] ?? 0) + 1;
      }
      console.log(
        `${agent} recall per kind: ${Object.entries(total)
          .map(([k, n]) => `${k} ${n - (leaked[k] ?? 0)}/${n}`)
          .join(', ')}`,
      );
      assert.deepEqual(leaked, {});
      const redacted = Object.values(outcome.redactions).reduce((a, b) => a + b, 0);
      assert.ok(redacted >= planted.length, `${redacted} redactions counted for ${planted.length} secrets`);
      const db = new Database(join(home, 'state.db'), { readonly: true });
      try {
        const row = db.prepare('SELECT redactions FROM runs ORDER BY id DESC LIMIT 1').get() as { redactions: string };
        assert.deepEqual(JSON.parse(row.redactions), outcome.redactions);
        assert.ok(!planted.some((p) => row.redactions.includes(p.secret)));
        const digests = db.prepare('SELECT digest FROM windows').all() as { digest: string }[];
        assert.ok(
          digests.length > 0 && !planted.some((p) => digests.some((d) => d.digest.includes(p.secret))),
          'the stored digest is redacted',
        );
        // Nothing unredacted anywhere in state.db: every TEXT value of every table.
        const tables = (
          db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
        ).map((t) => t.name);
        const stored = tables.flatMap((t) =>
          (db.prepare(`SELECT * FROM "${t}"`).all() as Record<string, unknown>[]).flatMap((r) =>
            Object.entries(r)
              .filter(([, v]) => typeof v === 'string')
              .map(([c, v]) => [`${t}.${c}`, v as string] as const),
          ),
        );
        const inDb = planted
          .filter((p) => stored.some(([, v]) => v.includes(p.secret)))
          .map(
            (p) =>
              `${p.kind} in ${stored
                .filter(([, v]) => v.includes(p.secret))
                .map(([c]) => c)
                .join(', ')}`,
          );
        assert.deepEqual(inDb, [], 'state.db holds no planted secret');
      } finally {
        db.close();
      }
      assert.match(written.find(([f]) => f.endsWith('.json'))?.[1] ?? '', /\[REDACTED:[a-z-]+\]/);
    });
  }
});
