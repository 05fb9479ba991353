/**
 * Encoder factories for the encode-stage tests (`@EncodeWith` loads this module by path, also on worker threads,
 * so it holds nothing but the factories).
 */
import { join } from 'node:path';
import { DestinationError, ExactNumber, type EncoderFactory, type EncoderModule } from '../../src/index';

class TestDestinationError extends DestinationError<'ERR_TEST_NUL' | 'ERR_TEST_FACTS'> {}

/**
 * `@EncodeWith` argument for an export of this module; `asRead`: it declares that it does not use `batchedAt`
 * (so with encode_threads 0 its records are encoded as they are read).
 */
export const testEncoder = (name: string, asRead = false): EncoderModule => ({
  module: join(__dirname, 'test-encoders.js'),
  export: name,
  ...(asRead ? { usesBatchedAt: false } : {}),
});

/** `<prefix><stream>:<line>:<id>:<name>` a line; refuses a name holding NUL (with a coded error). */
export const labelled: EncoderFactory<{ prefix: string }> = ({ prefix }, { stream }) => ({
  encode(record, meta) {
    const name = String(record.name);
    if (name.includes('\u0000')) {
      throw new TestDestinationError(
        'ERR_TEST_NUL',
        'property "name" holds a NUL character, which the target cannot store',
      );
    }
    return `${prefix}${stream}:${meta.line}:${String(record.id)}:${name}\n`;
  },
});

/** Each of the record's `amount` and `nested.amount` as `exact:<text>` (an ExactNumber) or `plain:<value>`. */
export const amounts: EncoderFactory = () => ({
  encode(record) {
    const show = (value: unknown) =>
      value instanceof ExactNumber ? `exact:${value.text}` : `plain:${JSON.stringify(value)}`;
    const nested = record.nested as { amount?: unknown } | undefined;
    return `${String(record.id)} ${show(record.amount)} ${show(nested?.amount)}\n`;
  },
});

/** The record's name and a note of the longest one, so notes from every part reach the export. */
export const noting: EncoderFactory<unknown, { longest: number; lines: number[] }> = () => {
  let notes: { longest: number; lines: number[] } | undefined;
  return {
    encode(record, meta) {
      const name = String(record.name);
      notes ??= { longest: 0, lines: [] };
      notes.longest = Math.max(notes.longest, name.length);
      notes.lines.push(meta.line);
      return `${name}\n`;
    },
    takeNotes() {
      const taken = notes;
      notes = undefined;
      return taken;
    },
  };
};

/**
 * Blocks on the record of line `waitOnLine` until `flag[0]` is set by the main thread (or `timeoutMs` passed),
 * and notes which ('released' or 'timed-out'): the tests see whether the main thread read on while this thread
 * encoded.
 */
export const blocking: EncoderFactory<{ flag: SharedArrayBuffer; waitOnLine: number; timeoutMs: number }> = ({
  flag,
  waitOnLine,
  timeoutMs,
}) => {
  let waited: string | undefined;
  return {
    encode(record, meta) {
      // 'not-equal': the flag was set before this thread got here, which is as good a proof as 'ok'.
      if (meta.line === waitOnLine)
        waited =
          Atomics.wait(new Int32Array(flag), 0, 0, timeoutMs) === 'timed-out' ? 'timed-out' : 'released';
      return `${String(record.id)}\n`;
    },
    takeNotes() {
      const taken = waited;
      waited = undefined;
      return taken;
    },
  };
};

/** Warns once per batch part (through the SDK's logger) and encodes the id. */
export const warning: EncoderFactory = (_facts, { stream, warn }) => {
  let warned = false;
  return {
    encode(record, meta) {
      if (!warned) warn({ stream, line: meta.line }, `stream ${stream}: first record encoded`);
      warned = true;
      return `${String(record.id)}\n`;
    },
  };
};

/** A factory that cannot build its encoder. */
export const broken: EncoderFactory = () => {
  throw new Error('the facts lack the column list');
};

/** A factory that refuses its facts with a coded error of the destination's. */
export const refusing: EncoderFactory = () => {
  throw new TestDestinationError('ERR_TEST_FACTS', 'the facts name a column type the target lacks');
};

/** `meta` as the encoder sees it, as JSON. */
export const metaOf: EncoderFactory = () => (record, meta) =>
  `${JSON.stringify({ id: record.id, line: meta.line, receivedAt: meta.receivedAt, batchedAt: meta.batchedAt, version: meta.message.version })}\n`;
