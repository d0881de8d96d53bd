import assert from 'node:assert/strict';
import {
  appendFileSync,
  closeSync,
  fstatSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { checkCursor, fingerprintAt, FingerprintSchema, type CursorPosition } from '../../src/tail/fingerprint.js';
import { readAppended, readLines, type ReadLinesOptions, type TailItem } from '../../src/tail/tail.js';
import { prng } from '../helpers.js';
import { claudeFixture } from '../claude-fixtures.js';

const recorded = claudeFixture('long');

let dir = '';
let fileCounter = 0;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'shiplog-tail-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function tmpFile(content: string | Buffer = ''): string {
  const path = join(dir, `t${fileCounter++}.jsonl`);
  writeFileSync(path, content);
  return path;
}

function collect(path: string, from = 0, opts: ReadLinesOptions = {}): TailItem[] {
  const fd = openSync(path, 'r');
  try {
    return [...readLines(fd, from, opts)];
  } finally {
    closeSync(fd);
  }
}

/** Independent oracle: complete lines of a buffer with their offsets, split the obvious way. */
function expectedItems(buf: Buffer, maxLineBytes = Number.MAX_SAFE_INTEGER): TailItem[] {
  const items: TailItem[] = [];
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] !== 0x0a) continue;
    if (i - start > maxLineBytes) {
      items.push({ kind: 'oversized', start, end: i + 1 });
    } else {
      let text = buf.subarray(start, i).toString('utf8');
      if (text.endsWith('\r')) text = text.slice(0, -1);
      items.push({ kind: 'line', text, start, end: i + 1 });
    }
    start = i + 1;
  }
  return items;
}

function multiByteText(rand: () => number, lines: number): string {
  const alphabet = ['a', 'Z', ' ', '"', '{', 'é', '日本', '😀', '👩‍💻', 'ß', '\t', '\\u00e9'];
  let out = '';
  for (let l = 0; l < lines; l++) {
    const len = Math.floor(rand() * 40);
    for (let i = 0; i < len; i++) out += alphabet[Math.floor(rand() * alphabet.length)] ?? '';
    out += rand() < 0.2 ? '\r\n' : '\n';
  }
  return out;
}

/**
 * Appends `content` to a fresh file in random cuts (so cuts fall mid-line and mid-UTF-8 sequence),
 * reading after each append from the cursor as a worker would, and returns everything read.
 */
function tailWhileAppending(
  content: Buffer,
  seed: number,
  opts: (rand: () => number) => ReadLinesOptions,
  maxCut: number,
): TailItem[] {
  const rand = prng(seed);
  const path = tmpFile();
  const fd = openSync(path, 'r');
  try {
    const seen: TailItem[] = [];
    let cursor = 0;
    for (let written = 0; written < content.length; ) {
      const cut = Math.min(content.length - written, 1 + Math.floor(rand() * maxCut));
      appendFileSync(path, content.subarray(written, written + cut));
      written += cut;
      for (const item of readLines(fd, cursor, opts(rand))) {
        assert.equal(item.start, cursor, `seed ${seed}: each item starts at the previous end`);
        seen.push(item);
        cursor = item.end;
      }
    }
    return seen;
  } finally {
    closeSync(fd);
  }
}

describe('readLines', () => {
  it('yields complete lines with byte offsets, empty lines included', () => {
    const path = tmpFile('a\nbé\n\nccc\n');
    assert.deepEqual(collect(path), [
      { kind: 'line', text: 'a', start: 0, end: 2 },
      { kind: 'line', text: 'bé', start: 2, end: 6 },
      { kind: 'line', text: '', start: 6, end: 7 },
      { kind: 'line', text: 'ccc', start: 7, end: 11 },
    ]);
  });

  it('does not yield a partial last line, and yields it whole once completed', () => {
    const path = tmpFile('{"a":1}\n{"b":');
    const first = collect(path);
    assert.deepEqual(first, [{ kind: 'line', text: '{"a":1}', start: 0, end: 8 }]);
    const cursor = first.at(-1)?.end ?? 0;
    assert.deepEqual(collect(path, cursor), []);

    appendFileSync(path, '2}\n{"c"');
    assert.deepEqual(collect(path, cursor), [{ kind: 'line', text: '{"b":2}', start: 8, end: 16 }]);
  });

  it('handles \\r\\n, a lone \\r, and \\r\\n split across reads', () => {
    const path = tmpFile('a\r\nb\r\n\r\nx\ry\n\r');
    const want = [
      { kind: 'line', text: 'a', start: 0, end: 3 },
      { kind: 'line', text: 'b', start: 3, end: 6 },
      { kind: 'line', text: '', start: 6, end: 8 },
      { kind: 'line', text: 'x\ry', start: 8, end: 12 },
    ];
    assert.deepEqual(collect(path), want);
    for (const chunkBytes of [1, 2, 3]) assert.deepEqual(collect(path, 0, { chunkBytes }), want);
  });

  it('yields nothing for an empty file or when fromOffset is the size', () => {
    assert.deepEqual(collect(tmpFile()), []);
    const path = tmpFile('one\ntwo\n');
    assert.deepEqual(collect(path, 8), []);
    assert.deepEqual(collect(path, 4), [{ kind: 'line', text: 'two', start: 4, end: 8 }]);
  });

  it('refuses a fromOffset past the end instead of hiding the truncation', () => {
    const path = tmpFile('one\n');
    assert.throws(() => collect(path, 5), RangeError);
    assert.throws(() => collect(path, -1), RangeError);
    assert.throws(() => collect(path, 0, { chunkBytes: 0 }), RangeError);
  });

  it('stops at endOffset', () => {
    const path = tmpFile('one\ntwo\nthree\n');
    assert.deepEqual(collect(path, 0, { endOffset: 10 }), [
      { kind: 'line', text: 'one', start: 0, end: 4 },
      { kind: 'line', text: 'two', start: 4, end: 8 },
    ]);
  });

  it('reads only bytes present when iteration starts', () => {
    const path = tmpFile('one\n');
    const fd = openSync(path, 'r');
    try {
      const gen = readLines(fd, 0);
      assert.deepEqual(gen.next().value, { kind: 'line', text: 'one', start: 0, end: 4 });
      appendFileSync(path, 'two\n');
      assert.equal(gen.next().done, true);
    } finally {
      closeSync(fd);
    }
  });

  it('gives the same lines for any chunk size, including 7 bytes and 1 byte', () => {
    const content = Buffer.from(multiByteText(prng(1), 300));
    const path = tmpFile(content);
    const want = expectedItems(content);
    assert.ok(want.length === 300);
    for (const chunkBytes of [1, 7, 64, 4096, 1 << 20]) {
      assert.deepEqual(collect(path, 0, { chunkBytes }), want, `chunkBytes ${chunkBytes}`);
    }
  });

  it('appending in random cuts mid-line and mid-UTF-8 yields exactly the lines of one full read', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const content = Buffer.from(multiByteText(prng(seed * 7919), 200));
      const seen = tailWhileAppending(
        content,
        seed,
        (r) => ({ chunkBytes: r() < 0.5 ? 7 : 1 + Math.floor(r() * 100) }),
        30,
      );
      const finalPath = tmpFile(content);
      assert.deepEqual(seen, collect(finalPath), `seed ${seed}`);
      assert.deepEqual(seen, expectedItems(content), `seed ${seed}`);
      for (const item of seen) {
        if (item.kind === 'line') assert.ok(!item.text.includes('\uFFFD'), `seed ${seed}: corrupted ${item.text}`);
      }
    }
  });

  it('tails a real Claude Code transcript appended in random cuts', () => {
    const bytes = readFileSync(recorded);
    const oneRead = collect(recorded);
    assert.deepEqual(oneRead, expectedItems(bytes));
    assert.equal(oneRead.at(-1)?.end, bytes.length);
    for (const item of oneRead) {
      if (item.kind === 'line' && item.text !== '') assert.doesNotThrow(() => JSON.parse(item.text));
    }
    for (const seed of [11, 12]) {
      const seen = tailWhileAppending(
        bytes,
        seed,
        (r) => ({ chunkBytes: r() < 0.5 ? 7 : 1 + Math.floor(r() * 5000) }),
        3000,
      );
      assert.deepEqual(seen, oneRead, `seed ${seed}`);
    }
  });

  describe('oversized lines', () => {
    const cap = 1024;
    const big = 'x'.repeat(1 << 20);
    const content = Buffer.from(`before\n${big}\nafter é\n`);
    const bigStart = 7;
    const bigEnd = bigStart + big.length + 1;
    const want: TailItem[] = [
      { kind: 'line', text: 'before', start: 0, end: bigStart },
      { kind: 'oversized', start: bigStart, end: bigEnd },
      { kind: 'line', text: 'after é', start: bigEnd, end: content.length },
    ];

    it('skips a 1 MiB line once, with its offsets, whether it fits one chunk or spans many', () => {
      const path = tmpFile(content);
      for (const chunkBytes of [7, 1000, 4096, 65536, 2 << 20]) {
        assert.deepEqual(collect(path, 0, { maxLineBytes: cap, chunkBytes }), want, `chunkBytes ${chunkBytes}`);
      }
      assert.deepEqual(collect(path, 0, { maxLineBytes: cap }), want);
    });

    it('counts maxLineBytes without the newline', () => {
      const atCap = 'a'.repeat(cap);
      const path = tmpFile(`${atCap}\n${atCap}b\n${atCap}`);
      for (const chunkBytes of [7, 1024, 1025, 4096]) {
        assert.deepEqual(
          collect(path, 0, { maxLineBytes: cap, chunkBytes }),
          [
            { kind: 'line', text: atCap, start: 0, end: cap + 1 },
            { kind: 'oversized', start: cap + 1, end: 2 * cap + 3 },
          ],
          `chunkBytes ${chunkBytes}`,
        );
      }
    });

    it('yields nothing for an oversized partial line at EOF, and reports it once completed', () => {
      const path = tmpFile(`before\n${big}`);
      for (const chunkBytes of [7, 4096, 2 << 20]) {
        assert.deepEqual(collect(path, 0, { maxLineBytes: cap, chunkBytes }), [want[0]]);
        assert.deepEqual(collect(path, bigStart, { maxLineBytes: cap, chunkBytes }), []);
      }
      appendFileSync(path, '\nafter é\n');
      assert.deepEqual(collect(path, bigStart, { maxLineBytes: cap, chunkBytes: 4096 }), want.slice(1));
    });

    it('is reported identically when tailed while it is being written', () => {
      const seen = tailWhileAppending(content, 21, () => ({ maxLineBytes: cap, chunkBytes: 4096 }), 200_000);
      assert.deepEqual(seen, want);
    });
  });

  it('keeps memory bounded for a 40 MiB line with a 1 MiB cap', () => {
    const lineBytes = 40 << 20;
    const path = tmpFile('a\n');
    // Written in 1 MiB pieces so the test itself never holds the line either.
    const piece = Buffer.alloc(1 << 20, 'y');
    const wfd = openSync(path, 'a');
    try {
      for (let i = 0; i < lineBytes / piece.length; i++) writeSync(wfd, piece);
      writeSync(wfd, '\nb\n');
    } finally {
      closeSync(wfd);
    }

    const baseline = process.memoryUsage().arrayBuffers;
    let peak = baseline;
    const items: TailItem[] = [];
    const fd = openSync(path, 'r');
    try {
      for (const item of readLines(fd, 0, { maxLineBytes: 1 << 20 })) {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
        items.push(item);
      }
    } finally {
      closeSync(fd);
    }
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);

    assert.deepEqual(items, [
      { kind: 'line', text: 'a', start: 0, end: 2 },
      { kind: 'oversized', start: 2, end: 3 + lineBytes },
      { kind: 'line', text: 'b', start: 3 + lineBytes, end: 5 + lineBytes },
    ]);
    // Buffers are at most chunk (1 MiB) + cap (1 MiB); 8 MiB leaves room for unrelated garbage
    // while staying far below the 40 MiB a whole-line buffer would need.
    assert.ok(peak - baseline < 8 << 20, `arrayBuffers grew by ${peak - baseline} bytes`);
  });

  it('readAppended opens, reads and closes by path', () => {
    const path = tmpFile('one\ntwo\npart');
    assert.deepEqual([...readAppended(path, 4)], [{ kind: 'line', text: 'two', start: 4, end: 8 }]);
    for (const item of readAppended(path, 0)) {
      assert.equal(item.end, 4);
      break;
    }
  });
});

describe('fingerprint', () => {
  function bigContent(lines: number): Buffer {
    let s = '';
    for (let i = 0; i < lines; i++) s += `${JSON.stringify({ i, text: `line ${i} é 日本 😀` })}\n`;
    return Buffer.from(s);
  }

  function cursorAt(path: string, offset: number): CursorPosition {
    const fd = openSync(path, 'r');
    try {
      return { offset, inode: fstatSync(fd).ino, ...fingerprintAt(fd, offset) };
    } finally {
      closeSync(fd);
    }
  }

  function check(path: string, cursor: CursorPosition): ReturnType<typeof checkCursor> {
    const fd = openSync(path, 'r');
    try {
      return checkCursor(fd, cursor);
    } finally {
      closeSync(fd);
    }
  }

  function overwriteByte(path: string, at: number): void {
    const fd = openSync(path, 'r+');
    try {
      assert.ok(fstatSync(fd).size > at);
      writeSync(fd, Buffer.from('#'), 0, 1, at);
    } finally {
      closeSync(fd);
    }
  }

  it('hashes the head and tail windows as 32 hex chars', () => {
    const path = tmpFile(bigContent(1000));
    const fp = cursorAt(path, 20_000);
    assert.doesNotThrow(() => FingerprintSchema.parse({ headHash: fp.headHash, tailHash: fp.tailHash }));
    assert.notEqual(fp.headHash, fp.tailHash);
    const small = cursorAt(path, 100);
    assert.equal(small.headHash, small.tailHash);
  });

  it('refuses to fingerprint past the end of the file', () => {
    const path = tmpFile('abc\n');
    const fd = openSync(path, 'r');
    try {
      assert.throws(() => fingerprintAt(fd, 5), RangeError);
    } finally {
      closeSync(fd);
    }
  });

  it('is ok after an append, for small and large offsets', () => {
    const content = bigContent(1000);
    assert.ok(content.length > 20_000);
    const path = tmpFile(content);
    const cursors = [10, 4096, 5000, 20_000, content.length].map((o) => cursorAt(path, o));
    appendFileSync(path, '{"more":true}\n');
    for (const c of cursors) assert.deepEqual(check(path, c), { kind: 'ok' }, `offset ${c.offset}`);
  });

  it('offset 0 is always ok', () => {
    const path = tmpFile('');
    assert.deepEqual(check(path, { offset: 0, inode: 12345, headHash: 'x', tailHash: 'y' }), { kind: 'ok' });
  });

  it('reports truncated when the file is shorter than the cursor', () => {
    const path = tmpFile(bigContent(1000));
    const cursor = cursorAt(path, 20_000);
    truncateSync(path, 19_999);
    assert.deepEqual(check(path, cursor), { kind: 'resync', reason: 'truncated' });
    truncateSync(path, 0);
    assert.deepEqual(check(path, cursor), { kind: 'resync', reason: 'truncated' });
  });

  it('reports rewritten when a byte in the head or tail window changes', () => {
    for (const at of [0, 100, 4095, 20_000 - 4096, 19_990, 19_999]) {
      const path = tmpFile(bigContent(1000));
      const cursor = cursorAt(path, 20_000);
      overwriteByte(path, at);
      assert.deepEqual(check(path, cursor), { kind: 'resync', reason: 'rewritten' }, `byte ${at}`);
    }
  });

  it('ignores changes after the cursor, and (by design, O(1)) between the two windows', () => {
    for (const at of [20_000, 25_000, 10_000]) {
      const path = tmpFile(bigContent(1000));
      const cursor = cursorAt(path, 20_000);
      overwriteByte(path, at);
      assert.deepEqual(check(path, cursor), { kind: 'ok' }, `byte ${at}`);
    }
  });

  it('reports replaced when the path now names a new file with identical content', () => {
    const content = bigContent(1000);
    const path = tmpFile(content);
    const cursor = cursorAt(path, 20_000);
    // Holding the old file open and creating the new one before it goes away guarantees the
    // inode cannot be reused.
    const oldFd = openSync(path, 'r');
    try {
      const replacement = `${path}.new`;
      writeFileSync(replacement, content);
      renameSync(replacement, path);
      assert.notEqual(cursorAt(path, 20_000).inode, cursor.inode);
      assert.deepEqual(check(path, cursor), { kind: 'resync', reason: 'replaced' });
      assert.deepEqual(check(path, { ...cursor, inode: null }), { kind: 'ok' });
      assert.deepEqual(checkCursor(oldFd, cursor), { kind: 'ok' });
    } finally {
      closeSync(oldFd);
    }
  });
});
