#!/usr/bin/env node
// shiplog's Claude Code hook, registered for Stop, SubagentStop and SessionEnd. It hands the
// payload to a detached worker and exits 0 at once; see lib/hook-runtime.mjs for the rules.
import { runHook } from './lib/hook-runtime.mjs';

await runHook('claude-code', ['Stop', 'SubagentStop', 'SessionEnd']);
