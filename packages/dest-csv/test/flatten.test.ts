import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExactNumber } from '@singer-dest/sdk';
import { CsvError } from '../src/csv-error';
import { RowExtractor, extraProperties, planColumns } from '../src/flatten';

const flat = { enabled: false, maxDepth: 10 };
const deep = { enabled: true, maxDepth: 10 };
const nested = {
  properties: {
    id: { type: 'integer' },
    a: {
      type: ['object', 'null'],
      properties: { b: { type: 'string' }, c: { type: 'object', properties: { d: {} } } },
    },
    any: { anyOf: [{ type: 'object', properties: { x: {} } }, { type: 'string' }] },
    empty: { type: 'object', properties: {} },
  },
};

describe('planColumns', () => {
  it('lists the schema properties in schema order, metadata names last', () => {
    assert.deepEqual(planColumns(nested, flat, ['_sdc_sequence']).columns, [
      'id',
      'a',
      'any',
      'empty',
      '_sdc_sequence',
    ]);
  });

  it('flattens only objects with properties, down to the depth, joining names with __', () => {
    assert.deepEqual(planColumns(nested, deep).columns, ['id', 'a__b', 'a__c__d', 'any', 'empty']);
    assert.deepEqual(planColumns(nested, { enabled: true, maxDepth: 1 }).columns, [
      'id',
      'a__b',
      'a__c',
      'any',
      'empty',
    ]);
  });

  it('refuses two columns with one name', () => {
    const schema = { properties: { a__b: {}, a: { type: 'object', properties: { b: {} } } } };
    assert.throws(
      () => planColumns(schema, deep, [], 's'),
      (e: unknown) => e instanceof CsvError && e.code === 'ERR_CSV_COLUMN_COLLISION',
    );
    // A property named like a metadata column is that column, as in every destination.
    assert.deepEqual(
      planColumns({ properties: { _sdc_sequence: {}, id: {} } }, flat, ['_sdc_sequence']).columns,
      ['id', '_sdc_sequence'],
    );
  });
});

describe('RowExtractor', () => {
  it('reads values in column order and flags records whose flattened objects hold properties outside the schema', () => {
    const plan = planColumns(nested, deep);
    const extractor = new RowExtractor(plan);
    const out: unknown[] = [];
    const big = new ExactNumber('1e999');
    extractor.extract({ any: 'x', a: { c: { d: big }, b: 'bee' }, id: 1 }, out);
    assert.deepEqual(out, [1, 'bee', big, 'x', undefined]);
    assert.equal(extractor.hasExtra, false);
    extractor.extract({ id: 2, a: null }, out);
    assert.deepEqual(out, [2, undefined, undefined, undefined, undefined]);
    assert.equal(extractor.hasExtra, false);
    extractor.extract({ id: 3, a: { b: 'x', zz: 1 } }, out);
    assert.equal(extractor.hasExtra, true);
    // Top-level properties outside the schema are the SDK's to report (extra_properties), not the extractor's.
    extractor.extract({ id: 5, top: 2 }, out);
    assert.equal(extractor.hasExtra, false);
    extractor.extract({ id: 3, a: { b: 'x', zz: 1 } }, out);
    assert.deepEqual(extraProperties({ id: 3, a: { b: 'x', zz: 1 }, top: 2 }, plan), ['a__zz']);
    extractor.extract({ id: 4, a: 'not an object' }, out);
    assert.equal(extractor.hasExtra, true);
    assert.deepEqual(extraProperties({ id: 4, a: 'not an object' }, plan), ['a']);
  });

  it('never reads inherited members for properties named like Object.prototype members', () => {
    const plan = planColumns({ properties: { constructor: {}, toString: {}, __proto__x: {} } }, flat);
    const out: unknown[] = [];
    new RowExtractor(plan).extract({}, out);
    assert.deepEqual(out, [undefined, undefined, undefined]);
    new RowExtractor(plan).extract(
      JSON.parse('{"constructor": "c", "toString": 1}') as Record<string, unknown>,
      out,
    );
    assert.deepEqual(out, ['c', 1, undefined]);
  });
});
