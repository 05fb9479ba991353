import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CsvFile } from '../src/csv-file';
import { tempDir } from './support/csv';

const format = { prefix: Buffer.from('\uFEFFid,name\r\n'), terminator: Buffer.from('\r\n') };

describe('CsvFile', () => {
  it('starts a new file with the prefix and appends batches after it', async () => {
    const path = join(tempDir(), 'deep', 'users.csv');
    const file = await CsvFile.open(path, 1, format, false);
    await file.append([Buffer.from('1,a\r\n'), Buffer.from('2,b\r\n')]);
    await file.close();
    assert.equal(readFileSync(path, 'utf8'), '\uFEFFid,name\r\n1,a\r\n2,b\r\n');
  });

  it('cuts a batch that failed half-way back off, so the file never keeps part of it', async () => {
    const path = join(tempDir(), 'users.csv');
    const file = await CsvFile.open(path, 1, format, false);
    await file.append([Buffer.from('1,a\r\n')]);
    function* failing() {
      yield Buffer.from('2,b\r\n');
      yield Buffer.from('3,c\r\n');
      throw new Error('encoding failed mid-batch');
    }
    await assert.rejects(file.append(failing()), { message: 'encoding failed mid-batch' });
    await file.append([Buffer.from('4,d\r\n')]);
    await file.close();
    assert.equal(readFileSync(path, 'utf8'), '\uFEFFid,name\r\n1,a\r\n4,d\r\n');
  });

  it('lets a writer append through the file descriptor, and cuts what it wrote back off when it fails', async () => {
    const path = join(tempDir(), 'users.csv');
    const file = await CsvFile.open(path, 1, format, false);
    await file.appendWith(async (fd) => writeSync(fd, '1,a\r\n'));
    await assert.rejects(
      file.appendWith(async (fd) => {
        writeSync(fd, '2,b\r\n');
        throw new Error('the row-writing thread failed');
      }),
      { message: 'the row-writing thread failed' },
    );
    await file.appendWith(async (fd) => writeSync(fd, '3,c\r\n'));
    await file.close();
    assert.equal(readFileSync(path, 'utf8'), '\uFEFFid,name\r\n1,a\r\n3,c\r\n');
  });

  it('compares the whole prefix, BOM included, before appending to an existing file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'users.csv'), 'id,name\r\n1,no-bom\r\n');
    const file = await CsvFile.open(join(dir, 'users.csv'), 1, format, false);
    await file.close();
    assert.equal(file.part, 2);
    assert.equal(file.skippedOtherHeader, true);
    assert.deepEqual(readdirSync(dir).sort(), ['users.csv', 'users.part2.csv']);
  });
});

describe('CsvFile safety', () => {
  it('refuses to write through a symbolic link planted where the file should be', async () => {
    const dir = tempDir();
    const outside = join(tempDir(), 'victim.txt');
    writeFileSync(outside, 'untouched');
    symlinkSync(outside, join(dir, 'users.csv'));
    await assert.rejects(CsvFile.open(join(dir, 'users.csv'), 1, format, false), {
      name: 'CsvError',
      code: 'ERR_CSV_UNSAFE_PATH',
      message: /users\.csv is a symbolic link; dest-csv never writes through links/,
    });
    await assert.rejects(CsvFile.open(join(dir, 'users.csv'), 1, format, true), {
      code: 'ERR_CSV_UNSAFE_PATH',
    });
    assert.equal(readFileSync(outside, 'utf8'), 'untouched');
  });
});
