import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliError, UsageError } from '../../src/cli/errors.js';
import { UserPatternError } from '../../src/config/safe-regex.js';
import { TrustStoreError } from '../../src/config/trust.js';
import { ConcurrentEditError } from '../../src/install/config-file.js';
import { SettingsError } from '../../src/install/hook-settings.js';
import { JsonTextError } from '../../src/install/json-text.js';
import { ConfigEditError } from '../../src/install/toml-text.js';
import { isErrno } from '../../src/kit/errno.js';
import { ShiplogError } from '../../src/kit/shiplog-error.js';
import { OutputError } from '../../src/output/output-error.js';
import { StateDbBusy } from '../../src/state/db-errors.js';
import { RowError } from '../../src/state/rows.js';
import { DocumentError } from '../../src/tail/document.js';
import { RunError } from '../../src/worker/run-error.js';

describe('ShiplogError', () => {
  it('carries its code and the cause it wraps', () => {
    const cause = new Error('EACCES underneath');
    const err = new ShiplogError('ESOMETHING', 'it went wrong', { cause });
    assert.equal(err.code, 'ESOMETHING');
    assert.equal(err.message, 'it went wrong');
    assert.equal(err.cause, cause);
    assert.ok(err instanceof Error);
    assert.ok(isErrno(err), 'a test for one code matches a ShiplogError as it does a system error');
  });

  it('has no cause unless given one', () => {
    assert.equal('cause' in new ShiplogError('ECODE', 'no cause'), false);
  });

  it('is the base of a subclass, which keeps its own name, message and code', () => {
    const cause = new Error('ELOOP');
    const err = new OutputError('x is a symlink', 'ESYMLINK', { cause });
    assert.ok(err instanceof ShiplogError);
    assert.ok(err instanceof OutputError);
    assert.equal(err.name, 'OutputError');
    assert.equal(err.message, 'x is a symlink');
    assert.equal(err.code, 'ESYMLINK');
    assert.equal(err.cause, cause);
    assert.match(String(err.stack), /^OutputError: x is a symlink\n/);
  });

  it('is the base of every error class shiplog defines, each with the name it had before', () => {
    const cause = new Error('under');
    const cases: [ShiplogError, string, string][] = [
      [new CliError('m', 'hint'), 'CliError', 'ECLI'],
      [new UsageError('m', 'hint'), 'UsageError', 'ECLI'],
      [new UserPatternError('m', { cause }), 'Error', 'EBADPATTERN'],
      [new TrustStoreError('m', { cause }), 'Error', 'EBADTRUSTSTORE'],
      [new ConcurrentEditError('/f'), 'ConcurrentEditError', 'ECONCURRENTEDIT'],
      [new SettingsError('m', '/f'), 'SettingsError', 'EBADSETTINGS'],
      [new JsonTextError('m', 1, 2), 'JsonTextError', 'EBADJSON'],
      [new ConfigEditError('m', { cause }), 'ConfigEditError', 'ECONFIGEDIT'],
      [new OutputError('m', 'EOWNER'), 'OutputError', 'EOWNER'],
      [new StateDbBusy('a write', 8, { cause }), 'StateDbBusy', 'EDBBUSY'],
      [new RowError('m'), 'Error', 'EBADROW'],
      [new DocumentError('m', 'ETOOBIG'), 'DocumentError', 'ETOOBIG'],
      [new RunError('m', 'ENOREPO', { cause }), 'RunError', 'ENOREPO'],
    ];
    for (const [err, name, code] of cases) {
      assert.ok(err instanceof ShiplogError, name);
      assert.equal(err.name, name);
      assert.equal(err.code, code, name);
    }
  });

  it('keeps the fields a class had beside its code', () => {
    const json = new JsonTextError('bad', 3, 7);
    assert.deepEqual([json.line, json.column], [3, 7]);
    assert.equal(new SettingsError('bad', '/s.json').file, '/s.json');
    assert.equal(new ConcurrentEditError('/c.toml').message, '/c.toml changed while shiplog was editing it');
    assert.equal(new CliError('bad', 'do this').hint, 'do this');
    assert.equal(
      new StateDbBusy('a write', 8, { cause: null }).message,
      'state database stayed busy through 8 attempts at a write',
    );
  });
});
