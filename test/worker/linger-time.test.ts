import assert from 'node:assert/strict';
import { it } from 'node:test';
import { LINGER_FLOOR_MS, lingerFor } from '../../src/worker/linger.js';

const now = Date.parse('2026-01-01T12:00:00Z');
const ago = (ms: number) => new Date(now - ms).toISOString();

it('an idle worker lingers twice its session’s last gap, between a floor and the setting', () => {
  assert.equal(lingerFor(120_000, null, now), 120_000, 'a first run has no gap: the whole setting');
  assert.equal(lingerFor(120_000, ago(30_000), now), 60_000);
  assert.equal(lingerFor(120_000, ago(2_000), now), LINGER_FLOOR_MS, 'quick turns still get time to read and answer');
  assert.equal(lingerFor(120_000, ago(10 * 60_000), now), 120_000, 'never past the setting');
  assert.equal(lingerFor(0, ago(30_000), now), 0, 'linger_seconds = 0 still means leave at once');
  assert.equal(lingerFor(120_000, 'not a time', now), 120_000);
});
