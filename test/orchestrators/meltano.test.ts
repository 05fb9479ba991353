// Meltano's contract, from meltano/meltano (commit c139d24b):
// - src/meltano/core/plugin/singer/target.py: `SingerTarget.exec_args` is `["--config", <config file>]`, the file
//   named `target.<uuid>.config.json`; `BookmarkWriter.writeline` `json.loads` each stdout line as the bare state.
// - src/meltano/core/plugin/project_plugin.py `env_prefixes(for_writing=True)`: every setting is also exported as
//   `<NAME>_<SETTING>`, `<NAMESPACE>_<SETTING>` and `MELTANO_LOAD_<SETTING>`.
// - src/meltano/schemas/meltano.schema.json (copied to fixtures/): what a meltano.yml may say.
// The Hub's `--about` reader is meltano/hub-utils hub_utils/meltano_util.py, run as fixtures/hub_about_reader.py.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Yaml from 'yaml';
import { DEST_CSV, ROOT, runBin, tempDir, writeJson } from '../cli/support/spawn-bin';
import { ORCHESTRATOR_FIXTURES, runPython, skipWithoutPython } from './support/python';

const DEST_POSTGRES = join(ROOT, 'packages', 'dest-postgres', 'bin', 'dest-postgres.js');
const requireFromSdk = createRequire(join(ROOT, 'packages', 'sdk', 'package.json'));

/** A tap's output as a Meltano SDK tap writes it: draft-07 schema, time_extracted, partitioned state. */
const TAP_OUTPUT = [
  {
    type: 'SCHEMA',
    stream: 'issues',
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        id: { type: ['integer'] },
        title: { type: ['string', 'null'] },
        updated_at: { type: ['string', 'null'], format: 'date-time' },
      },
    },
    key_properties: ['id'],
    bookmark_properties: ['updated_at'],
  },
  {
    type: 'RECORD',
    stream: 'issues',
    record: { id: 1, title: 'First; with a semicolon', updated_at: '2024-05-01T10:00:00+00:00' },
    time_extracted: '2024-05-02T00:00:00+00:00',
  },
  {
    type: 'STATE',
    value: { bookmarks: { issues: { partitions: [{ context: { repo: 'a' }, replication_key_value: 1 }] } } },
  },
  {
    type: 'RECORD',
    stream: 'issues',
    record: { id: 2, title: null, updated_at: '2024-05-03T10:00:00+00:00' },
    time_extracted: '2024-05-04T00:00:00+00:00',
  },
  {
    type: 'STATE',
    value: { bookmarks: { issues: { partitions: [{ context: { repo: 'a' }, replication_key_value: 2 }] } } },
  },
]
  .map((m) => `${JSON.stringify(m)}\n`)
  .join('');

/** Meltano's BookmarkWriter: every stdout line is `json.loads`-ed as the new state; the last one is kept. */
function meltanoStates(stdout: string): unknown[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as unknown);
}

/** The fenced blocks of one language in a markdown text after a heading. */
function yamlBlockAfter(markdown: string, heading: string): string {
  const section = markdown.slice(markdown.indexOf(`\n${heading}\n`));
  const match = /```yaml\n([\s\S]*?)```/.exec(section);
  assert.ok(match, `a yaml block under ${heading}`);
  return match[1]!;
}

describe("dest-csv under Meltano's invocation", () => {
  it('loads with --config <target.uuid.config.json> plus <NAME>_ and MELTANO_LOAD_ variables, and every stdout line is a state', async () => {
    const dir = tempDir();
    const out = join(dir, 'output');
    // What Meltano writes: the plugin's settings with values, extras (`_dialect`) left out of the file.
    const config = writeJson(dir, 'target.0bd6a8c4-9b0e-4f3e-8a15-6ad0a1b1d2c7.config.json', {
      output_path: out,
      file_naming_scheme: '{stream_name}.csv',
    });
    const { code, stdout, stderr } = await runBin(DEST_CSV, ['--config', config], {
      input: TAP_OUTPUT,
      env: {
        DEST_CSV_OUTPUT_PATH: out,
        DEST_CSV_FILE_NAMING_SCHEME: '{stream_name}.csv',
        DEST_CSV__DIALECT: 'dest_csv',
        MELTANO_LOAD_OUTPUT_PATH: out,
        MELTANO_LOAD_DELIMITER: ';', // set only in Meltano's loader prefix: must still arrive
        MELTANO_LOAD__DIALECT: 'dest_csv',
        MELTANO_LOADER_NAMESPACE: 'dest_csv',
        MELTANO_PROJECT_ROOT: dir,
      },
    });
    assert.equal(code, 0, stderr);
    // Both states become safe at the end of the input, when the one batch is written: only the newer is emitted.
    assert.deepEqual(meltanoStates(stdout), [
      { bookmarks: { issues: { partitions: [{ context: { repo: 'a' }, replication_key_value: 2 }] } } },
    ]);
    assert.equal(
      readFileSync(join(out, 'issues.csv'), 'utf8'),
      'id;title;updated_at\r\n1;"First; with a semicolon";2024-05-01T10:00:00+00:00\r\n2;;2024-05-03T10:00:00+00:00\r\n',
    );
    assert.doesNotMatch(stderr, /Ignoring unknown config keys/);
  });
});

describe("the Meltano Hub's --about reader", () => {
  for (const [bin, name, capabilities] of [
    [DEST_CSV, 'dest-csv', ['about', 'schema-flattening']],
    [
      DEST_POSTGRES,
      'dest-postgres',
      ['about', 'activate-version', 'target-schema', 'hard-delete', 'soft-delete'],
    ],
  ] as const) {
    it(
      `reads ${name} --about --format json with every description unchanged and only Meltano capability names`,
      {
        skip: skipWithoutPython,
      },
      async () => {
        const about = await runBin(bin, ['--about', '--format', 'json']);
        assert.equal(about.code, 0, about.stderr);
        const schema = JSON.parse(about.stdout) as {
          capabilities: string[];
          settings: { properties: Record<string, { description?: string }> };
        };
        assert.deepEqual(schema.capabilities, capabilities);
        const hub = runPython(join(ORCHESTRATOR_FIXTURES, 'hub_about_reader.py'), [], about.stdout);
        assert.equal(hub.code, 0, hub.stderr);
        const read = JSON.parse(hub.stdout) as {
          settings: {
            name: string;
            description: string;
            kind: string;
            sensitive?: boolean;
            options?: unknown;
          }[];
          capabilities: string[];
        };
        assert.deepEqual(read.capabilities, capabilities);
        assert.deepEqual(
          read.settings.map((s) => s.name),
          Object.keys(schema.settings.properties),
        );
        for (const setting of read.settings) {
          // The reader "cleans" descriptions (splits at dots, capitalises sentences): ours must come through as written.
          assert.equal(
            setting.description,
            schema.settings.properties[setting.name]!.description,
            setting.name,
          );
        }
        if (name === 'dest-postgres') {
          const byName = Object.fromEntries(read.settings.map((s) => [s.name, s]));
          assert.deepEqual([byName.password!.kind, byName.password!.sensitive], ['password', true]);
          // The reader guesses secrets from the name only: it misses sqlalchemy_url (docs/command-line.md says so and
          // the documented meltano.yml marks it sensitive).
          assert.deepEqual(
            [byName.sqlalchemy_url!.kind, byName.sqlalchemy_url!.sensitive],
            ['string', undefined],
          );
          assert.deepEqual(byName.load_method!.options, [
            { label: 'Append Only', value: 'append-only' },
            { label: 'Upsert', value: 'upsert' },
            { label: 'Overwrite', value: 'overwrite' },
          ]);
        }
      },
    );
  }

  it(
    'crashes on a description holding "..." (why descriptions are plain sentences)',
    { skip: skipWithoutPython },
    () => {
      const about = {
        name: 'x',
        capabilities: ['about'],
        settings: {
          type: 'object',
          properties: { url: { type: 'string', description: 'A URL (postgres://...).' } },
        },
      };
      const hub = runPython(join(ORCHESTRATOR_FIXTURES, 'hub_about_reader.py'), [], JSON.stringify(about));
      assert.equal(hub.code, 1);
      assert.match(hub.stderr, /IndexError: list index out of range/);
    },
  );
});

describe('the documented meltano.yml', () => {
  it("validates against Meltano's meltano.schema.json and declares what --about says, less target-schema", async () => {
    const markdown = readFileSync(join(ROOT, 'docs', 'command-line.md'), 'utf8');
    const { parse } = requireFromSdk('yaml') as typeof Yaml;
    const project = parse(yamlBlockAfter(markdown, '## Meltano')) as {
      plugins: { loaders: { name: string; capabilities: string[]; settings: { name: string }[] }[] };
    };
    const Ajv2020 = (
      requireFromSdk('ajv/dist/2020') as {
        default: new (o: object) => {
          compile(s: object): ((d: unknown) => boolean) & { errors?: unknown };
        };
      }
    ).default;
    const schema = JSON.parse(
      readFileSync(join(ORCHESTRATOR_FIXTURES, 'meltano.schema.json'), 'utf8'),
    ) as object;
    // strict: false because Meltano's schema uses annotation keywords ajv does not know (`deprecated` in enums).
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    assert.equal(validate(project), true, JSON.stringify(validate.errors, null, 2));

    for (const loader of project.plugins.loaders) {
      const bin = loader.name === 'dest-csv' ? DEST_CSV : DEST_POSTGRES;
      const about = JSON.parse((await runBin(bin, ['--about'])).stdout) as {
        capabilities: string[];
        settings: { properties: Record<string, unknown> };
      };
      assert.deepEqual(
        loader.capabilities,
        about.capabilities.filter((c) => c !== 'target-schema'),
        loader.name,
      );
      for (const setting of loader.settings) {
        assert.ok(setting.name in about.settings.properties, `${loader.name} has a setting ${setting.name}`);
      }
    }
  });
});
