import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/index';
import { createMemoryLogger } from '../../src/testing/index';
import { parseMessage, type SingerMessage } from '../../src/runtime/parse-message';
import { emptySummary } from '../../src/runtime/process-loop';
import { RecordPipeline, REJECTED } from '../../src/runtime/record-pipeline';
import { DEFAULT_RUN_SETTINGS, type RunSettings } from '../../src/runtime/settings';
import { StreamRegistry } from '../../src/runtime/stream-registry';

function setUp(settings: Partial<RunSettings>) {
  const summary = emptySummary();
  const { logger, entries } = createMemoryLogger();
  const pipeline = new RecordPipeline({
    settings: { ...DEFAULT_RUN_SETTINGS, ...settings },
    logger,
    inputName: 'stdin',
    summary,
  });
  const streams = new StreamRegistry({
    validateRecords: true,
    extraProperties: 'warn',
    inputName: 'stdin',
  });
  const users = streams.apply(
    { stream: 'users', schema: { properties: { id: { type: 'integer' } } }, keyProperties: ['id'] },
    1,
  ).stream;
  const accept = (record: object, line = 2) => {
    const text = JSON.stringify({ type: 'RECORD', stream: 'users', record });
    const message = parseMessage(text, { name: 'stdin', line }) as Extract<SingerMessage, { type: 'RECORD' }>;
    return pipeline.accept(users, message, text, line);
  };
  return { pipeline, accept, summary, entries };
}

describe('the record pipeline', () => {
  it('lets a valid record through as its line (undefined) without record hooks', () => {
    assert.equal(setUp({}).accept({ id: 1 }), undefined);
  });

  it('fails on a record without its key property by default, naming line, stream and what to do', () => {
    assert.throws(
      () => setUp({}).accept({ name: 'x' }, 9),
      (error: unknown) =>
        error instanceof InputError &&
        error.code === 'ERR_MISSING_KEY_PROPERTY' &&
        error.message ===
          'stdin line 9: RECORD for stream "users" key property "id" is missing or null. Fix the tap, or set ' +
            'invalid_record_policy to "skip" or "dead_letter" to load the other records.',
    );
  });

  it('skips an invalid record under skip, counting and logging it', () => {
    const { accept, summary, entries } = setUp({ invalidRecordPolicy: 'skip' });
    assert.equal(accept({ id: 'one' }), REJECTED);
    assert.deepEqual(summary.invalidRecords, { users: 1 });
    assert.equal(entries.filter((e) => e.code === 'ERR_RECORD_INVALID').length, 1);
  });

  it('writes an invalid record to the dead-letter file under dead_letter', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'pipeline-')), 'dl.jsonl');
    const { accept, pipeline } = setUp({ invalidRecordPolicy: 'dead_letter', deadLetterPath: path });
    assert.equal(accept({ id: 'one' }, 4), REJECTED);
    pipeline.close();
    const entry = JSON.parse(readFileSync(path, 'utf8')) as { line: number; code: string; message: unknown };
    assert.equal(entry.line, 4);
    assert.equal(entry.code, 'ERR_RECORD_INVALID');
    assert.deepEqual(entry.message, { type: 'RECORD', stream: 'users', record: { id: 'one' } });
  });
});
