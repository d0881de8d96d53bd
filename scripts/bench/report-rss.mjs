// Preloaded with `node --import` when GNU time is missing: writes this process's peak RSS (KiB)
// to $SHIPLOG_BENCH_RSS_OUT as it exits, for scripts/bench/memory.mjs.
import { writeFileSync } from 'node:fs';

const out = process.env.SHIPLOG_BENCH_RSS_OUT;
if (out) process.on('exit', () => writeFileSync(out, `${process.resourceUsage().maxRSS}\n`));
