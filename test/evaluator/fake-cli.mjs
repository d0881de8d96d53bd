#!/usr/bin/env node
// A stand-in for `claude` and `codex` in the evaluator runner's unit tests (the only fakes the
// project allows besides the model servers). It records what it was given — argv, the
// environment, stdin, its folder, and for codex its CODEX_HOME and schema file — in
// $FAKE_LOG, then behaves as $FAKE_MODE says. $FAKE_MODE may list one mode per call,
// comma-separated ("overflow,ok"); the call number is kept in $FAKE_LOG's line count.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const name = basename(process.argv[1]);
const args = process.argv.slice(2);
const log = process.env.FAKE_LOG;
const stdin = readFileSync(0, 'utf8');
const calls = log && existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0;
const modes = (process.env.FAKE_MODE ?? 'ok').split(',');
const mode = modes[Math.min(calls, modes.length - 1)];
const opt = (flag) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const home = process.env.CODEX_HOME;
const record = {
  name,
  mode,
  args,
  cwd: process.cwd(),
  stdin,
  env: { SHIPLOG_INTERNAL: process.env.SHIPLOG_INTERNAL, MAX_THINKING_TOKENS: process.env.MAX_THINKING_TOKENS, CODEX_HOME: home },
  session: Object.keys(process.env).filter((k) => /^CLAUDE/.test(k)).sort(),
  codexHome: name === 'codex' && home ? readdirSync(home).map((f) => ({ f, mode: (statSync(join(home, f)).mode & 0o777).toString(8), text: readFileSync(join(home, f), 'utf8') })) : null,
  schema: name === 'codex' && opt('--output-schema') ? readFileSync(opt('--output-schema'), 'utf8') : null,
};
if (log) appendFileSync(log, `${JSON.stringify(record)}\n`);

const good = { summary: 'Added retry handling to the uploader.', bullets: ['Added a retry loop to `upload.ts` with exponential backoff.', 'Ran `npm test`, which passed.'], tags: ['uploader', 'typescript'], notes: null };
/** 40 lines of 64 characters: far longer than the 2,000 characters a failure record keeps. */
export const KEY_BODY = Array.from({ length: 40 }, (_, i) => `MIIEpAIBAAKCAQEA${String(i).padStart(2, '0')}q7Hk3nY5vT8wZxRb2LmN4pQs6UdFgH1jK9oE0aCzXyWvBt`).join('\n');
const bad = { summary: 'ok', bullets: ['retry'], tags: ['Not A Tag!'], notes: null };
// Valid as written, but 500 characters ending in a password: redacted, the summary is too long.
const long = { ...good, summary: `${'Reworked the uploader. '.repeat(20)}Set password=hunter2hunter2 in .env.`.slice(-500) };

function claude() {
  const result = (o) => process.stdout.write(`${JSON.stringify({ type: 'result', subtype: 'success', ...o })}\n`);
  switch (mode) {
    case 'ok':
      return result({ is_error: false, result: JSON.stringify(good), structured_output: good });
    case 'malformed':
      return result({ is_error: false, result: JSON.stringify(bad), structured_output: bad });
    case 'long':
      return result({ is_error: false, result: JSON.stringify(long), structured_output: long });
    case 'leaky':
      // A crash that prints a private key (from its environment, a config file) before the error.
      process.stderr.write(`-----BEGIN RSA PRIVATE KEY-----\n${KEY_BODY}\n-----END RSA PRIVATE KEY-----\nfatal: could not start\n`);
      return process.exit(1);
    case 'overflow':
      result({ is_error: true, result: 'Prompt is too long', api_error_status: 400, terminal_reason: 'prompt_too_long' });
      return process.exit(1);
    case 'auth':
      result({ is_error: true, result: 'Invalid API key · Please run /login', api_error_status: 401, terminal_reason: 'api_error' });
      return process.exit(1);
    case '429':
      result({ is_error: true, result: 'API Error: Request rejected (429) · rate limited', api_error_status: 429, terminal_reason: 'api_error' });
      return process.exit(1);
  }
}

function codex() {
  const event = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
  event({ type: 'thread.started', thread_id: 'fake' });
  event({ type: 'turn.started' });
  const fail = (message) => {
    event({ type: 'error', message });
    event({ type: 'turn.failed', error: { message } });
    process.exit(1);
  };
  switch (mode) {
    case 'ok':
      writeFileSync(opt('--output-last-message'), JSON.stringify(good));
      event({ type: 'item.completed', item: { id: 'item_0', type: 'agent_message', text: JSON.stringify(good) } });
      return event({ type: 'turn.completed' });
    case 'malformed':
      writeFileSync(opt('--output-last-message'), 'Here is your entry: it went fine.');
      return event({ type: 'turn.completed' });
    case 'overflow':
      return fail("Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying.");
    case 'auth':
      return fail('unexpected status 401 Unauthorized: Incorrect API key provided');
    case '429':
      return fail('You’ve hit your usage limit (usage_limit_reached). Try again later.');
    case 'chatty':
      // The model talks about the session (rate limits, a /login route) and writes no answer.
      event({ type: 'item.completed', item: { id: 'item_0', type: 'agent_message', text: 'The window fixed the 429 rate limit handling and the /login route (401 Unauthorized).' } });
      return event({ type: 'turn.completed' });
    case 'refresh':
      // Codex refreshed its login during the run: refresh tokens are single-use.
      writeFileSync(join(home, 'auth.json'), '{"tokens":{"refresh_token":"rt-new"}}');
      writeFileSync(opt('--output-last-message'), JSON.stringify(good));
      return event({ type: 'turn.completed' });
  }
}

if (mode === 'hang') {
  // A helper of its own in the same process group, then never finish: the runner must kill both.
  const helper = spawn('sleep', ['1000'], { stdio: 'ignore' });
  if (process.env.FAKE_PIDS) writeFileSync(process.env.FAKE_PIDS, `${process.pid} ${helper.pid}\n`, { flag: 'a' });
  setInterval(() => {}, 1000);
} else if (name === 'claude') claude();
else codex();
