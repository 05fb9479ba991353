import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deriveNames } from '../src/names';

describe('deriveNames', () => {
  it('derives class, file and environment names, dropping a leading dest- or target-', () => {
    assert.deepEqual(deriveNames('dest-big-query'), {
      packageName: 'dest-big-query',
      binName: 'dest-big-query',
      stem: 'BigQuery',
      className: 'BigQueryDestination',
      configName: 'BigQueryConfig',
      fileStem: 'big-query-destination',
      envPrefix: 'DEST_BIG_QUERY_',
    });
    const scoped = deriveNames('@acme/target-duck');
    assert.ok(typeof scoped !== 'string');
    assert.equal(scoped.packageName, '@acme/target-duck');
    assert.equal(scoped.binName, 'target-duck');
    assert.equal(scoped.className, 'DuckDestination');
    assert.equal(scoped.envPrefix, 'TARGET_DUCK_');
    assert.ok(typeof deriveNames('snowflake') !== 'string');
  });

  it('refuses names that cannot be a package, folder and bin name, saying what to use', () => {
    for (const bad of ['Dest-Foo', '../evil', 'dest foo', 'dest-', '-dest', 'dest_foo', '']) {
      assert.match(deriveNames(bad) as string, /cannot be the package name: use lower-case letters/, bad);
    }
    assert.match(deriveNames('dest-9lives') as string, /class name starting with a digit/);
  });
});
