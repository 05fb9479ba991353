import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isDate, isDateTime, isTime } from '../../src/runtime/formats';

describe('date and time formats', () => {
  it('accept RFC 3339 date-times with or without a zone', () => {
    for (const ok of [
      '2024-02-29T23:59:59Z',
      '2024-01-01T00:00:00',
      '2024-01-01 10:00:00.123456+02:00',
      '2023-12-31t10:00:00-0530',
      '2016-12-31T23:59:60Z',
    ]) {
      assert.equal(isDateTime(ok), true, ok);
    }
  });
  it('refuse impossible or malformed date-times', () => {
    for (const bad of [
      '2023-02-29T00:00:00Z',
      '2024-04-31T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-01-01T24:00:00Z',
      '2024-01-01',
      'yesterday',
      '2024-01-01T10:00Z',
      '1900-02-29T00:00:00',
    ]) {
      assert.equal(isDateTime(bad), false, bad);
    }
    assert.equal(isDateTime('2000-02-29T00:00:00'), true);
  });
  it('check dates and times alone', () => {
    assert.equal(isDate('2024-02-29'), true);
    assert.equal(isDate('2023-02-29'), false);
    assert.equal(isTime('10:11:12.5Z'), true);
    assert.equal(isTime('25:00:00'), false);
  });
});
