#!/usr/bin/env node
// The last step of ./install.sh: shiplog doctor, read for what it means right after an install.
// A machine with neither agent yet is not a failed install (the newcomer's clean machine, a CI
// box): the install worked, nothing records sessions until an agent is there, and doctor keeps
// calling that a problem. Any other problem fails the install.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../bin/shiplog.mjs', import.meta.url));
const shown = spawnSync(process.execPath, [cli, 'doctor'], { stdio: 'inherit' });
if (shown.status === 0) {
  console.log('Done. Claude Code and Codex sessions now write .devlog/ and .changelog/ in their repository.');
  process.exit(0);
}
const json = spawnSync(process.execPath, [cli, 'doctor', '--json'], { encoding: 'utf8' });
let problems;
try {
  problems = JSON.parse(json.stdout)
    .filter((c) => c.status === 'problem')
    .map((c) => c.key);
} catch (err) {
  console.error(`shiplog doctor --json gave no readable answer (${err.message}); see its output above.`);
  process.exit(1);
}
if (problems.length === 1 && problems[0] === 'agents') {
  console.log(
    'Installed. No Claude Code, Codex or Gemini CLI is registered yet, so no session is recorded: install one, then run shiplog install.',
  );
  process.exit(0);
}
console.error('Installed, but shiplog doctor found problems; each has its fix above.');
process.exit(1);
