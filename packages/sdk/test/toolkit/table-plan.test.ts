import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  columnChanges,
  loadModeOf,
  normalizeSchema,
  planColumns,
  SDC_COLUMNS,
  sdcColumnsOf,
  type ColumnPlanOptions,
} from '../../src/index';

const options: ColumnPlanOptions = {
  rules: { maxBytes: 63, case: 'lower' },
  sdcColumns: [],
  collision: (property, other, column) => new Error(`collision ${property}|${other}|${column}`),
  unknownKey: (key) => new Error(`unknown key ${key}`),
};
const schemaOf = (...names: string[]) =>
  normalizeSchema({ properties: Object.fromEntries(names.map((n) => [n, { type: 'string' }])) });
const namesOf = (plan: ReturnType<typeof planColumns>) =>
  plan.columns.map((c) => [c.property.name, c.name, c.property.type]);

describe('sdcColumnsOf', () => {
  it('gives all six metadata columns in order with all, the version alone with activateVersion, else none', () => {
    // SDC_COLUMNS's names and order are pinned in sdc-columns.test.ts.
    assert.deepEqual(sdcColumnsOf({ all: true, activateVersion: false }), SDC_COLUMNS);
    assert.deepEqual(
      sdcColumnsOf({ all: false, activateVersion: true }).map((c) => c.name),
      ['_sdc_table_version'],
    );
    assert.deepEqual(sdcColumnsOf({ all: false, activateVersion: false }), []);
  });
});

describe('planColumns', () => {
  it('folds each property to its column in schema order and maps the keys to their columns', () => {
    const plan = planColumns(schemaOf('Id', 'clientName', 'note'), ['Id'], options);
    assert.deepEqual(namesOf(plan), [
      ['Id', 'id', 'string'],
      ['clientName', 'clientname', 'string'],
      ['note', 'note', 'string'],
    ]);
    assert.deepEqual(plan.keys, ['id']);
  });

  it('leaves out a property that folds to the name of one of the table’s _sdc_* columns', () => {
    const plan = planColumns(schemaOf('id', '_SDC_deleted_at', '_sdc_sequence'), [], {
      ...options,
      sdcColumns: [{ name: '_sdc_deleted_at' }],
    });
    assert.deepEqual(namesOf(plan), [
      ['id', 'id', 'string'],
      ['_sdc_sequence', '_sdc_sequence', 'string'],
    ]);
  });

  it('refuses two properties that fold to one column with the destination’s collision error', () => {
    assert.throws(() => planColumns(schemaOf('id', 'ID'), [], options), {
      message: 'collision id|ID|id',
    });
  });

  it('refuses a key property the schema does not declare with the destination’s error', () => {
    assert.throws(() => planColumns(schemaOf('id'), ['uuid'], options), { message: 'unknown key uuid' });
  });
});

describe('loadModeOf', () => {
  it('upserts by default with keys and appends without', () => {
    assert.deepEqual(loadModeOf(undefined, 1), { upsert: true, overwrite: false });
    assert.deepEqual(loadModeOf(undefined, 0), { upsert: false, overwrite: false });
  });

  it('upserts by key for upsert and overwrite, appends where there are no keys, and overwrites once', () => {
    assert.deepEqual(loadModeOf('upsert', 2), { upsert: true, overwrite: false });
    assert.deepEqual(loadModeOf('upsert', 0), { upsert: false, overwrite: false });
    assert.deepEqual(loadModeOf('overwrite', 1), { upsert: true, overwrite: true });
    assert.deepEqual(loadModeOf('overwrite', 0), { upsert: false, overwrite: true });
  });

  it('appends for append-only and its aliases, keys or not', () => {
    assert.deepEqual(loadModeOf('append-only', 1), { upsert: false, overwrite: false });
    assert.deepEqual(loadModeOf('append', 1), { upsert: false, overwrite: false });
  });
});

describe('columnChanges', () => {
  const widen = (current: string, wanted: string) =>
    current === wanted || (current === 'HUGEINT' && wanted === 'BIGINT') ? undefined : wanted;

  it('adds the columns the table lacks and widens those whose type does not hold the wanted one', () => {
    const existing = new Map([
      ['id', 'BIGINT'],
      ['big', 'HUGEINT'],
      ['kept', 'VARCHAR'],
    ]);
    const changes = columnChanges(
      existing,
      [
        { name: 'id', type: 'HUGEINT' },
        { name: 'big', type: 'BIGINT' },
        { name: 'name', type: 'VARCHAR' },
        { name: 'at', type: 'TIMESTAMPTZ' },
      ],
      widen,
    );
    assert.deepEqual(changes, {
      added: [
        { name: 'name', type: 'VARCHAR' },
        { name: 'at', type: 'TIMESTAMPTZ' },
      ],
      widened: [{ name: 'id', type: 'HUGEINT' }],
    });
  });

  it('changes nothing when the table holds every wanted column', () => {
    assert.deepEqual(columnChanges(new Map([['id', 'BIGINT']]), [{ name: 'id', type: 'BIGINT' }], widen), {
      added: [],
      widened: [],
    });
  });
});
