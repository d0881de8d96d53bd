import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChangelogEntry, FailureRecord } from '../../src/changelog/schema.js';
import { DevlogDocument } from '../../src/devlog/schema.js';
import { filesUnder, type Sandbox } from './sandbox.js';

/**
 * What a scripted scenario must leave behind, and the checks that compare it with what shiplog
 * wrote. Each check has a name, so a failing run says which promise broke ("devlog.replies",
 * "entries.tests"…), not just that something differs.
 */
export interface Expectation {
  /** One per session the scenario makes, in the order they start: the prompts, and the final reply of each turn. */
  sessions: { prompts: string[]; replies: string[] }[];
  /** Net effect over all entries, repository-relative. */
  created: string[];
  modified: string[];
  deleted: string[];
  /** Shell commands that must show in the devlog as `ran <command>`. */
  commands: string[];
  tests: { cmd: string; result: 'pass' | 'fail' }[];
  /** Commit messages, in order. */
  commits: string[];
  /** Changelog entries in all: one per window. */
  entries: number;
  /** Files the agent leaves in the workspace (besides .devlog/ and .changelog/). */
  workspace: string[];
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const check = (name: string, ok: boolean, detail: string): Check => ({ name, ok, detail });

export function readDevlogs(sb: Sandbox): DevlogDocument[] {
  const dir = join(sb.workspace, '.devlog', 'sessions');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .map((n) => DevlogDocument.parse(JSON.parse(readFileSync(join(dir, n), 'utf8'))))
    .sort((a, b) =>
      (a.conversation[0] && 'timestamp' in a.conversation[0] ? a.conversation[0].timestamp : '').localeCompare(
        b.conversation[0] && 'timestamp' in b.conversation[0] ? b.conversation[0].timestamp : '',
      ),
    );
}

function readJsonl<T>(sb: Sandbox, name: string, parse: (v: unknown) => T): T[] {
  const dir = join(sb.workspace, '.changelog');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => {
      const file = join(dir, d.name, name);
      return existsSync(file)
        ? readFileSync(file, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => parse(JSON.parse(l)))
        : [];
    });
}

export function runChecks(sb: Sandbox, exp: Expectation): Check[] {
  const out: Check[] = [];
  const devlogs = readDevlogs(sb);
  out.push(
    check(
      'devlog.sessions',
      devlogs.length === exp.sessions.length,
      `${devlogs.length} devlog document(s), expected ${exp.sessions.length}`,
    ),
  );
  exp.sessions.forEach((want, i) => {
    const doc = devlogs[i];
    const prompts = doc?.conversation.flatMap((e) => (e.type === 'user' ? [e.content] : [])) ?? [];
    out.push(
      check(
        `devlog.prompts[${i}]`,
        same(prompts, want.prompts),
        `got ${JSON.stringify(prompts)}, expected ${JSON.stringify(want.prompts)}`,
      ),
    );
    const replies = doc?.conversation.flatMap((e) => (e.type === 'assistant' && !e.subagent ? [e.content] : [])) ?? [];
    let at = 0;
    const missing = want.replies.filter((r) => {
      const found = replies.indexOf(r, at);
      if (found < 0) return true;
      at = found + 1;
      return false;
    });
    out.push(
      check(
        `devlog.replies[${i}]`,
        missing.length === 0,
        missing.length
          ? `missing or out of order: ${JSON.stringify(missing)}; devlog has ${JSON.stringify(replies)}`
          : 'every final reply, in order',
      ),
    );
  });
  const actions = devlogs.flatMap((d) => d.conversation.flatMap((e) => (e.type === 'tool_summary' ? e.actions : [])));
  const missingCommands = exp.commands.filter((c) => !actions.includes(`ran ${c}`));
  out.push(
    check(
      'devlog.commands',
      missingCommands.length === 0,
      missingCommands.length ? `no "ran" action for ${JSON.stringify(missingCommands)}` : 'every command',
    ),
  );

  const entries = readJsonl(sb, 'entries.jsonl', (v) => ChangelogEntry.parse(v));
  out.push(
    check(
      'entries.count',
      entries.length === exp.entries,
      `${entries.length} entr(y/ies), expected ${exp.entries} (one per window)`,
    ),
  );
  out.push(check('entries.unique', new Set(entries.map((e) => e.run_id)).size === entries.length, 'no run_id twice'));
  const files = (k: 'created' | 'modified' | 'deleted') =>
    [...new Set(entries.flatMap((e) => e.touched_files[k]))].sort();
  for (const k of ['created', 'modified', 'deleted'] as const) {
    out.push(
      check(
        `entries.touched_files.${k}`,
        same(files(k), [...exp[k]].sort()),
        `got ${JSON.stringify(files(k))}, expected ${JSON.stringify([...exp[k]].sort())}`,
      ),
    );
  }
  const tests = entries.flatMap((e) => e.tests);
  out.push(
    check(
      'entries.tests',
      same(tests, exp.tests),
      `got ${JSON.stringify(tests)}, expected ${JSON.stringify(exp.tests)}`,
    ),
  );
  const commits = entries.flatMap((e) => e.commits);
  const log = execFileSync('git', ['log', '--format=%H %s'], { cwd: sb.workspace, encoding: 'utf8' })
    .trim()
    .split('\n');
  const realCommits = commits.every((c) => log.includes(`${c.hash} ${c.message}`));
  out.push(
    check(
      'entries.commits',
      same(
        commits.map((c) => c.message),
        exp.commits,
      ) && realCommits,
      `got ${JSON.stringify(commits)}, expected messages ${JSON.stringify(exp.commits)} with hashes from git log`,
    ),
  );
  const failures = readJsonl(sb, 'failures.jsonl', (v) => FailureRecord.parse(v));
  out.push(
    check(
      'failures.none',
      failures.length === 0,
      failures.length ? `${failures.length} failure record(s): ${failures[0]?.message}` : 'no failure records',
    ),
  );

  const strays = filesUnder(sb.root).filter((f) => {
    const inside = f.startsWith('ws/') || f.startsWith('state/');
    return !inside && /(^|\/)(\.devlog|\.changelog)\/|(^|\/)(shiplog\.log|state\.db)$/.test(f);
  });
  const leftovers = filesUnder(sb.workspace).filter(
    (f) => !f.startsWith('.devlog/') && !f.startsWith('.changelog/') && !exp.workspace.includes(f),
  );
  out.push(
    check(
      'writes.contained',
      strays.length === 0 && leftovers.length === 0,
      strays.length || leftovers.length
        ? `outside: ${JSON.stringify(strays)}; unexpected in workspace: ${JSON.stringify(leftovers)}`
        : 'only .devlog/, .changelog/ and the state folder',
    ),
  );
  return out;
}

export function describeFailures(checks: Check[]): string {
  return checks
    .filter((c) => !c.ok)
    .map((c) => `${c.name}: ${c.detail}`)
    .join('\n');
}
