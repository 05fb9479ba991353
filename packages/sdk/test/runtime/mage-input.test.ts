import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../src/index';
import { replaceNonFinite } from '../../src/runtime/mage-input';
import { runTestDestination } from '../../src/testing/index';
import { noopDestination } from '../support/noop-destination';

const Noop = noopDestination();

const SCHEMA = JSON.stringify({
  type: 'SCHEMA',
  stream: 'orders',
  schema: {
    type: 'object',
    properties: {
      id: { type: ['null', 'integer'] },
      amount: { type: ['null', 'number'] },
      note: { type: ['null', 'string'] },
    },
  },
  key_properties: ['id'],
});

// As Mage writes the input file: the tap's stdout and stderr merged (a Mage LOG line, singer-python's metric line,
// a Node tap's pino line), then, after a transformer block, records re-dumped by json.dumps (NaN, ", " and ": "
// separators) and the file written with '\n'.join, so no final newline.
const MAGE_FILE = [
  '{"caller": "MySQL", "level": "INFO", "message": "Syncing stream orders", "tags": {}, "timestamp": 1714000000, "uuid": "4b1f", "type": "LOG"}',
  SCHEMA,
  'INFO METRIC: {"type": "counter", "metric": "record_count", "value": 2, "tags": {"endpoint": "orders"}}',
  '{"type": "RECORD", "stream": "orders", "record": {"id": 1, "amount": NaN, "note": "NaN"}}',
  '{"level":30,"time":1714000000000,"msg":"a pino line of some tool"}',
  '{"type": "RECORD", "stream": "orders", "record": {"id": 2, "amount": Infinity, "note": null}}',
  '{"type": "RECORD", "stream": "orders", "record": {"id": 3, "amount": -Infinity, "note": "x"}}',
  'Traceback (most recent call last):',
  '{"type": "STATE", "value": {"bookmarks": {"orders": {"id": 3}}}}',
].join('\n');

describe('replaceNonFinite', () => {
  it("replaces Python's NaN and infinities outside strings with null and names where each was", () => {
    const fix = replaceNonFinite(
      '{"type": "RECORD", "record": {"a": NaN, "b": "NaN, Infinity", "c": [1, -Infinity], "d": {"e\\"": Infinity}}}',
    );
    assert.deepEqual(fix, {
      text: '{"type": "RECORD", "record": {"a": null, "b": "NaN, Infinity", "c": [1, null], "d": {"e\\"": null}}}',
      paths: ['record.a', 'record.c', 'record.d.e"'],
    });
    assert.equal(replaceNonFinite('{"a": "NaN"}'), undefined);
    assert.equal(replaceNonFinite('INFO METRIC: {"type": "counter"}'), undefined);
  });
});

describe('Mage input (inputDialect mage)', () => {
  it('skips lines that are no Singer message with counts, and loads NaN and Infinity as NULL with one warning per property', async () => {
    const result = await runTestDestination(Noop, { text: MAGE_FILE, inputDialect: 'mage' });
    assert.equal(result.error, undefined);
    assert.deepEqual(
      result.batches.flatMap((b) => b.records),
      [
        { id: 1, amount: null, note: 'NaN' },
        { id: 2, amount: null, note: null },
        { id: 3, amount: null, note: 'x' },
      ],
    );
    assert.deepEqual(result.states, [{ bookmarks: { orders: { id: 3 } } }]);
    const warnings = result.logs.filter((l) => l.level === 'warn');
    assert.deepEqual(
      warnings.map((w) => [w.msg, w.property, w.line]),
      [
        [
          'stdin line 4: property "amount" of stream "orders" is NaN or Infinity (Python\'s json.dumps writes a ' +
            'missing number so, as a Mage transformer block does); loaded as NULL. Shown once per property.',
          'amount',
          4,
        ],
      ],
    );
    assert.deepEqual(
      result.logs.filter((l) => l.level === 'info' && /skipped|loaded \d/.test(l.msg)).map((l) => l.msg),
      [
        'stdin: skipped 1 line(s) that are a Mage LOG line (Mage mode; the first at line 1).',
        'stdin: skipped 2 line(s) that are not JSON (Mage mode; the first at line 3).',
        'stdin: skipped 1 line(s) that are an object without "type" (Mage mode; the first at line 5).',
        'stdin: loaded 3 NaN/Infinity value(s) of property "amount" of stream "orders" as NULL.',
      ],
    );
  });

  it('still fails on what is broken in Mage mode too: a RECORD before its SCHEMA', async () => {
    const text = '{"type": "RECORD", "stream": "orders", "record": {"id": 1, "amount": NaN}}';
    const result = await runTestDestination(Noop, { text, inputDialect: 'mage' });
    assert.ok(result.error instanceof InputError);
    assert.equal(result.error.code, 'ERR_RECORD_BEFORE_SCHEMA');
  });

  it('outside Mage mode, NaN and plain text lines stay errors that name the line', async () => {
    for (const [text, line] of [
      [`${SCHEMA}\n{"type": "RECORD", "stream": "orders", "record": {"id": 1, "amount": NaN}}\n`, 2],
      [`${SCHEMA}\nINFO METRIC: {"type": "counter"}\n`, 2],
    ] as const) {
      const result = await runTestDestination(Noop, { text });
      assert.ok(result.error instanceof InputError);
      assert.equal(result.error.code, 'ERR_INVALID_JSON');
      assert.equal(result.error.line, line);
    }
  });
});
