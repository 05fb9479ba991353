import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputPlaces } from '../../src/runtime/input-places';

describe('input places', () => {
  // Input: 1 SCHEMA, 2 BATCH (files a: 2 lines, b: 1 line), 3 STATE, 4 BATCH (file c: 2 lines), 5 RECORD.
  // Places: 1, 2, a 3-4, b 5, line 3 = 6, line 4 = 7, c 8-9, line 5 = 10.
  const places = () => {
    const p = new InputPlaces();
    p.startFile(3, 2, 'users', 'file:///b/a.jsonl');
    p.startFile(5, 2, 'users', 'file:///b/b.jsonl');
    p.endBatch(5);
    p.startFile(8, 4, 'users', 'file:///b/c.jsonl.gz');
    p.endBatch(9);
    return p;
  };

  it('names the stdin line of a place outside batch files, shifted by the files read before it', () => {
    const p = places();
    assert.deepEqual(
      [1, 2, 6, 7, 10].map((n) => p.describe(n)),
      ['line 1', 'line 2', 'line 3', 'line 4', 'line 5'],
    );
    assert.deepEqual(
      [1, 2, 6, 7, 10].map((n) => p.lineOf(n)),
      [1, 2, 3, 4, 5],
    );
  });

  it('names the BATCH line, the file and the line in it for a place in a batch file', () => {
    const p = places();
    assert.equal(p.describe(4), 'line 2 (BATCH for stream "users"), file:///b/a.jsonl line 2');
    assert.equal(p.describe(5), 'line 2 (BATCH for stream "users"), file:///b/b.jsonl line 1');
    assert.equal(p.describe(9), 'line 4 (BATCH for stream "users"), file:///b/c.jsonl.gz line 2');
    assert.equal(p.lineOf(9), 4);
    assert.equal(p.describeRange(6, 10), 'lines 3-5');
    assert.equal(
      p.describeRange(9, 10),
      'line 4 (BATCH for stream "users"), file:///b/c.jsonl.gz line 2 to line 5',
    );
  });

  it('still names later places rightly after forgetting the files the watermark passed', () => {
    const p = places();
    p.forget(8);
    assert.equal(p.describe(7), 'line 4');
    assert.equal(p.describe(8), 'line 4 (BATCH for stream "users"), file:///b/c.jsonl.gz line 1');
    assert.equal(p.describe(10), 'line 5');
    p.forget(10);
    assert.equal(p.describe(10), 'line 5');
    p.startFile(12, 6, 'users', 'file:///b/d.jsonl');
    p.endBatch(12);
    assert.equal(p.describe(11), 'line 6');
    assert.equal(p.describe(12), 'line 6 (BATCH for stream "users"), file:///b/d.jsonl line 1');
    assert.equal(p.describe(13), 'line 7');
  });

  it('takes no places for a BATCH whose files are empty', () => {
    const p = new InputPlaces();
    p.startFile(3, 2, 'users', 'file:///b/empty.jsonl');
    p.endBatch(2);
    assert.equal(p.describe(3), 'line 3');
  });
});
