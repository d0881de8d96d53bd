// The yardstick of the whole-file bench, as a process of its own: what any tool must at least do
// to read a JSONL transcript — split it into lines and parse each one. Prints the record count.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const rl = createInterface({ input: createReadStream(process.argv[2]), crlfDelay: Infinity });
let records = 0;
for await (const line of rl) {
  if (line === '') continue;
  JSON.parse(line);
  records++;
}
process.stdout.write(`${records}\n`);
