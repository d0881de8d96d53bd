import assert from 'node:assert/strict';
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HookJob } from '../../src/hooks/payload.js';
import { createLogger } from '../../src/log.js';
import { routeInbox } from '../../src/worker/route-inbox.js';
import { cleanup, tempDir } from '../helpers.js';

const root = tempDir();
after(() => cleanup(root));

/** A state folder whose inbox exists, as the first hook leaves it. */
function stateWithInbox(name: string): { home: string; inbox: string } {
  const home = join(root, name);
  const inbox = join(home, 'inbox');
  mkdirSync(inbox, { recursive: true });
  return { home, inbox };
}

const payload = (session: string) =>
  JSON.stringify({ session_id: session, transcript_path: '/tmp/t.jsonl', cwd: '/tmp', hook_event_name: 'Stop' });

/** The router's half of the hooks' inbox, on real files: what a hook left becomes one job. */
describe('routeInbox', () => {
  it('routes a payload again after a router killed before removing it, into the same job, not a second one', () => {
    const { home, inbox } = stateWithInbox('again');
    const file = join(inbox, '123-456.claude-code');
    writeFileSync(file, payload('s1'));
    const kept = join(root, 'kept');
    copyFileSync(file, kept);
    const at = statSync(file).mtime;
    const log = createLogger(home, 'test');
    assert.deepEqual([...routeInbox(home, log, process.env)], ['s1']);
    assert.deepEqual(readdirSync(inbox), []);
    // What a SIGKILL between writing the job and removing the inbox file leaves: both.
    copyFileSync(kept, file);
    utimesSync(file, at, at);
    assert.deepEqual([...routeInbox(home, log, process.env)], ['s1']);
    const jobs = readdirSync(join(home, 'spool', 's1'));
    assert.equal(jobs.length, 1, jobs.join(', '));
    const job = HookJob.parse(JSON.parse(readFileSync(join(home, 'spool', 's1', jobs[0] ?? ''), 'utf8')));
    assert.equal(job.agent, 'claude-code');
    assert.equal(job.payload.hook_event_name, 'Stop');
  });

  it('removes a symlink or a folder planted in the inbox without following it, and routes the rest', () => {
    const { home, inbox } = stateWithInbox('planted');
    const secret = join(root, 'secret.json');
    writeFileSync(secret, payload('stolen'));
    symlinkSync(secret, join(inbox, '1-1.claude-code'));
    mkdirSync(join(inbox, '1-2.codex'));
    writeFileSync(join(inbox, '1-3.codex'), payload('real'));
    assert.deepEqual([...routeInbox(home, createLogger(home, 'test'), process.env)], ['real']);
    assert.deepEqual(readdirSync(inbox), []);
    assert.equal(readFileSync(secret, 'utf8'), payload('stolen'), 'the target is untouched');
    assert.deepEqual(readdirSync(join(home, 'spool')), ['real']);
    assert.match(readFileSync(join(home, 'shiplog.log'), 'utf8'), /not a plain file.*removed/);
  });

  it("drops a payload of a kind no agent has (a name like an object's own property included) and routes the rest", () => {
    const { home, inbox } = stateWithInbox('kinds');
    for (const kind of ['constructor', 'tostring', 'aider'])
      writeFileSync(join(inbox, `1-1.${kind}`), payload('stray'));
    writeFileSync(join(inbox, '1-2.claude-code'), payload('real'));
    assert.deepEqual([...routeInbox(home, createLogger(home, 'test'), process.env)], ['real']);
    assert.deepEqual(readdirSync(inbox), []);
    const messages = readFileSync(join(home, 'shiplog.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
    assert.deepEqual(
      messages.sort(),
      ['aider', 'constructor', 'tostring'].map((kind) => `payload of an unknown kind "${kind}"; ignored`),
    );
  });

  it('leaves a .part a hook is still writing, and reads one its hook was killed before renaming', () => {
    const { home, inbox } = stateWithInbox('parts');
    writeFileSync(join(inbox, '2-1.claude-code.part'), payload('writing'));
    const orphan = join(inbox, '2-2.claude-code.part');
    writeFileSync(orphan, payload('orphan'));
    const old = new Date(Date.now() - 5 * 60_000);
    utimesSync(orphan, old, old);
    assert.deepEqual([...routeInbox(home, createLogger(home, 'test'), process.env)], ['orphan']);
    assert.deepEqual(readdirSync(inbox), ['2-1.claude-code.part']);
  });
});
