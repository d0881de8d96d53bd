/**
 * Recognising test runs and commits in shell commands. Agents wrap commands (`cd x && …`,
 * env assignments, pipes to `tail`), so each check looks at every segment of the command line.
 */

const TEST_PATTERNS: RegExp[] = [
  /^(npm|pnpm|yarn|bun)\s+(run\s+)?(test|t)(:[\w:-]+)?\b/,
  /^(npm|pnpm|yarn|bun)\s+run\s+[\w:-]*test[\w:-]*\b/,
  /^(npx|pnpx|bunx)\s+(jest|vitest|mocha|ava|playwright\s+test|tap)\b/,
  /^(jest|vitest|mocha|ava|pytest|py\.test|tox|nox|rspec|phpunit|ctest|busted|prove)\b/,
  /^python[\d.]*\s+-m\s+(pytest|unittest|nose2?)\b/,
  /^(uv|poetry|pipenv|hatch|pdm)\s+run\s+(pytest|python[\d.]*\s+-m\s+pytest|tox)\b/,
  /^go\s+test\b/,
  /^cargo\s+(test|nextest)\b/,
  /^mix\s+test\b/,
  /^(mvn|mvnw|\.\/mvnw)\b.*\b(test|verify)\b/,
  /^(gradle|gradlew|\.\/gradlew)\b.*\btest\b/,
  /^dotnet\s+test\b/,
  /^swift\s+test\b/,
  /^deno\s+test\b/,
  /^node\b[^|;&]*\s--test\b/,
  /^make\s+(test|check|tests)\b/,
  // Test scripts by name: `sh test.sh`, `bash scripts/run-tests.sh`, `./test.sh`.
  /^((ba|z|da)?sh\s+)?(\.\/)?([\w.-]+\/)*(run[-_]?)?tests?([-_.][\w.-]*)?\.sh\b/,
  // A script in a test folder: `sh test/run.sh`, `bash tests/smoke.sh`.
  /^((ba|z|da)?sh\s+)?(\.\/)?([\w.-]+\/)*(tests?|spec)\/[\w.-]+\.sh\b/,
  /^bundle\s+exec\s+(rspec|rake\s+test)\b/,
  /^rake\s+test\b/,
];

function segments(command: string): string[] {
  return command
    .split(/&&|\|\||;|\||\n/)
    .map((s) =>
      s
        .trim()
        .replace(/^\(+/, '')
        .replace(/^(\w+=\S*\s+)+/, '')
        .replace(/^(time|env|timeout\s+\d+\w?|nice)\s+/, '')
        .trim(),
    )
    .filter(Boolean);
}

/** An interpreter and the file it runs: `node test.js`, `python3 test_app.py`, `tsx a.spec.ts`. */
const INTERPRETED = /^(?:node|python[\d.]*|ruby|tsx|ts-node|bun|deno\s+run)\s+(\S+)(?:\s|$)/;
/** A test file by its name or folder; each branch is anchored at the end, so one pass decides. */
const TEST_FILE =
  /(?:^|\/)(?:tests?|spec)\/[^/]+$|(?:^|\/)(?:tests?|spec)(?:[._-][^/]*)?\.\w+$|(?:^|\/)test_[^/]+$|[._-](?:test|spec)\.\w+$/;

function runsTestFile(segment: string): boolean {
  const file = INTERPRETED.exec(segment)?.[1];
  return file !== undefined && TEST_FILE.test(file);
}

export function isTestCommand(command: string): boolean {
  return segments(command).some((s) => TEST_PATTERNS.some((re) => re.test(s)) || runsTestFile(s));
}

export function isCommitCommand(command: string): boolean {
  return segments(command).some((s) => /^git(\s+-[cC]\s+\S+)*\s+commit\b/.test(s));
}

/** `git commit` prints `[branch 1a2b3c4] message` (or `[branch (root-commit) 1a2b3c4] …`). */
export function commitFromOutput(output: string, command: string): { hash: string; message: string } | null {
  const m = /^\[[^\]\n]*?\s([0-9a-f]{7,40})\]\s+(.+)$/m.exec(output);
  if (!m) return null;
  const hash = m[1] as string;
  const message = (m[2] as string).trim() || messageFromCommand(command) || '(no message)';
  return { hash, message: message.slice(0, 300) };
}

/** The `-m` message of a `git commit` (also combined flags: `-am`, `-qm`; and `--message`). */
export function messageFromCommand(command: string): string | null {
  const m = /\s(?:-[a-zA-Z]*m\s*|--message[= ])(?:"([^"]*)"|'([^']*)'|(\S+))/.exec(command);
  return m ? (m[1] ?? m[2] ?? m[3] ?? null) : null;
}
