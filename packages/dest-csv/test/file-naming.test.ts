import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { CsvError } from '../src/csv-error';
import { FileNamer, partPath, safeSegment } from '../src/file-naming';

const stamps = { datestamp: '2024-03-05', timestamp: '2024-03-05.T060708' };

describe('safeSegment', () => {
  it('keeps ordinary stream names as they are', () => {
    for (const name of ['users', 'public-users', 'Orders_2024', 'café', '用户', 'a.b'])
      assert.equal(safeSegment(name), name);
  });

  it('replaces separators, NUL and other unsafe characters, and never starts with a dot', () => {
    assert.equal(safeSegment('../x'), '_.._x');
    assert.equal(safeSegment('/etc/x'), '_etc_x');
    assert.equal(safeSegment('a/b\\c'), 'a_b_c');
    assert.equal(safeSegment('nul\0x'), 'nul_x');
    assert.equal(safeSegment('..'), '_..');
    assert.equal(safeSegment(''), '_');
    assert.equal(safeSegment('con'), '_con');
    assert.equal(safeSegment('test:SpecialChars!in?attributes'), 'test_SpecialChars_in_attributes');
  });

  it('cuts names over 150 bytes and adds a hash, so long names that share a prefix stay distinct', () => {
    const a = safeSegment(`${'x'.repeat(300)}a`);
    const b = safeSegment(`${'x'.repeat(300)}b`);
    assert.notEqual(a, b);
    assert.ok(Buffer.byteLength(a) <= 150);
    assert.match(a, /^x{137}-[0-9a-f]{12}$/);
    assert.ok(Buffer.byteLength(safeSegment('é'.repeat(200))) <= 150);
  });

  it('maps any text to one safe segment', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const name = safeSegment(text);
        assert.match(name, /^[^./\\\0][^/\\\0]*$/u);
        assert.ok(Buffer.byteLength(name) <= 150);
      }),
      { numRuns: 500 },
    );
  });
});

describe('FileNamer', () => {
  it('puts every file inside the output directory, whatever the stream is called', () => {
    const namer = new FileNamer('/data/out', '{stream_name}.csv', stamps);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (stream) => {
        assert.equal(dirname(namer.pathFor(stream)), '/data/out');
      }),
    );
  });

  it('fills the placeholders and allows folders in the scheme', () => {
    const namer = new FileNamer('/out', '{datestamp}/{stream_name}-{timestamp}.csv', stamps);
    assert.equal(namer.pathFor('a/b'), join('/out', '2024-03-05', 'a_b-2024-03-05.T060708.csv'));
  });

  it('refuses a result that is not a safe path inside the directory', () => {
    const namer = new FileNamer('/out', '{stream_name}/{datestamp}', { datestamp: '', timestamp: '' });
    assert.equal(namer.pathFor('s'), join('/out', 's', '_'));
    const empty = new FileNamer('/out', 'x//{stream_name}.csv', stamps);
    assert.throws(
      () => empty.pathFor('s'),
      (e: unknown) => e instanceof CsvError && e.code === 'ERR_CSV_UNSAFE_PATH',
    );
  });

  it('refuses a second stream on a claimed file, ignoring case', () => {
    const namer = new FileNamer('/out', '{stream_name}.csv', stamps);
    namer.claim('Users', namer.pathFor('Users'));
    namer.claim('Users', namer.pathFor('Users'));
    assert.throws(() => namer.claim('users', namer.pathFor('users')), {
      name: 'CsvError',
      code: 'ERR_CSV_FILE_COLLISION',
      message: /^Streams "Users" and "users" both map to the file users\.csv in output_path/,
    });
  });

  it('names parts before the extension', () => {
    assert.equal(partPath('/o/users.csv', 1), '/o/users.csv');
    assert.equal(partPath('/o/users.csv', 2), '/o/users.part2.csv');
    assert.equal(partPath('/o/users', 3), '/o/users.part3');
  });
});
