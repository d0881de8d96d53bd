#!/usr/bin/env node
// A `claude` or `codex` whose helper outlives it: first it starts a helper in a session of its
// own (setsid, so outside the process group the runner kills) that keeps this process's stdout
// and stderr open. Then, as $FAKE_STUCK says:
// - `answer`: behaves as test/evaluator/fake-cli.mjs ($FAKE_CLI_MAIN) and exits;
// - `stubborn`: ignores SIGTERM and never finishes.
// Every process it starts (and its own, when stubborn) is recorded in $FAKE_PIDS.
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const pids = process.env.FAKE_PIDS;
// setsid does not fork here (this process's child is no group leader): its pid is the helper's.
const helper = spawn('setsid', ['sleep', '100000'], { stdio: ['ignore', 'inherit', 'inherit'] });
helper.unref();
if (pids) appendFileSync(pids, `${helper.pid}\n`);
// Go on only once the helper has left this process's group: else, on a loaded machine, the
// runner's group kill after this process exits can take it too, and no pipe is held at all.
const pause = new Int32Array(new SharedArrayBuffer(4));
for (;;) {
  let pgrp = null;
  try {
    const stat = readFileSync(`/proc/${helper.pid}/stat`, 'utf8');
    pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    break; // gone already: nothing to wait for
  }
  if (pgrp !== process.pid) break;
  Atomics.wait(pause, 0, 0, 10);
}

if (process.env.FAKE_STUCK === 'stubborn') {
  if (pids) appendFileSync(pids, `${process.pid}\n`);
  process.on('SIGTERM', () => {});
  setInterval(() => {}, 1000);
} else {
  await import(pathToFileURL(process.env.FAKE_CLI_MAIN).href);
}
