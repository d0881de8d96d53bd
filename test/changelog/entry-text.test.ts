import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LABEL_MAX } from '../../src/changelog/entry-text.js';
import { heuristicEntry } from '../../src/changelog/heuristic.js';
import { ChangelogEntry } from '../../src/changelog/schema.js';
import { initialWindowState, WindowTracker, type WindowOptions } from '../../src/changelog/window.js';
import type { AgentEvent } from '../../src/events.js';

const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 10, min)).toISOString();
const HASH = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';

function call(id: string, action: string, extra: Partial<Extract<AgentEvent, { kind: 'tool_call' }>> = {}): AgentEvent {
  return { kind: 'tool_call', at: at(1), callId: id, tool: 'Bash', action, files: [], ...extra };
}
function result(id: string, extra: Partial<Extract<AgentEvent, { kind: 'tool_result' }>> = {}): AgentEvent {
  return { kind: 'tool_result', at: at(2), callId: id, isError: false, ...extra };
}
const prompt = (text: string, min = 0): AgentEvent => ({ kind: 'prompt', at: at(min), text });
const reply = (text: string, id = 'm1'): AgentEvent => ({ kind: 'reply', at: at(3), text, messageId: id });

/** The entries the default evaluator writes for these events, one per closed window. */
function entries(events: AgentEvent[], opts: Partial<WindowOptions> = {}): ChangelogEntry[] {
  const t = new WindowTracker(initialWindowState(), {
    sessionId: 's',
    granularity: 'session',
    idleMs: 30 * 60_000,
    ...opts,
  });
  t.apply({ kind: 'session', cwd: '/repo' });
  for (const e of events) t.apply(e);
  t.close('end');
  return t.takeClosed().map((closed) =>
    ChangelogEntry.parse(
      heuristicEntry(closed, {
        tool: 'claude',
        actor: 'me',
        repo: '/repo',
        sessionId: 's',
        transcriptPath: '/t.jsonl',
        fallbackTime: at(0),
      }),
    ),
  );
}

function only(events: AgentEvent[], opts: Partial<WindowOptions> = {}): ChangelogEntry {
  const all = entries(events, opts);
  assert.equal(all.length, 1);
  return all[0] as ChangelogEntry;
}

const SENTENCE_END = /[.!?…]$/;

describe('heuristic entry text', () => {
  it('names a committed window by its commit subject and says how it ended, in sentences', () => {
    const e = only([
      prompt(
        'please can you add retry handling to the uploader, it keeps failing on flaky networks and then write tests for it',
      ),
      call('w', 'edited src/upload.ts', { tool: 'Edit', files: [{ path: 'src/upload.ts', op: 'modified' }] }),
      result('w'),
      call('t1', 'ran npm test', { command: 'npm test' }),
      result('t1', { isError: true, exitCode: 1 }),
      call('t2', 'ran npm test', { command: 'npm test' }),
      result('t2'),
      call('c', 'ran git commit', { command: 'git commit -am "Retry uploads with backoff"' }),
      result('c', { output: `[main ${HASH.slice(0, 7)}] Retry uploads with backoff` }),
      reply('Added retries with exponential backoff; the tests pass and it is committed.'),
    ]);
    assert.equal(e.label, 'Retry uploads with backoff');
    assert.equal(e.summary, 'Changed 1 file (1 modified). The tests passed and the work was committed.');
    assert.deepEqual(e.bullets, [
      `Committed ${HASH.slice(0, 7)}: Retry uploads with backoff.`,
      'Modified `src/upload.ts`.',
      'The test `npm test` failed, then passed.',
    ]);
    assert.doesNotMatch(JSON.stringify(e.bullets), /Asked/);
    for (const b of [e.summary, ...e.bullets]) assert.match(b, SENTENCE_END, b);
  });

  it('without a commit, takes a result the final reply states; an announced next step is no result and no note', () => {
    const done = only([
      prompt('make the readme nicer'),
      call('w', 'edited README.md', { tool: 'Edit', files: [{ path: 'README.md', op: 'modified' }] }),
      result('w'),
      reply('Rewrote the README introduction and added an install section. Nothing else changed.'),
    ]);
    assert.equal(done.label, 'Rewrote the README introduction and added an install section');
    assert.equal(done.notes, 'Rewrote the README introduction and added an install section. Nothing else changed.');

    const cut = only([
      prompt('remove the stale fixtures from the test folder'),
      call('r', 'read test/a.json', { tool: 'Read', files: [{ path: 'test/a.json', op: 'read' }] }),
      result('r'),
      reply('I found two stale fixtures. Let me remove them.'),
    ]);
    assert.equal(cut.label, 'Remove the stale fixtures from the test folder');
    assert.equal(cut.notes, null, 'half a thought is not the outcome');
  });

  it('never labels a window with a slash command, a bare "continue" or thanks, and keeps labels short', () => {
    const e = only([
      prompt('/init'),
      prompt('continue'),
      call('w', 'edited CLAUDE.md', { tool: 'Write', files: [{ path: 'CLAUDE.md', op: 'modified' }] }),
      result('w', { files: [{ path: 'CLAUDE.md', op: 'created' }] }),
      prompt("Thanks, that's all for now."),
    ]);
    assert.equal(e.label, 'Created CLAUDE.md');
    const asked = `Refactor ${'the very long module name '.repeat(10)}`;
    const long = only([
      prompt(asked),
      call('w', 'edited a.ts', { tool: 'Edit', files: [{ path: 'a.ts', op: 'modified' }] }),
      result('w'),
    ]);
    assert.ok(long.label.length <= LABEL_MAX, long.label);
    const kept = long.label.slice(0, -1);
    assert.ok(
      long.label.endsWith('…') && asked.startsWith(kept) && asked[kept.length] === ' ',
      `cut at a word: ${long.label}`,
    );
  });

  it('names failed and refused calls as such, never as done, and drops a note the results contradict', () => {
    const e = only([
      prompt('set up the project notes'),
      call('e', 'edited README.md', { tool: 'Edit', files: [{ path: 'README.md', op: 'modified' }] }),
      result('e', { isError: true, output: '<tool_use_error>String to replace not found in file.' }),
      call('w', 'edited CLAUDE.md', { tool: 'Write', files: [{ path: 'CLAUDE.md', op: 'modified' }] }),
      result('w', { isError: true, output: 'File has not been read yet. Read it first before writing to it.' }),
      call('l', 'ran ls missing-dir', { command: 'ls missing-dir' }),
      result('l', { isError: true, exitCode: 2 }),
      reply("I've created a basic CLAUDE.md file with the project notes."),
    ]);
    assert.deepEqual(e.touched_files, { created: [], modified: [], deleted: [], moved: [] });
    assert.deepEqual(e.bullets, [
      'The edit of `README.md` failed.',
      'The edit of `CLAUDE.md` failed.',
      'The command `ls missing-dir` failed (exit 2).',
    ]);
    assert.equal(e.summary, 'No file changed. Three calls failed.');
    assert.equal(e.notes, null);
    assert.notEqual(e.label, "I've created a basic CLAUDE.md file with the project notes");
  });

  it('a call whose result never came is named as unfinished', () => {
    const e = only([prompt('run the slow job'), call('s', 'ran sh slow.sh', { command: 'sh slow.sh' })]);
    assert.deepEqual(e.bullets, ['The command `sh slow.sh` never finished.']);
    assert.match(e.summary, /One call was interrupted or never finished\.$/);
  });

  it('names a subagent with its type, with the right article', () => {
    const e = only([
      prompt('explore the codebase'),
      {
        kind: 'subagent_result',
        at: at(2),
        agentType: 'Explore',
        description: 'Map the modules',
        text: 'Three modules.',
      },
      reply('There are three modules: api, core and cli.'),
    ]);
    assert.deepEqual(e.bullets, ['Handed “Map the modules” to a subagent (Explore).']);
  });

  it('a window of chat alone gets no entry when chat_only is drop, and one when it is keep', () => {
    const chat = [prompt('say hi'), reply('Hi there!')];
    assert.deepEqual(entries(chat, { chatOnly: 'drop' }), []);
    assert.equal(entries(chat, { chatOnly: 'keep' }).length, 1);
    // In turn granularity the chat turn after the work is dropped, the work keeps its entry.
    const work = [
      prompt('add a.ts'),
      call('w', 'edited a.ts', { tool: 'Write', files: [{ path: 'a.ts', op: 'modified' }] }),
      result('w'),
      reply('Added a.ts.'),
      prompt("Thanks, that's all for now.", 5),
      reply('You are welcome!', 'm2'),
    ];
    const kept = entries(work, { chatOnly: 'drop', granularity: 'turn' });
    assert.deepEqual(
      kept.map((x) => x.label),
      ['Added a.ts'],
    );
  });

  it('with chat_only fold, a chat window after the work joins its entry: its time, not its words', () => {
    // Resumed after the idle time: the work's window closes on the gap, the chat opens another.
    const work = [
      prompt('add a.ts'),
      call('w', 'edited a.ts', { tool: 'Write', files: [{ path: 'a.ts', op: 'created' }] }),
      result('w'),
      reply('Added a.ts.'),
    ];
    const thanks = [prompt("Thanks, that's all for now.", 50), { ...reply('You are welcome!', 'm2'), at: at(51) }];
    const folded = entries([...work, ...thanks], { chatOnly: 'fold' });
    assert.equal(folded.length, 1);
    assert.equal(folded[0]?.label, 'Added a.ts');
    assert.equal(folded[0]?.notes, 'Added a.ts.');
    assert.equal(folded[0]?.end, at(51), 'the entry ends with the chat');
    assert.equal(
      entries([...work, ...thanks], { chatOnly: 'drop' })[0]?.end,
      at(3),
      'drop: the entry ends with the work',
    );
    // Work after the gap releases the held window: two entries, chained.
    const more = [
      prompt('now add b.ts', 50),
      { ...call('b', 'created b.ts', { tool: 'Write', files: [{ path: 'b.ts', op: 'created' }] }), at: at(51) },
      { ...result('b'), at: at(51) },
      { ...reply('Added b.ts.', 'm3'), at: at(52) },
    ];
    const two = entries([...work, ...more], { chatOnly: 'fold' });
    assert.deepEqual(
      two.map((x) => x.label),
      ['Added a.ts', 'Added b.ts'],
    );
    assert.equal(two[1]?.continuation_of_run_id, two[0]?.run_id);
    // Chat with no work before it has nothing to fold into.
    assert.deepEqual(entries([prompt('say hi'), reply('Hi there!')], { chatOnly: 'fold' }), []);
  });
});

describe('heuristic entry text: outcomes the adapters classify', () => {
  it('names refused and interrupted calls with their reason, and an interrupted turn does not name the window', () => {
    const e = only([
      prompt('run the whole benchmark suite and report the numbers'),
      call('b', 'ran npm run bench', { command: 'npm run bench' }),
      result('b', { isError: true, outcome: 'interrupted' }),
      prompt('write notes.txt', 2),
      call('w', 'edited notes.txt', { tool: 'Write', files: [{ path: 'notes.txt', op: 'modified' }] }),
      result('w', { files: [{ path: 'notes.txt', op: 'created' }] }),
      call('x', 'edited /home/u/outside.txt', {
        tool: 'Write',
        files: [{ path: '/home/u/outside.txt', op: 'modified' }],
      }),
      result('x', { isError: true, outcome: 'refused', reason: 'not permitted' }),
    ]);
    assert.equal(e.label, 'Write notes.txt', 'the interrupted first prompt does not give the label');
    assert.deepEqual(e.touched_files.created, ['notes.txt']);
    assert.deepEqual(e.bullets, [
      'Created `notes.txt`.',
      'The command `npm run bench` was interrupted.',
      'The edit of `/home/u/outside.txt` was refused (not permitted).',
    ]);
    assert.equal(
      e.summary,
      'Changed 1 file (1 created). One call was refused and one call was interrupted or never finished.',
    );
  });
});

describe('heuristic entry text: what real sessions showed', () => {
  it('a slash command with a request names the work by its arguments; a retried edit does not make the final message untrue', () => {
    const e = only([
      prompt('/orchestrator update CLAUDE.md to the current state of the project'),
      call('w1', 'edited CLAUDE.md', { tool: 'Write', files: [{ path: 'CLAUDE.md', op: 'modified' }] }),
      result('w1', { isError: true, outcome: 'refused', reason: 'file not read first' }),
      call('r', 'read CLAUDE.md', { tool: 'Read', files: [{ path: 'CLAUDE.md', op: 'read' }] }),
      result('r'),
      call('w2', 'edited CLAUDE.md', { tool: 'Write', files: [{ path: 'CLAUDE.md', op: 'modified' }] }),
      result('w2'),
      reply('Updated CLAUDE.md with the new stack and layout.'),
    ]);
    assert.equal(e.label, 'Updated CLAUDE.md with the new stack and layout');
    assert.equal(e.notes, 'Updated CLAUDE.md with the new stack and layout.');
    assert.ok(e.bullets.includes('The edit of `CLAUDE.md` was refused (file not read first).'));
    const asked = only([
      prompt('/orchestrator update CLAUDE.md to the current state of the project'),
      call('w', 'edited CLAUDE.md', { tool: 'Edit', files: [{ path: 'CLAUDE.md', op: 'modified' }] }),
      result('w'),
    ]);
    assert.equal(asked.label, 'Update CLAUDE.md to the current state of the project');
  });

  it('a failed call of a subagent of unknown type reads "by a subagent"', () => {
    const e = only([
      prompt('look around'),
      call('t', 'ran tree -L 3', { command: 'tree -L 3', subagent: {} }),
      result('t', { isError: true, exitCode: 127 }),
    ]);
    assert.ok(
      e.bullets.includes('The command `tree -L 3` by a subagent failed (exit 127).'),
      JSON.stringify(e.bullets),
    );
  });
});

describe('heuristic entry text: final messages', () => {
  it('keeps a final message that ends in a list or another script, and drops one that breaks off', () => {
    const work = [
      prompt('update the docs'),
      call('w', 'edited docs.md', { tool: 'Edit', files: [{ path: 'docs.md', op: 'modified' }] }),
      result('w'),
    ];
    assert.equal(
      only([...work, reply('Updated docs.md:\n- install steps\n- usage')]).notes,
      'Updated docs.md: - install steps - usage',
    );
    const japanese = only([...work, reply('CLAUDE.mdファイルを更新しました。主な更新内容：技術スタック')]);
    assert.equal(japanese.notes, 'CLAUDE.mdファイルを更新しました。主な更新内容：技術スタック');
    assert.equal(japanese.label, 'CLAUDE.mdファイルを更新しました', 'the first sentence, ended by 。');
    assert.equal(only([...work, reply('Updated docs.md. Now I need to check the links:')]).notes, null);
    assert.equal(only([...work, reply('Updated docs.md and then...')]).notes, null);
  });

  it('a closing chat turn ("Thanks" / "You\'re welcome") does not replace the outcome of the work before it', () => {
    const e = only([
      prompt('Create greeting.txt and show it'),
      call('w', 'created greeting.txt', { tool: 'Write', files: [{ path: 'greeting.txt', op: 'created' }] }),
      result('w'),
      reply('greeting.txt says hello.'),
      prompt("Thanks, that's all for now.", 4),
      reply("You're welcome. Bye!", 'm2'),
    ]);
    assert.equal(e.label, 'greeting.txt says hello');
    assert.equal(e.notes, 'greeting.txt says hello.');
  });

  it('a turn abandoned with a call that never got its result does not name the window', () => {
    const e = only([prompt('Run the slow job once more'), call('s', 'ran sh slow.sh', { command: 'sh slow.sh' })]);
    assert.equal(e.label, 'The command `sh slow.sh` never finished');
    assert.equal(e.summary, 'No file changed. One call was interrupted or never finished.');
    assert.deepEqual(e.bullets, ['The command `sh slow.sh` never finished.']);
  });

  it('an interrupted command is not also counted among the commands that ran', () => {
    const e = only([
      prompt('run the slow job'),
      call('s', 'ran sh slow.sh', { command: 'sh slow.sh' }),
      result('s', { isError: true, outcome: 'interrupted' }),
      call('l', 'ran ls', { command: 'ls' }),
      result('l'),
    ]);
    assert.equal(e.summary, 'Ran one command without changing a file. One call was interrupted or never finished.');
    assert.deepEqual(e.bullets, ['The command `sh slow.sh` was interrupted.', 'Ran 1 other shell command.']);
  });

  it('the reply of a later, finished turn names the window though an earlier turn was interrupted', () => {
    const e = only([
      prompt('run the slow job'),
      call('s', 'ran sh slow.sh', { command: 'sh slow.sh' }),
      result('s', { isError: true, outcome: 'interrupted' }),
      prompt('write notes.txt', 4),
      call('w', 'created notes.txt', { tool: 'Write', files: [{ path: 'notes.txt', op: 'created' }] }),
      result('w'),
      reply('Wrote notes.txt.', 'm2'),
    ]);
    assert.equal(e.label, 'Wrote notes.txt');
  });

  it('a result sentence too long for a label gives its first clause; a failed move names both paths as code', () => {
    const e = only([
      prompt('tidy up'),
      call('m', 'moved NOTES.md to docs/NOTES.md', {
        files: [{ path: 'docs/NOTES.md', op: 'moved', from: 'NOTES.md' }],
      }),
      result('m'),
      call('g', 'moved ghost.js to spirit.js', { command: 'git mv ghost.js spirit.js' }),
      result('g', { isError: true, exitCode: 128 }),
      reply(
        'NOTES.md is now docs/NOTES.md; scratch/plan.txt was written and removed again with its folder; hello.txt says hello.',
      ),
    ]);
    assert.equal(e.label, 'NOTES.md is now docs/NOTES.md');
    assert.ok(e.bullets.includes('The move of `ghost.js` to `spirit.js` failed (exit 128).'), e.bullets.join(' | '));
  });

  it('a long result sentence that opens with what failed is labelled by what was achieved', () => {
    const e = only([
      prompt('fix the greeting'),
      call('p', 'edited app.txt', { tool: 'apply_patch', files: [{ path: 'app.txt', op: 'modified' }] }),
      result('p', { isError: true, outcome: 'failed', reason: 'expected lines not found' }),
      call('q', 'edited app.txt', { tool: 'apply_patch', files: [{ path: 'app.txt', op: 'modified' }] }),
      result('q'),
      reply(
        'The first patch did not apply (app.txt says "hello there", not "hello world"); the retry added the comma and the test passes.',
      ),
    ]);
    assert.equal(e.label, 'The retry added the comma and the test passes');
  });

  it('a label never ends inside a code span: a clause is not cut at a colon within backticks, nor a long label mid-span', () => {
    // Corpus codemie-code 019e1625: the label read "Implemented the default context compaction setting as `threshold".
    const e = only([
      prompt('set the default compaction'),
      call('w', 'edited src/plugin.ts', { tool: 'Edit', files: [{ path: 'src/plugin.ts', op: 'modified' }] }),
      result('w'),
      reply(
        'Implemented the default context compaction setting as `threshold: 0.9` in the generated OpenCode config that gets passed through `OPENCODE_CONFIG_CONTENT`.',
      ),
    ]);
    assert.equal((e.label.match(/`/g) ?? []).length % 2, 0, e.label);
    assert.match(e.label, /^Implemented the default context compaction setting as `threshold: 0\.9`/);
    const long = only([
      prompt('rename it'),
      call('w', 'edited a.ts', { tool: 'Edit', files: [{ path: 'a.ts', op: 'modified' }] }),
      result('w'),
      reply(
        'Renamed the helper everywhere to `makeTheVeryLongConfigurationLoaderFunctionNameForEveryone` and nothing else.',
      ),
    ]);
    assert.ok(long.label.length <= LABEL_MAX, long.label);
    assert.equal((long.label.match(/`/g) ?? []).length % 2, 0, long.label);
    // A span closed between the last word break and the cut is whole in what is kept: nothing to close.
    const closed = only([
      prompt('rename it'),
      call('w', 'edited a.ts', { tool: 'Edit', files: [{ path: 'a.ts', op: 'modified' }] }),
      result('w'),
      reply(
        `Renamed \`${'a'.repeat(30)} ${'b'.repeat(26)}\`-based loaders everywhere in the code base and nothing else.`,
      ),
    ]);
    assert.ok(closed.label.length <= LABEL_MAX, closed.label);
    assert.equal((closed.label.match(/`/g) ?? []).length % 2, 0, closed.label);
    // Corpus codemie-code turn-spawn-skill: a label that opens with a long command keeps the command.
    const stuck = only([
      prompt('go on'),
      call('s', "ran sed -n '1,50p' /home/user/.codex/plugins/cache/superpowers/skills/brainstorming/SKILL.md", {
        command: "sed -n '1,50p' /home/user/.codex/plugins/cache/superpowers/skills/brainstorming/SKILL.md",
      }),
    ]);
    assert.ok(stuck.label.length <= LABEL_MAX, stuck.label);
    assert.match(stuck.label, /^The command `sed -n '1,50p' \/home\/user\/.*…`$/);
  });

  it('a reply longer than the window keeps is read from its start, and its end still decides whether it finished', () => {
    // Corpus codemie-code 019e1695: a 9 KB reply was kept by its last 2,000 characters and the label read "Nce demo elements".
    const middle =
      ' Also covered the budget cards, the cost centres and the member tracking in the walkthrough.'.repeat(40);
    const work = [
      prompt('write the demo script'),
      call('w', 'created demo.md', { tool: 'Write', files: [{ path: 'demo.md', op: 'created' }] }),
      result('w'),
    ];
    const done = only([...work, reply(`Wrote the governance demo script in demo.md.${middle} That is all of it.`)]);
    assert.equal(done.label, 'Wrote the governance demo script in demo.md');
    assert.match(done.notes ?? '', /^Wrote the governance demo script/);
    const cut = only([
      ...work,
      reply(`Wrote the governance demo script in demo.md.${middle} Let me check the links next.`),
    ]);
    assert.equal(cut.notes, null);
  });

  it("a typographic apostrophe (couldn’t) reads as a failure report, as couldn't does", () => {
    const work = [
      prompt('check the tab'),
      call('w', 'created notes.md', { tool: 'Write', files: [{ path: 'notes.md', op: 'created' }] }),
      result('w'),
    ];
    for (const q of ['’', "'"]) {
      const e = only([
        ...work,
        reply(
          `I couldn${q}t directly inspect your already-open Chrome tab: wrote what the in-app browser shows into notes.md instead, with the steps to reproduce.`,
        ),
      ]);
      assert.equal(e.label, 'Wrote what the in-app browser shows into notes.md instead, with the…', q);
    }
  });

  it('reads a final reply past its markdown and a bare "task completed", and counts failed lookups in one sentence', () => {
    const work = [
      prompt('write hello.sh'),
      call('w', 'created hello.sh', { tool: 'Write', files: [{ path: 'hello.sh', op: 'created' }] }),
      result('w'),
    ];
    assert.equal(
      only([
        ...work,
        reply('I have fully completed the task.\n\n**Summary:** Created hello.sh, a script that prints Hello world.'),
      ]).label,
      'Created hello.sh, a script that prints Hello world',
    );
    assert.equal(
      only([...work, reply('## Beads Created\nEpic `spotter-0p7` with three tasks.')]).label,
      'Beads Created Epic `spotter-0p7` with three tasks',
    );
    const reads = ['a.ex', 'b.ex', 'c.ex'].flatMap((f, i) => [
      call(`r${i}`, `[Explore] read ${f}`, { tool: 'Read' }),
      result(`r${i}`, { isError: true, outcome: 'interrupted', reason: 'parallel call failed' }),
    ]);
    const e = only([...work, ...reads, reply('Created hello.sh.')]);
    assert.deepEqual(e.bullets, ['Created `hello.sh`.', 'Three reads or searches failed or were interrupted.']);
  });

  it('with no commit, result or prompt to name it, a window is named by the files it changed', () => {
    const e = only([
      prompt('go on'),
      call('a', 'created lib/a.ex', { tool: 'Write', files: [{ path: 'lib/a.ex', op: 'created' }] }),
      result('a'),
      call('b', 'created lib/b.ex', { tool: 'Write', files: [{ path: 'lib/b.ex', op: 'created' }] }),
      result('b'),
      call('c', 'edited lib/c.ex', { tool: 'Edit', files: [{ path: 'lib/c.ex', op: 'modified' }] }),
      result('c'),
    ]);
    assert.equal(e.label, 'Created a.ex, b.ex and 1 more file');
  });
});
