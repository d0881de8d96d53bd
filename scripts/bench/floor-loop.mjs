// The floor under any node program that reads a JSONL transcript whole: read it in 1 MiB chunks,
// split on LF with Buffer.indexOf and JSON.parse every line, nothing else. Much cheaper than
// bare-loop.mjs (readline's per-chunk decoding and string splitting cost more than the parse).
// whole.mjs runs it beside ccusage to show how far a native peer's CPU is from what node itself
// must spend before doing any work; it is not a yardstick with a target of its own.
import { closeSync, openSync, readSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Records in the file at `path`, each line parsed once. */
export function floorLoop(path) {
  const fd = openSync(path, 'r');
  let buf = Buffer.allocUnsafe(1 << 20);
  let filled = 0;
  let records = 0;
  try {
    for (;;) {
      // A line longer than the buffer: grow so the next read has room to reach its end.
      if (filled === buf.length) {
        const grown = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(grown, 0, 0, filled);
        buf = grown;
      }
      const n = readSync(fd, buf, filled, buf.length - filled, null);
      const end = filled + n;
      let start = 0;
      for (let nl = buf.indexOf(10, filled); nl !== -1 && nl < end; nl = buf.indexOf(10, start)) {
        if (nl > start) {
          JSON.parse(buf.toString('utf8', start, nl));
          records++;
        }
        start = nl + 1;
      }
      if (n === 0) {
        if (end > start) {
          JSON.parse(buf.toString('utf8', start, end));
          records++;
        }
        return records;
      }
      buf.copy(buf, 0, start, end);
      filled = end - start;
    }
  } finally {
    closeSync(fd);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${floorLoop(process.argv[2])}\n`);
}
