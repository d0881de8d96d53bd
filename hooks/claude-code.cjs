#!/usr/bin/env node
'use strict';
// shiplog's Claude Code hook, registered for Stop, SubagentStop and SessionEnd. It hands the
// payload to a detached worker and exits 0 at once; see lib/hook-runtime.cjs for the rules.
require('./lib/hook-runtime.cjs').runHook('claude-code', ['Stop', 'SubagentStop', 'SessionEnd']);
