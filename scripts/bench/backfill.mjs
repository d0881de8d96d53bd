// 7. Backfill uses the cores: `shiplog backfill` over a history of corpus-sized Claude Code
// sessions, wall time with --jobs 1, --jobs 2 and the default (one process per core).
import { mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import {
  CLI,
  NODE,
  childEnv,
  expectOk,
  fmt,
  fmtMB,
  makeGitRepo,
  median,
  note,
  run,
  spread,
  tempDir,
} from './common.mjs';
import { corpusFiles } from './transcripts.mjs';

/** Speed-up per core used, of --jobs 2 over --jobs 1: the target is min(cores, 2) × this. */
export const BACKFILL_PER_CORE = 0.8;

/** Sessions per repository: sessions of one repository share its entries.jsonl, as in real use. */
const SESSIONS_PER_REPO = 10;
/** Two days old: finished sessions, whose windows backfill closes (as it would a real history). */
const PAST = new Date(Date.now() - 2 * 86_400_000);

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * One corpus transcript as a template: its text, and how to make the copy of session `id` working
 * in `repo`. The working folders it names are moved into the repository (the outermost one onto
 * it, nested ones below it, made on disk), and its session id is replaced by the copy's, so every
 * copy is a session of its own that backfill can place and write out like a real one.
 */
function template(file) {
  const text = readFileSync(file, 'utf8');
  const cwds = [...new Set([...text.matchAll(/"cwd": ?"([^"]+)"/g)].map((m) => m[1]))].sort(
    (a, b) => a.length - b.length,
  );
  const outer = [];
  for (const cwd of cwds) if (!outer.some((o) => cwd.startsWith(`${o}/`))) outer.push(cwd);
  const ids = [...new Set([...text.matchAll(/"sessionId": ?"([^"]+)"/g)].map((m) => m[1]))];
  const subagentDir = join(dirname(file), basename(file, '.jsonl'), 'subagents');
  const subagents = (() => {
    try {
      return readdirSync(subagentDir)
        .filter((n) => n.endsWith('.jsonl'))
        .map((n) => ({ name: n, text: readFileSync(join(subagentDir, n), 'utf8') }));
    } catch {
      // Most sessions started no subagent: there is no folder.
      return [];
    }
  })();
  const pattern = outer.length ? new RegExp(`(?:${outer.map(escapeRe).join('|')})(?![A-Za-z0-9_.-])`, 'g') : null;
  return {
    file,
    bytes: Buffer.byteLength(text) + subagents.reduce((n, s) => n + Buffer.byteLength(s.text), 0),
    /** The copy's text, and the folders under `repo` it names. */
    copy(source, id, repo) {
      const where = (cwd) => (outer.indexOf(cwd) === 0 ? repo : join(repo, `outer-${outer.indexOf(cwd)}`));
      let out = pattern ? source.replace(pattern, (m) => where(m)) : source;
      for (const old of ids) out = out.replaceAll(old, id);
      return out;
    },
    folders(repo) {
      return cwds.map((cwd) => {
        const o = outer.find((x) => cwd === x || cwd.startsWith(`${x}/`));
        return join(outer.indexOf(o) === 0 ? repo : join(repo, `outer-${outer.indexOf(o)}`), cwd.slice(o.length));
      });
    },
    text,
    subagents,
  };
}

/**
 * A HOME holding `n` sessions laid out as Claude Code keeps them
 * (~/.claude/projects/<project>/<session>.jsonl, subagents under <session>/subagents/), copies of
 * the corpus transcripts in turn, working in `n / 10` git repositories. The repositories are in
 * two folders, `halves`, each holding the same mix of transcripts: `--repo <half>` backfills half
 * the history.
 */
function buildHistory(root, n) {
  const templates = corpusFiles().map(template);
  const claudeDir = join(root, 'home', '.claude');
  const count = Math.max(2, Math.ceil(n / SESSIONS_PER_REPO));
  const halves = [join(root, 'work', 'a'), join(root, 'work', 'b')];
  // Repository i and i + count/2 get the same transcripts (sessions are dealt round the repositories).
  const repos = Array.from({ length: count }, (_, i) => makeGitRepo(join(halves[i < count / 2 ? 0 : 1], `repo-${i}`)));
  let bytes = 0;
  for (let k = 0; k < n; k++) {
    const t = templates[k % templates.length];
    const repo = repos[k % repos.length];
    const id = `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`;
    for (const f of t.folders(repo)) mkdirSync(f, { recursive: true });
    // Claude Code names a project folder after its path, '/' turned to '-'.
    const project = join(claudeDir, 'projects', repo.replaceAll('/', '-'));
    const put = (path, text) => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      utimesSync(path, PAST, PAST);
    };
    put(join(project, `${id}.jsonl`), t.copy(t.text, id, repo));
    for (const s of t.subagents) put(join(project, id, 'subagents', s.name), t.copy(s.text, id, repo));
    bytes += t.bytes;
  }
  return { claudeDir, repos, halves, bytes, sources: templates.length };
}

function removeOutputs(repos) {
  for (const repo of repos)
    for (const dir of ['.devlog', '.changelog']) rmSync(join(repo, dir), { recursive: true, force: true });
}

/** Every entry line and devlog written into the repositories: what two runs must agree on. */
function writtenOutputs(repos) {
  const entries = [];
  const devlogs = [];
  const files = (dir) => {
    try {
      return readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath ?? e.path, e.name));
    } catch {
      // Nothing written there.
      return [];
    }
  };
  for (const repo of repos) {
    for (const f of files(join(repo, '.changelog')))
      if (f.endsWith('/entries.jsonl')) entries.push(...readFileSync(f, 'utf8').split('\n').filter(Boolean));
    for (const f of files(join(repo, '.devlog', 'sessions'))) devlogs.push(`${f}\n${readFileSync(f, 'utf8')}`);
  }
  return { entries: entries.sort(), devlogs: devlogs.sort() };
}

export async function benchBackfill({ quick }) {
  const sessions = quick ? 40 : 200;
  const rounds = quick ? 2 : 3;
  const cores = availableParallelism();
  const root = tempDir('backfill');
  const history = buildHistory(root, sessions);
  note(
    `backfill: ${sessions} sessions (${fmtMB(history.bytes)}, copies of ${history.sources} corpus transcripts) in ${history.repos.length} repositories`,
  );

  let reference = null;
  let summaryLine = '';
  let states = 0;
  /** One `shiplog backfill` from scratch (no state, no outputs left by another run); its wall time. */
  const backfill = async (args, expected) => {
    const env = childEnv({
      HOME: join(root, 'home'),
      CLAUDE_CONFIG_DIR: history.claudeDir,
      CODEX_HOME: join(root, 'home', '.codex'),
      SHIPLOG_HOME: join(root, `state-${states++}`),
    });
    const r = expectOk(
      await run(NODE, [CLI, 'backfill', '--evaluator', 'heuristic', ...args], { env, cwd: root }),
      `shiplog backfill ${args.join(' ')}`,
    );
    const summary = /^backfill: .+$/m.exec(r.stdout)?.[0] ?? '';
    if (
      !new RegExp(
        `^backfill: ${expected} sessions \\(${expected} processed, 0 up to date, 0 skipped\\); \\d+ entr(y|ies) written, 0 windows failed;`,
      ).test(summary)
    ) {
      throw new Error(
        `shiplog backfill ${args.join(' ')} did not process its ${expected} sessions cleanly: ${summary || r.stdout.slice(-500)}`,
      );
    }
    if (expected === sessions) summaryLine ||= summary;
    return r.ms;
  };
  /** Outputs of the whole history, checked against the first run's. */
  const check = (label) => {
    const out = writtenOutputs(history.repos);
    reference ??= out;
    if (
      out.entries.join('\n') !== reference.entries.join('\n') ||
      out.devlogs.join('\n') !== reference.devlogs.join('\n')
    ) {
      throw new Error(
        `${label} wrote other entries or devlogs than the first run (${out.entries.length} entries, ${out.devlogs.length} devlogs vs ${reference.entries.length}, ${reference.devlogs.length})`,
      );
    }
  };
  const whole = (label, args) => ({
    label,
    ms: [],
    async go() {
      removeOutputs(history.repos);
      const ms = await backfill(args, sessions);
      check(label);
      return ms;
    },
  });
  const halves = history.halves.map((dir) => ['--jobs', '1', '--repo', dir]);
  const perHalf = sessions / 2;
  // What this machine gives two processes that share nothing but it: each half of the history
  // backfilled alone, one after the other, then both at once. Their ratio is the most --jobs 2
  // could gain here.
  const apart = { label: 'halves one by one', ms: [], together: [] };
  apart.go = async () => {
    removeOutputs(history.repos);
    const ms = (await backfill(halves[0], perHalf)) + (await backfill(halves[1], perHalf));
    check(apart.label);
    removeOutputs(history.repos);
    const started = process.hrtime.bigint();
    await Promise.all(halves.map((args) => backfill(args, perHalf)));
    apart.together.push(Number(process.hrtime.bigint() - started) / 1e6);
    check('halves at once');
    return ms;
  };
  // "all cores" runs without --jobs: the default is one process per core.
  const configs = [
    whole('--jobs 1', ['--jobs', '1']),
    whole('--jobs 2', ['--jobs', '2']),
    whole(`default (${cores} cores)`, []),
    apart,
  ];
  for (let round = 0; round < rounds; round++) {
    // Each round in another order, so drift on a shared machine hits every configuration alike.
    for (const c of configs.map((_, i) => configs[(i + round) % configs.length])) {
      const ms = await c.go();
      c.ms.push(ms);
      note(
        `backfill: ${c.label} round ${round + 1}: ${fmt(ms / 1000)} s${c === apart ? `; at once ${fmt((apart.together.at(-1) ?? NaN) / 1000)} s` : ''}`,
      );
    }
  }

  const [one, two, all] = configs.map((c) => median(c.ms));
  const speedup2 = one / two;
  const speedupAll = one / all;
  // Side by side against one after the other: what this machine gives a second process now.
  const sideBySide = median(apart.ms) / median(apart.together);
  // The two halves at once against --jobs 1: the best two processes sharing nothing do here.
  const ceiling = one / median(apart.together);
  const target = Math.min(cores, 2) * BACKFILL_PER_CORE;
  const line = (label, ms) =>
    `${label.padEnd(22)} median ${fmt(median(ms) / 1000)} s (${spread(ms.map((x) => x / 1000))} s), ${fmt(median(ms) / sessions)} ms/session → ×${fmt(one / median(ms), 2)}`;
  return {
    name: 'Backfill scaling',
    ratio: speedup2,
    target: `≥ ${fmt(target, 1)} (min(cores, 2) × ${BACKFILL_PER_CORE})`,
    pass: speedup2 >= target,
    summary: `--jobs 1 ${fmt(one / 1000)} s · --jobs 2 ${fmt(two / 1000)} s · all ${cores} cores ${fmt(all / 1000)} s (×${fmt(speedupAll, 2)}); two halves at once ×${fmt(ceiling, 2)}`,
    details: [
      `history: ${sessions} Claude Code sessions (${fmtMB(history.bytes)}), copies of the ${history.sources} corpus transcripts in turn, ${SESSIONS_PER_REPO} per git repository, two days old; fresh state and outputs for every run`,
      `runs: ${rounds} rounds, configurations interleaved (order rotated each round); wall time of whole \`shiplog backfill --evaluator heuristic\` processes, node start included`,
      ...configs.slice(0, 3).map((c) => line(c.label, c.ms)),
      `speed-up at 2 jobs ×${fmt(speedup2, 2)} (target ≥ ${fmt(target, 1)} on ${cores} core${cores === 1 ? '' : 's'}); at all ${cores} cores ×${fmt(speedupAll, 2)} (ideal ×${cores})`,
      `machine check: two --jobs 1 backfills of half the history each (--repo, state of their own), one after the other ${fmt(median(apart.ms) / 1000)} s (${spread(apart.ms.map((x) => x / 1000))} s), both at once ${fmt(median(apart.together) / 1000)} s (${spread(apart.together.map((x) => x / 1000))} s): side by side ×${fmt(sideBySide, 2)}${sideBySide < 1.6 ? ' (another load shares the cores, or they do not run two processes side by side)' : ''}; against --jobs 1 ×${fmt(ceiling, 2)}, the best two processes that share nothing do here now (--jobs 2: ×${fmt(speedup2, 2)})`,
      `every run wrote the same ${reference?.entries.length ?? 0} entries and ${reference?.devlogs.length ?? 0} devlogs; ${summaryLine.replace(/ in [\d.]+ s$/, '')}`,
    ],
    extra: { speedup2, speedupAll, sideBySide, ceiling, cores },
  };
}
