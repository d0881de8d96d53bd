// A separate process that appends through the real, built append code (dist/), for tests that
// need a writer to stall, wait or die while it holds the append lock. Argument: one JSON object
// { file, runId, lockDir, mode }:
//   append  append one entry, waiting up to `waitMs` (default: as long as needed); prints
//           "waiting" once when the lock is busy, "written" or "duplicate" at the end
//   stall   the same, but stops itself (SIGSTOP) just before the append's first write of its entry:
//           the moment a laptop suspend or container pause hurts most. The stall is injected by
//           wrapping fs.writeSync in this process only, so production code carries no test seam
//           and the same script stalls the old offset-based appender too.
//   hold    takes the append lock and keeps it until killed; prints "locked"
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'src', 'output');
const { file, runId, lockDir, mode, waitMs } = JSON.parse(process.argv[2]);
const say = (line) => fs.writeSync(1, `${line}\n`);

if (mode === 'stall') {
  const write = fs.writeSync;
  let stalled = false;
  fs.writeSync = function (fd, buf, ...rest) {
    if (!stalled && Buffer.isBuffer(buf) && buf.includes(JSON.stringify(runId))) {
      stalled = true;
      say('stopping');
      process.kill(process.pid, 'SIGSTOP');
    }
    return write.call(this, fd, buf, ...rest);
  };
  syncBuiltinESMExports();
}

if (mode === 'hold') {
  const { acquireAppendLock } = await import(join(dist, 'append-lock.js'));
  await acquireAppendLock(file, { lockDir });
  say('locked');
  setInterval(() => {}, 60_000);
} else {
  const { appendOnce } = await import(join(dist, 'append.js'));
  let waiting = false;
  const r = await appendOnce(file, runId, { run_id: runId, by: process.pid }, {
    lockDir,
    // By default a failure bound only: the test releases the holder as soon as every writer waits.
    waitMs: waitMs ?? 120_000,
    onWait: () => {
      if (!waiting) say('waiting');
      waiting = true;
    },
  });
  say(r.written ? 'written' : 'duplicate');
}
