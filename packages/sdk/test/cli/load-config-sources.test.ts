import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString } from 'class-validator';
import { ConfigError, Destination, ExportBatch, Setting } from '../../src/index';
import { resolveDestination } from '../../src/testing/index';
import { loadConfigSources } from '../../src/cli/load-config-sources';

function files(contents: Record<string, string>) {
  return (path: string) => {
    const text = contents[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return text;
  };
}

const noArgs = { configFiles: [] as string[], configJson: undefined, settingsFile: undefined };

function makeDestination() {
  class MergeConfig {
    @Setting({ name: 'host' }) @IsString() host = 'localhost';
    @Setting({ name: 'port' }) @Type(() => Number) @IsInt() port = 5432;
    @Setting({ name: 'ssl' }) @IsOptional() @IsBoolean() ssl?: boolean;
    @Setting({ name: 'password', secret: true }) @IsOptional() @IsString() password?: string;
  }
  @Destination({ name: 'dest-merge', config: MergeConfig })
  class MergeDestination {
    @ExportBatch
    write() {}
  }
  return resolveDestination(MergeDestination);
}

describe('loadConfigSources', () => {
  it('merges settings YAML, then config files in order, then the environment, then --config_json', () => {
    const definition = makeDestination();
    const readFile = files({
      's.yaml': 'config:\n  host: yaml-host\n  port: 1\n  ssl: false\n',
      'a.json': '{"host": "a-host", "port": 2}',
      'b.json': '{"port": 3, "extra": true}',
    });
    const result = loadConfigSources(
      definition,
      { configFiles: ['a.json', 'b.json'], configJson: undefined, settingsFile: 's.yaml' },
      { env: { DEST_MERGE_PORT: '4', OTHER_PORT: '9' }, readFile },
    );
    assert.deepEqual(result.raw, { host: 'a-host', port: 4, ssl: false, extra: true });
    assert.deepEqual(result.keySources, {
      host: 'a.json',
      port: 'env DEST_MERGE_PORT',
      ssl: 's.yaml',
      extra: 'b.json',
    });
    assert.equal(result.description, 's.yaml, a.json, b.json, environment');
    const withJson = loadConfigSources(
      definition,
      { configFiles: ['a.json'], configJson: '{"ssl": true}', settingsFile: 's.yaml' },
      { env: {}, readFile },
    );
    assert.deepEqual(withJson.raw, { host: 'a-host', port: 2, ssl: true });
    assert.equal(withJson.description, 'a.json, --config_json');
  });

  it('does not read --settings when --config_json is given: Mage rendered it into the JSON, and its Jinja is no YAML', () => {
    const readFile = (path: string): string => {
      assert.fail(`${path} must not be read`);
    };
    const result = loadConfigSources(
      makeDestination(),
      { configFiles: [], configJson: '{"host": "h"}', settingsFile: 'data_exporters/x.yaml' },
      { env: {}, readFile },
    );
    assert.deepEqual(result.raw, { host: 'h' });
  });

  it('says "defaults" when no source gave anything', () => {
    const result = loadConfigSources(makeDestination(), noArgs, { env: {} });
    assert.deepEqual([result.raw, result.description], [{}, 'defaults']);
  });

  it('names a missing config file without a stack', () => {
    assert.throws(
      () =>
        loadConfigSources(
          makeDestination(),
          { ...noArgs, configFiles: ['gone.json'] },
          { env: {}, readFile: files({}) },
        ),
      (error: unknown) =>
        error instanceof ConfigError && error.message === 'Cannot read config file gone.json: no such file.',
    );
  });

  it('reports where a config file stops being JSON without quoting its text', () => {
    const readFile = files({ 'c.json': '{\n  "password": "hunter2"\n  "host": "x"\n}' });
    assert.throws(
      () =>
        loadConfigSources(makeDestination(), { ...noArgs, configFiles: ['c.json'] }, { env: {}, readFile }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message ===
          'Config file c.json is not valid JSON at line 3, column 3. It must hold one JSON object.',
    );
    assert.throws(
      () => loadConfigSources(makeDestination(), { ...noArgs, configJson: 'hunter2' }, { env: {} }),
      (error: unknown) => error instanceof ConfigError && !error.message.includes('hunter2'),
    );
  });

  it('refuses a config that is not an object, and a settings file without a config key', () => {
    const readFile = files({ 'list.json': '[1, 2]', 's.yaml': 'destination: x\n' });
    assert.throws(
      () =>
        loadConfigSources(
          makeDestination(),
          { ...noArgs, configFiles: ['list.json'] },
          { env: {}, readFile },
        ),
      /Config file list\.json must hold a JSON object/,
    );
    assert.throws(
      () =>
        loadConfigSources(makeDestination(), { ...noArgs, settingsFile: 's.yaml' }, { env: {}, readFile }),
      /Settings file s\.yaml must have a `config` key/,
    );
  });

  it('reports a YAML syntax error by position only', () => {
    const readFile = files({ 's.yaml': 'config:\n  password: "hunter2\n  host: [' });
    assert.throws(
      () =>
        loadConfigSources(makeDestination(), { ...noArgs, settingsFile: 's.yaml' }, { env: {}, readFile }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /^Settings file s\.yaml is not valid YAML at line \d+, column \d+\.$/.test(error.message),
    );
  });
});
