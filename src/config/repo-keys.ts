/**
 * The keys a repository's own `.shiplog.toml` may set without the user's trust. Each only shapes
 * what is written into that same repository, within the schema's bounds:
 * - changelog.enabled, devlog.enabled: whether the repository gets a changelog or a devlog at all;
 *   turning one off loses nothing of the user's and runs nothing.
 * - changelog.granularity, changelog.idle_minutes, changelog.chat_only: how work is cut into entries
 *   (the idle time is bounded to a week by the schema and closes windows; it starts no process and
 *   waits on nothing; chat_only only keeps, folds or drops entries of chat).
 * - changelog.actor: the folder under `.changelog/` (made one safe path component before use).
 * - changelog.markdown: whether `.changelog/<actor>/changelog.md` is kept beside the entries; it
 *   adds one file, written like the others (no symlink followed), from the same redacted entries.
 *
 * Every other key is the user's: it picks a program or its arguments and config (evaluator, model,
 * claude_thinking_tokens, codex_config), what leaves the machine and where, how long things may
 * run or wait (timeout_seconds, backoff_minutes, digest_chars, tail, worker, stop), what escapes
 * redaction or runs as a regex (redact.*), or whether output is committed (commit). New keys are
 * refused until added here, so a key added to the schema is safe by default.
 */
export const REPO_ALLOWED_KEYS: ReadonlySet<string> = new Set([
  'changelog.enabled',
  'changelog.granularity',
  'changelog.idle_minutes',
  'changelog.chat_only',
  'changelog.actor',
  'changelog.markdown',
  'devlog.enabled',
]);
