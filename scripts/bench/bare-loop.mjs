// The yardstick of the throughput benches: what any tool must at least do to read a JSONL
// transcript — split it into lines and parse each one. throughput.mjs calls it in the bench's
// process, beside the in-process pipeline; whole.mjs runs this file as a process of its own.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

/** Records in the file at `path`, read with readline and JSON.parse. */
export async function bareLoop(path) {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let records = 0;
  for await (const line of rl) {
    if (line === '') continue;
    JSON.parse(line);
    records++;
  }
  return records;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${await bareLoop(process.argv[2])}\n`);
}
