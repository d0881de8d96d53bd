import assert from 'node:assert/strict';
import { it } from 'node:test';
import { firstLine, firstNonBlankLine, oneLine } from '../../src/kit/text-lines.js';

it('oneLine collapses every whitespace run, newlines included, and trims the ends', () => {
  assert.equal(oneLine('  npm\ttest \r\n  -- --watch\n'), 'npm test -- --watch');
  assert.equal(oneLine('a\u00a0\u2003b'), 'a b', 'Unicode spaces count as whitespace');
  assert.equal(oneLine(' \n\t '), '');
});

it('firstLine is the first line however blank; firstNonBlankLine skips to the first with text', () => {
  const text = '\n  \nerror: no such file\r\nsecond line\n';
  assert.equal(firstLine(text), '', 'a message that opens with a newline has an empty subject');
  assert.equal(firstNonBlankLine(text), 'error: no such file');
  assert.equal(firstLine('Fix   the\tparser\r\n\nLonger body'), 'Fix the parser');
  assert.equal(firstNonBlankLine('  keeps  inner   spaces  \n'), 'keeps  inner   spaces', 'only the ends are trimmed');
  assert.equal(firstNonBlankLine(''), '');
});
