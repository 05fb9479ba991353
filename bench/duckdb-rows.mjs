// The dest-duckdb rows of the benchmark, added to bench/run.mjs's table by one hook there:
//   (dd)  dest-duckdb, load_method append-only, into a fresh database file;
//   (ddu) dest-duckdb, load_method upsert (key "id", deduplicated per batch, DELETE + INSERT by key);
//   (ddr) DuckDB's own read_csv of the same rows (bench/duckdb-reference.mjs): the reference of both;
//   (ddo) and (dduo), only with BENCH_BEFORE=<another checkout, built>: dd and ddu run with that checkout's
//   dest-duckdb, for a before/after in one interleaved run.
// Each is checked after the run by counting every table's rows in its database file.
import { createRequire } from 'node:module';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {{ ROOT: string, TMP_DIR: string,
 *   writeConfig: (name: string, config: object) => string,
 *   checkFinalState: (result: object, manifest: object) => string | undefined }} bench
 */
export function duckdbRows({ ROOT, TMP_DIR, writeConfig, checkFinalState }) {
  const requireFromDuckdb = createRequire(join(ROOT, 'packages', 'dest-duckdb', 'package.json'));
  const freshFile = (name) => {
    const file = join(TMP_DIR, `${name}.duckdb`);
    rmSync(file, { force: true });
    rmSync(`${file}.wal`, { force: true });
    return file;
  };

  /** Problems with the row counts of the tables in `file` against the manifest, or undefined. */
  async function checkCounts(file, manifest) {
    const { DuckDBInstance } = requireFromDuckdb('@duckdb/node-api');
    const instance = await DuckDBInstance.create(file);
    try {
      const connection = await instance.connect();
      for (const stream of manifest.streams) {
        const reader = await connection.runAndReadAll(`SELECT count(*) FROM "${stream}"`);
        const count = Number(reader.getRows()[0][0]);
        if (count !== manifest.counts[stream])
          return `table ${stream} holds ${count} rows, the input ${manifest.counts[stream]}`;
      }
      connection.closeSync();
      return undefined;
    } finally {
      instance.closeSync();
    }
  }

  const destinationRow = (label, loadMethod, target, root = ROOT) => ({
    label,
    reference: 'ddr',
    target,
    command: () => {
      const file = freshFile(`dest-duckdb-${loadMethod}`);
      // No metadata columns (activate_version adds _sdc_table_version): the same columns as the reference's.
      const config = {
        path: file,
        load_method: loadMethod,
        add_record_metadata: false,
        activate_version: false,
      };
      return {
        args: [
          join(root, 'packages', 'dest-duckdb', 'bin', 'dest-duckdb.js'),
          '--config',
          writeConfig(`dest-duckdb-${loadMethod}`, config),
        ],
        file,
      };
    },
    check: async (result, manifest, _logFile, prepared) =>
      checkFinalState(result, manifest) ?? (await checkCounts(prepared.file, manifest)),
  });

  const before = process.env.BENCH_BEFORE;
  return {
    dd: destinationRow('dest-duckdb append-only', 'append-only', 0.5),
    ddu: destinationRow('dest-duckdb upsert', 'upsert'),
    ...(before && {
      ddo: destinationRow(`dest-duckdb append-only at ${before}`, 'append-only', undefined, before),
      dduo: destinationRow(`dest-duckdb upsert at ${before}`, 'upsert', undefined, before),
    }),
    ddr: {
      label: 'DuckDB read_csv of the same rows (reference)',
      reference: undefined,
      usesCsv: true,
      command: (_run, manifest) => {
        const file = freshFile('duckdb-reference');
        const schemas = writeConfig('duckdb-reference-schemas', {
          streams: manifest.streams,
          schemas: manifest.schemas,
        });
        const args = [
          join(ROOT, 'bench', 'duckdb-reference.mjs'),
          '--db',
          file,
          '--csv-dir',
          manifest.paths.csvDir,
        ];
        return { args: [...args, '--manifest', schemas], stdin: null, file };
      },
      check: (_result, manifest, _logFile, prepared) => checkCounts(prepared.file, manifest),
    },
  };
}
