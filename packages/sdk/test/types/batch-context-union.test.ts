import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BatchContext, EncodedBatchContext, RecordBatchContext } from '../../src/index';

// Compile-time checks: BatchContext is records or encoded text, told apart by `kind`. Each `@ts-expect-error`
// must be an error, or `tsc -b` (part of `npm test`) fails with "Unused '@ts-expect-error' directive".

// What both kinds have compiles on the union.
const size = (context: BatchContext): number => context.size + context.lineNumbers.length;
// @ts-expect-error: `encoded` is only on an encoded batch; narrow by `kind` first
const encodedOfAny = (context: BatchContext): unknown => context.encoded;
// @ts-expect-error: `records` is only on a batch of records; narrow by `kind` first
const recordsOfAny = (context: BatchContext): unknown => context.records;
// @ts-expect-error: a destination with @EncodeWith gets no records
const recordsOfEncoded = (context: EncodedBatchContext): unknown => context.records;
// @ts-expect-error: nor a message iterator
const messagesOfEncoded = (context: EncodedBatchContext): unknown => context.eachMessage();
// @ts-expect-error: a destination without @EncodeWith gets no encoded text
const encodedOfRecords = (context: RecordBatchContext): unknown => context.encoded;
// Narrowed by `kind`, each has its own fields.
const either = (context: BatchContext): number =>
  context.kind === 'encoded' ? context.encoded.length + context.notes.length : context.records.length;

describe('BatchContext is a union of records and encoded output', () => {
  it('compiles only the right use of each (see the @ts-expect-error lines)', () => {
    for (const check of [
      size,
      encodedOfAny,
      recordsOfAny,
      recordsOfEncoded,
      messagesOfEncoded,
      encodedOfRecords,
      either,
    ])
      assert.equal(typeof check, 'function');
  });
});
