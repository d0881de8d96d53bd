import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChangelogEntry } from '../../../src/changelog/schema.js';
import { addSections, code, inline, renderSection } from '../../../src/output/sinks/changelog-md-text.js';

function entry(runId: string, over: Partial<ChangelogEntry> = {}): ChangelogEntry {
  return ChangelogEntry.parse({
    schema_version: 1,
    run_id: runId,
    created_at: '2026-01-02T11:31:00.000Z',
    tool: 'claude',
    actor: 'me',
    project: 'repo',
    project_root: '/r/repo',
    label: `Work ${runId}`,
    start: '2026-01-02T10:00:00.000Z',
    end: '2026-01-02T11:30:00.000Z',
    continuation_of_run_id: null,
    transcript: { session_id: 's-1', source_jsonl: '/t/s-1.jsonl', window_index: 0, close_reason: 'session-end' },
    summary: `Did ${runId}.`,
    bullets: ['first thing'],
    tags: [],
    touched_files: { created: [], modified: [], deleted: [], moved: [] },
    tests: [],
    commits: [],
    notes: null,
    ...over,
  });
}

describe('changelog.md text', () => {
  it('renders an entry as a section a person reads: label, when, summary, bullets, files, tests, commits', () => {
    const e = entry('r1', {
      label: 'Add the outbox',
      summary: 'Windows now go out through sinks.',
      bullets: ['entries.jsonl is a sink', 'failures.jsonl is a sink'],
      tags: ['output'],
      touched_files: {
        created: ['src/output/outbox.ts'],
        modified: ['src/db.ts'],
        deleted: [],
        moved: [{ from: 'a.ts', to: 'b.ts' }],
      },
      tests: [{ cmd: 'npm test', result: 'pass' }],
      commits: [{ hash: '0123456789abcdef0123', message: 'outbox' }],
      notes: 'One more sink to come.',
    });
    assert.equal(
      renderSection(e),
      [
        '<!-- shiplog:entry r1 -->',
        '## Add the outbox',
        '',
        '_2026-01-02 10:00–11:30 UTC · claude session `s-1`, window 0_',
        '',
        'Windows now go out through sinks.',
        '',
        '- entries.jsonl is a sink',
        '- failures.jsonl is a sink',
        '',
        '**Files:** created `src/output/outbox.ts`; modified `src/db.ts`; moved `a.ts` → `b.ts`',
        '',
        '**Tests:** `npm test` (pass)',
        '',
        '**Commits:** `0123456789ab` outbox',
        '',
        '**Tags:** output',
        '',
        '**Notes:** One more sink to come.',
        '',
      ].join('\n'),
    );
  });

  it('a new file gets a heading; later entries go on top (newest first); what is there is kept byte for byte', () => {
    const first = addSections(null, 'me', [entry('a'), entry('b')]);
    assert.deepEqual(first.added, [true, true]);
    assert.ok(first.text.startsWith('# Changelog: me\n\n'));
    assert.ok(first.text.indexOf('Work b') < first.text.indexOf('Work a'), 'b closed after a: it comes first');
    const edited = first.text.replace('# Changelog: me', '# My own title\n\nA note I wrote.');
    const second = addSections(edited, 'me', [entry('c')]);
    assert.deepEqual(second.added, [true]);
    assert.ok(second.text.startsWith('# My own title\n\nA note I wrote.'), 'the edited heading stays');
    assert.ok(second.text.endsWith(first.text.slice(first.text.indexOf('<!--'))), 'the older sections are untouched');
    const order = ['Work c', 'Work b', 'Work a'].map((l) => second.text.indexOf(l));
    assert.deepEqual(
      [...order].sort((x, y) => x - y),
      order,
    );
  });

  it('adds each run_id once: entries it has, or that come twice, are not added again', () => {
    const once = addSections(null, 'me', [entry('a')]);
    const again = addSections(once.text, 'me', [entry('a'), entry('b'), entry('b')]);
    assert.deepEqual(again.added, [false, true, false]);
    assert.equal(again.text.split('<!-- shiplog:entry b -->').length, 2);
    const same = addSections(again.text, 'me', [entry('a'), entry('b')]);
    assert.deepEqual(same.added, [false, false]);
    assert.equal(same.text, again.text);
  });

  it('text from a transcript cannot forge a marker, inject HTML or break the page structure', () => {
    const hostile = entry('h', {
      label: '# <script>alert(1)</script>',
      summary: 'line one\n<!-- shiplog:entry a -->\n- not a list',
      bullets: ['1. not ordered', '_emph_ and snake_case_name', '[link](http://x) `code`'],
      touched_files: { created: ['we`ird` name'], modified: [], deleted: [], moved: [] },
    });
    const text = renderSection(hostile);
    const markers = text.split('\n').filter((l) => l.startsWith('<!--'));
    assert.deepEqual(markers, ['<!-- shiplog:entry h -->'], 'the only marker line is its own');
    const content = text.split('\n').slice(1).join('\n');
    assert.ok(!/(^|[^\\])</m.test(content), `every < is escaped: no tag can open\n${text}`);
    assert.match(text, /^## \\# \\<script\\>alert\(1\)\\<\/script\\>$/m);
    assert.match(text, /^line one \\<!-- shiplog:entry a --\\> - not a list$/m, 'newlines folded, tags escaped');
    assert.match(text, /^- 1\\\. not ordered$/m);
    assert.match(text, /^- \\_emph\\_ and snake_case_name$/m);
    assert.match(text, /^- \\\[link\\\]\(http:\/\/x\) \\`code\\`$/m);
    assert.match(text, /created ``we`ird` name``/);
    // A file holding the hostile section still counts `a` as absent.
    assert.deepEqual(addSections(addSections(null, 'me', [hostile]).text, 'me', [entry('a')]).added, [true]);
  });

  it('inline and code escape what they must and nothing more', () => {
    assert.equal(inline('  plain   text\nover lines '), 'plain text over lines');
    assert.equal(inline('- dash'), '\\- dash');
    assert.equal(inline('12) twelve'), '12\\) twelve');
    assert.equal(inline('a_b_c'), 'a_b_c');
    assert.equal(code('x'), '`x`');
    assert.equal(code('a ``b``'), '``` a ``b`` ```');
    assert.equal(code('`tick'), '`` `tick ``');
  });
});
