import type { Logger } from 'pino';
import { InputError } from '../errors';
import { parseMessage, type LineSource, type SingerMessage } from './parse-message';

/**
 * What an input file looks like under Mage, and how a Mage run reads it. Mage's runner writes the tap's stdout
 * and stderr merged into the file (mage_ai/data_preparation/models/block/integration/__init__.py, `stderr=STDOUT`),
 * so it holds Mage's own LOG lines, JSON log lines of other tools and plain text (`INFO METRIC: {...}` from
 * singer-python taps). Mage's destinations skip what does not parse (mage_integrations/destinations/base.py
 * `_process`: `Unable to parse`). After a transformer block, the file is rewritten with Python's `json.dumps`, which
 * writes a missing number as `NaN` (and infinities as `Infinity`), which JSON does not have.
 */

/** Why a line was not a Singer message, as counted at the end of the run. */
type SkipKind =
  'not JSON' | 'a JSON value that is no object' | 'an object without "type"' | 'a Mage LOG line';

const SKIPPED_CODES: Partial<Record<string, SkipKind>> = {
  ERR_INVALID_JSON: 'not JSON',
  ERR_MESSAGE_NOT_OBJECT: 'a JSON value that is no object',
  ERR_MISSING_TYPE: 'an object without "type"',
};

/** A line with Python's non-finite numbers replaced by `null`, and where they were. */
interface NonFiniteFix {
  text: string;
  /** Dotted path of each replaced value, e.g. `record.amount`. */
  paths: string[];
}

const NON_FINITE = ['-Infinity', 'Infinity', 'NaN'];

/**
 * Replaces the bare tokens `NaN`, `Infinity` and `-Infinity` outside strings with `null`; undefined when there are
 * none. Tracks the object keys on the way, so each replacement can be named.
 */
export function replaceNonFinite(text: string): NonFiniteFix | undefined {
  const keys: (string | undefined)[] = [];
  const paths: string[] = [];
  let out = '';
  let copied = 0;
  let lastString: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      try {
        lastString = JSON.parse(text.slice(i, j + 1)) as string;
      } catch {
        return undefined;
      }
      i = j;
      continue;
    }
    if (c === ':') {
      keys[keys.length - 1] = lastString;
    } else if (c === '{' || c === '[') {
      keys.push(undefined);
    } else if (c === '}' || c === ']') {
      keys.pop();
    } else if (c === 'N' || c === 'I' || c === '-') {
      const token = NON_FINITE.find((t) => text.startsWith(t, i));
      if (token !== undefined) {
        out += `${text.slice(copied, i)}null`;
        copied = i + token.length;
        paths.push(keys.filter((k) => k !== undefined).join('.'));
        i += token.length - 1;
      }
    }
    // A string is a key only when the next sign after it is the colon.
    if (c !== ' ' && c !== '\t' && c !== '\r') lastString = undefined;
  }
  return paths.length === 0 ? undefined : { text: out + text.slice(copied), paths };
}

/** A message read in Mage mode; `text` is set when the line had to be rewritten (NaN → null). */
export interface MageLine {
  message: SingerMessage;
  text: string | undefined;
}

/**
 * Reads input lines the way a Mage run needs: skips lines that are no Singer message (counting them by kind, and
 * naming the first line of each kind), and loads Python's `NaN`/`Infinity` as NULL with one warning per stream and
 * property. Every other problem stays the error it is outside Mage.
 *
 * @example
 * ```ts
 * const mage = new MageInput(logger, 'tap-output');
 * const read = mage.read('INFO METRIC: {"type": "counter"}', { name: 'tap-output', line: 3 }); // undefined
 * mage.logTotals();
 * ```
 */
export class MageInput {
  private readonly skipped = new Map<SkipKind, { count: number; firstLine: number }>();
  /** Per "where" text (property and stream): the stream, the property and how many values were replaced. */
  private readonly nonFinite = new Map<
    string,
    { stream: string | undefined; property: string; count: number }
  >();

  constructor(
    private readonly logger: Logger,
    private readonly inputName: string,
  ) {}

  /** The message of a line, or undefined when the line is skipped (or blank). */
  read(text: string, source: LineSource): MageLine | undefined {
    let message: SingerMessage | undefined;
    let rewritten: string | undefined;
    try {
      message = parseMessage(text, source);
    } catch (error) {
      const kind = error instanceof InputError ? SKIPPED_CODES[error.code] : undefined;
      if (kind === undefined) throw error;
      const fix = kind === 'not JSON' ? replaceNonFinite(text) : undefined;
      if (fix === undefined) return this.skip(kind, source.line);
      try {
        message = parseMessage(fix.text, source);
      } catch (again) {
        const kindAgain = again instanceof InputError ? SKIPPED_CODES[again.code] : undefined;
        if (kindAgain === undefined) throw again;
        return this.skip(kindAgain, source.line);
      }
      rewritten = fix.text;
      if (message !== undefined) this.noteNonFinite(message, fix.paths, source.line);
    }
    if (message === undefined) return undefined;
    if (message.type === 'UNKNOWN' && message.rawType.toUpperCase() === 'LOG') {
      return this.skip('a Mage LOG line', source.line);
    }
    return { message, text: rewritten };
  }

  /** Logs what was skipped and replaced, once, at the end of the input. */
  logTotals(): void {
    for (const [kind, { count, firstLine }] of this.skipped) {
      this.logger.info(
        { skipped: count, reason: kind, firstLine },
        `${this.inputName}: skipped ${count} line(s) that are ${kind} (Mage mode; the first at line ${firstLine}).`,
      );
    }
    for (const [where, { stream, property, count }] of this.nonFinite) {
      this.logger.info(
        { nonFinite: count, stream, property },
        `${this.inputName}: loaded ${count} NaN/Infinity value(s) of ${where} as NULL.`,
      );
    }
  }

  private skip(kind: SkipKind, line: number): undefined {
    const seen = this.skipped.get(kind);
    if (seen === undefined) this.skipped.set(kind, { count: 1, firstLine: line });
    else seen.count++;
    return undefined;
  }

  private noteNonFinite(message: SingerMessage, paths: string[], line: number): void {
    const stream = 'stream' in message ? message.stream : undefined;
    for (const path of paths) {
      const property = message.type === 'RECORD' ? path.replace(/^record\./, '') : path;
      const where = stream === undefined ? `"${property}"` : `property "${property}" of stream "${stream}"`;
      const seen = this.nonFinite.get(where);
      if (seen !== undefined) {
        seen.count++;
        continue;
      }
      this.nonFinite.set(where, { stream, property, count: 1 });
      this.logger.warn(
        { stream, line, property },
        `${this.inputName} line ${line}: ${where} is NaN or Infinity (Python's json.dumps writes a missing number ` +
          'so, as a Mage transformer block does); loaded as NULL. Shown once per property.',
      );
    }
  }
}
