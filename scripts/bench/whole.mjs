// Whole-file cost, as whole processes on the same file: `shiplog process` over a large transcript
// against a bare readline + JSON.parse loop (bare-loop.mjs) and against ccusage, a native-class
// peer that reads the same file to sum its tokens. This is what a first backfill, a `shiplog
// process` of an old session or a catch-up sweep costs; the per-appended-turn cost is `tail`.
// CPU time (user + sys) of each child from GNU time, node start included on every side.
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, statfsSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLI,
  MB,
  NODE,
  REPO_ROOT,
  TAG,
  benchTemp,
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
import { buildCodexRollout, buildTranscript, loadTemplates } from './transcripts.mjs';

export const WHOLE_TARGET = 1.0;
export const PEER_TARGET = 2.0;

const GNU_TIME = '/usr/bin/time';
const BARE = join(REPO_ROOT, 'scripts', 'bench', 'bare-loop.mjs');
const FLOOR = join(REPO_ROOT, 'scripts', 'bench', 'floor-loop.mjs');
/** The newest ccusage with a native build published for linux-x64 (20.0.26's is missing), and the last TypeScript one. */
const CCUSAGE_NATIVE = '20.0.24';
const CCUSAGE_NODE = '17.2.1';
const CODEX_THREAD = '019c8a4c-ed82-79a1-aa28-7738fc5ab61a';

/** A child's CPU seconds (user + sys), wall ms and peak RSS, read by GNU time. */
async function measured(cmd, args, env, what) {
  const out = join(benchTemp(), `time-${process.hrtime.bigint()}.txt`);
  const r = expectOk(await run(GNU_TIME, ['-f', '%U %S %M', '-o', out, cmd, ...args], { env }), what);
  const [user, sys, rss] = readFileSync(out, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  return { cpu: user + sys, ms: r.ms, rssMiB: rss / 1024, stdout: r.stdout };
}

/**
 * ccusage from a cache folder outside the repository (installed from npm on first use): the
 * native 20.x build where one exists for this platform, else 17.x on node (Claude Code only).
 * Null when neither can be installed (no registry).
 */
async function ccusage() {
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'shiplog-bench');
  const install = async (version) => {
    const dir = join(cache, `ccusage-${version}`);
    if (!existsSync(join(dir, 'node_modules', 'ccusage', 'package.json'))) {
      note(`installing ccusage@${version} into ${dir}`);
      mkdirSync(dir, { recursive: true });
      const r = await run(
        'npm',
        ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', dir, `ccusage@${version}`],
        { env: { ...process.env } },
      );
      if (r.code !== 0) return null;
    }
    return dir;
  };
  const nativeDir = await install(CCUSAGE_NATIVE);
  const bin =
    nativeDir &&
    join(nativeDir, 'node_modules', '@ccusage', `ccusage-${process.platform}-${process.arch}`, 'bin', 'ccusage');
  if (bin && existsSync(bin)) {
    // npm unpacks the binary without its execute bit.
    chmodSync(bin, 0o755);
    return {
      label: `ccusage ${CCUSAGE_NATIVE} (native ${process.platform}-${process.arch})`,
      cmd: bin,
      pre: [],
      agents: ['claude', 'codex'],
    };
  }
  const nodeDir = await install(CCUSAGE_NODE);
  if (!nodeDir) return null;
  return {
    label: `ccusage ${CCUSAGE_NODE} (node)`,
    cmd: NODE,
    pre: [join(nodeDir, 'node_modules', 'ccusage', 'dist', 'index.js')],
    agents: ['claude'],
  };
}

/** Where ccusage looks for this agent's file, laid out in a temp folder (a hard link, not a copy). */
function peerWorld(agent, transcript, sessionId) {
  const dir = tempDir(`peer-${agent}`);
  const place = (target) => {
    try {
      linkSync(transcript, target);
    } catch {
      symlinkSync(transcript, target);
    }
  };
  const env = childEnv({ HOME: join(dir, 'home') });
  mkdirSync(env.HOME, { recursive: true });
  if (agent === 'claude-code') {
    mkdirSync(join(dir, 'claude', 'projects', '-bench'), { recursive: true });
    place(join(dir, 'claude', 'projects', '-bench', `${sessionId}.jsonl`));
    return {
      env: { ...env, CLAUDE_CONFIG_DIR: join(dir, 'claude') },
      args: ['daily', '--json', '--offline'],
      nativeArgs: ['claude', 'daily', '--json', '--offline'],
    };
  }
  const day = join(dir, 'codex', 'sessions', '2026', '01', '01');
  mkdirSync(day, { recursive: true });
  place(join(day, `rollout-2026-01-01T00-00-00-${CODEX_THREAD}.jsonl`));
  return {
    env: { ...env, CODEX_HOME: join(dir, 'codex') },
    args: null,
    nativeArgs: ['codex', 'daily', '--json', '--offline'],
  };
}

function build(agent, bytes) {
  const dir = tempDir(`whole-${agent}-${bytes}`);
  const sessionId = `${TAG}-whole-${agent}`;
  const transcript = join(dir, `${sessionId}.jsonl`);
  const built =
    agent === 'codex'
      ? buildCodexRollout(transcript, bytes)
      : buildTranscript(transcript, loadTemplates(sessionId), bytes);
  note(`whole file (${agent}): built ${fmtMB(built.bytes)} (${built.lines} lines)`);
  return { transcript, sessionId, built };
}

async function measureOne(agent, bytes, reps, peer) {
  const { transcript, sessionId, built } = build(agent, bytes);
  const world = peer ? peerWorld(agent, transcript, sessionId) : null;
  const peerArgs = peer && world ? (peer.cmd === NODE ? world.args : world.nativeArgs) : null;
  const sides = { bare: [], shiplog: [], peer: [], floor: [] };
  let records = 0;
  for (let i = 0; i < reps; i++) {
    const steps = [
      async () => {
        const m = await measured(NODE, [BARE, transcript], childEnv(), 'bare loop');
        records = Number(m.stdout.trim());
        sides.bare.push(m);
      },
      async () => {
        // A fresh state folder and repository each time: a first run over the whole file.
        const dir = tempDir(`whole-run-${agent}-${i}`);
        const env = childEnv({ SHIPLOG_HOME: join(dir, 'state') });
        const m = await measured(
          NODE,
          [CLI, 'process', transcript, '--repo', makeGitRepo(join(dir, 'repo')), '--session', sessionId, '--json'],
          env,
          'shiplog process',
        );
        const outcome = JSON.parse(m.stdout);
        if (outcome.bytesRead !== built.bytes)
          throw new Error(`shiplog read ${outcome.bytesRead} of ${built.bytes} bytes`);
        sides.shiplog.push(m);
      },
      ...(peerArgs
        ? [
            async () => {
              const m = await measured(NODE, [FLOOR, transcript], childEnv(), 'floor loop');
              if (Number(m.stdout.trim()) !== records && records > 0)
                throw new Error('the floor loop and the bare loop disagree on the record count');
              sides.floor.push(m);
            },
            async () => {
              const m = await measured(peer.cmd, [...peer.pre, ...peerArgs], world.env, peer.label);
              // A peer that found nothing did no work: its time would flatter nobody.
              if (!/"totalTokens":\s*[1-9]/.test(m.stdout))
                throw new Error(`${peer.label} reported no tokens for the file`);
              sides.peer.push(m);
            },
          ]
        : []),
    ];
    for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]();
    note(
      `whole file (${agent}, ${fmtMB(built.bytes)}): rep ${i + 1}/${reps}: bare ${fmt(sides.bare.at(-1).cpu)} s, shiplog ${fmt(sides.shiplog.at(-1).cpu)} s CPU${sides.peer.length ? `, peer ${fmt(sides.peer.at(-1).cpu)} s` : ''}`,
    );
  }
  const cpu = (side) => median(sides[side].map((m) => m.cpu));
  const wall = (side) => median(sides[side].map((m) => m.ms)) / 1000;
  const rss = (side) => Math.max(...sides[side].map((m) => m.rssMiB));
  const size = fmtMB(built.bytes);
  const ratio = cpu('bare') / cpu('shiplog');
  const rows = [
    {
      name: `Whole file (${agent}, ${size})`,
      ratio,
      target: `≥ ${WHOLE_TARGET}`,
      pass: ratio >= WHOLE_TARGET,
      summary: `bare ${fmt(cpu('bare'))} s / shiplog ${fmt(cpu('shiplog'))} s CPU`,
      details: [
        `throughput of \`shiplog process\` (fresh state, window closed at the end) relative to \`node bare-loop.mjs\` (readline + JSON.parse) on the same ${size} file, ${built.lines} lines (${records} records); whole processes, CPU = user + sys, ${reps} runs per side, interleaved`,
        `CPU: shiplog median ${fmt(cpu('shiplog'))} s (${spread(sides.shiplog.map((m) => m.cpu))}), bare ${fmt(cpu('bare'))} s (${spread(sides.bare.map((m) => m.cpu))}); wall: shiplog ${fmt(wall('shiplog'))} s, bare ${fmt(wall('bare'))} s (wall ratio ${fmt(wall('bare') / wall('shiplog'), 2)})`,
        `peak RSS: shiplog ${fmt(rss('shiplog'))} MiB, bare ${fmt(rss('bare'))} MiB`,
      ],
    },
  ];
  if (peerArgs) {
    const peerRatio = cpu('shiplog') / cpu('peer');
    rows.push({
      name: `CPU vs ccusage (${agent}, ${size})`,
      ratio: peerRatio,
      target: `≤ ${PEER_TARGET}`,
      pass: peerRatio <= PEER_TARGET,
      summary: `shiplog ${fmt(cpu('shiplog'))} s / ccusage ${fmt(cpu('peer'))} s CPU`,
      details: [
        `${peer.label} \`${peerArgs.join(' ')}\` over the same file (a hard link in a temp ${agent === 'codex' ? 'CODEX_HOME' : 'CLAUDE_CONFIG_DIR'}, empty HOME), ${reps} runs, interleaved with the two above; it only sums tokens, shiplog builds the devlog and entries`,
        `CPU: ccusage median ${fmt(cpu('peer'))} s (${spread(sides.peer.map((m) => m.cpu))}), wall ${fmt(wall('peer'))} s, peak RSS ${fmt(rss('peer'))} MiB`,
        // What any node program pays before doing work: if this alone is over the target, no node pipeline meets it.
        `floor: \`node floor-loop.mjs\` (1 MiB reads, Buffer.indexOf split, JSON.parse of every line, no other work) ${fmt(cpu('floor'))} s CPU (${spread(sides.floor.map((m) => m.cpu))}) = ${fmt(cpu('floor') / cpu('peer'), 2)}× ccusage${cpu('floor') / cpu('peer') > PEER_TARGET ? `, already over the ≤ ${PEER_TARGET} target` : ''}`,
      ],
    });
  } else if (peer) {
    rows.push({
      name: `CPU vs ccusage (${agent}, ${size})`,
      target: `≤ ${PEER_TARGET}`,
      skipped: `${peer.label} does not read ${agent} files`,
    });
  }
  return rows;
}

export async function benchWhole({ quick }) {
  if (!existsSync(GNU_TIME))
    return {
      name: 'Whole file',
      target: `≥ ${WHOLE_TARGET}`,
      skipped: `${GNU_TIME} not installed (apt-get install time)`,
    };
  const peer = await ccusage();
  if (!peer) note('ccusage could not be installed: the peer rows are skipped');
  const sizes = quick ? [100 * MB] : [100 * MB, 1024 * MB];
  const s = statfsSync(tmpdir());
  const rows = [];
  for (const agent of ['claude-code', 'codex']) {
    for (const bytes of sizes) {
      // The file, its peer link and a devlog: a 1 GB run needs room for about two copies.
      if (s.bavail * s.bsize < 2.5 * bytes) {
        rows.push({
          name: `Whole file (${agent}, ${fmtMB(bytes)})`,
          target: `≥ ${WHOLE_TARGET}`,
          skipped: `not enough free space under ${tmpdir()}`,
        });
        continue;
      }
      rows.push(...(await measureOne(agent, bytes, bytes > 200 * MB ? 2 : quick ? 2 : 3, peer ?? undefined)));
      rmBuilt(agent, bytes);
    }
  }
  return rows;
}

function rmBuilt(agent, bytes) {
  // The next size's file needs the room.
  tempDir(`whole-${agent}-${bytes}`);
  tempDir(`peer-${agent}`);
}
