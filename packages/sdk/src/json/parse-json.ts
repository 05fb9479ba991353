import { randomBytes } from 'node:crypto';
import { isSafeNumber } from 'lossless-json';
import { ExactNumber } from './exact-number';

// A number literal without an exponent can lose digits in a double only if it has 16 or more significant digits.
// One with an exponent may overflow, underflow, or stand for an integer beyond 2^53 (1e40, 99999e11), which a
// double holds only approximately; taps write exponents rarely (Python's float repr only below 1e-4 and from 1e16).
// Lines with neither are done after JSON.parse. One pattern for both, and one scan of each line: the search for
// candidates is the test (a separate test first scanned most real-shaped lines twice, as most hold such a literal).
// Spelled out (`[\d.][\d.]...` rather than `[\d.]{15}`): V8 scans a fixed sequence many times faster than a
// counted repetition, and this runs on every line. An exponent is matched with the digits after it and followed
// by the character that ends the literal (`,`, `]`, `}`, white space or the end of the text: the only ones JSON
// allows after a number), so hex digits in strings (uuids: "e2e8e5e4-...") are not candidates; they were half the
// candidates of the real-shaped input.
const MAY_LOSE_DIGITS_ALL = new RegExp(`\\d(?:${'[\\d.]'.repeat(15)}|[eE][-+]?\\d+(?=[,\\]}\\s]|$))`, 'g');
/** A whole JSON number literal. */
const NUMBER_LITERAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

// Where a number literal outside a string can start and end: after `:`, `,`, `[` or white space, before `,`, `}`,
// `]`, white space or the end. A digit run in a string usually sits elsewhere ("REF-1234...", "2023-06-01T...").
const CAN_PRECEDE = new Uint8Array(128);
const CAN_FOLLOW = new Uint8Array(128);
for (const c of ':,[ \t\n\r') CAN_PRECEDE[c.charCodeAt(0)] = 1;
for (const c of ',}] \t\n\r') CAN_FOLLOW[c.charCodeAt(0)] = 1;

/** Characters of a number literal: digits, `-`, `+`, `.`, `e`, `E`. */
function isLiteralChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}

const MAX_SAFE_INTEGER_TEXT = String(Number.MAX_SAFE_INTEGER);

/**
 * Whether a double holds the literal exactly, as lossless-json's isSafeNumber decides (its significant digits are
 * those of the double's shortest form; an integer is a safe integer), answered here without float conversions for
 * the common literals: without an exponent and at most 40 characters (above the subnormal range), at most 15
 * significant digits always fit, more than 17 never do, and a 16-digit integer fits up to 2^53 - 1.
 */
function isExactInDouble(literal: string): boolean {
  if (literal.length <= 40) {
    let first = -1; // the first and last non-zero digit
    let last = -1;
    let point = -1;
    for (let i = 0; i < literal.length; i++) {
      const c = literal.charCodeAt(i);
      if (c >= 0x31 && c <= 0x39) {
        if (first === -1) first = i;
        last = i;
      } else if (c === 0x2e) point = i;
      else if (c === 0x65 || c === 0x45) return isSafeNumber(literal);
    }
    if (first === -1) return true; // a zero
    const end = point === -1 ? literal.length : Math.max(point + 1, last + 1);
    const leading = end - first - (point > first && point < end ? 1 : 0); // digits from the first non-zero on
    if (leading <= 15) return true;
    const significant = last - first + 1 - (point > first && point < last ? 1 : 0);
    if (significant > 17) return false;
    if (point === -1 && leading === 16) return literal.slice(first) <= MAX_SAFE_INTEGER_TEXT;
  }
  return isSafeNumber(literal);
}

/** A literal of the text that a double cannot hold exactly, and where it is. */
interface UnsafeLiteral {
  start: number;
  end: number;
  text: string;
}

/**
 * The number literals in `text` that a double cannot hold, in order; or undefined when there are none. Strings are
 * not skipped here: a digit run in a string that looks like such a literal is returned too, and
 * {@link keepOutsideStrings} drops it. What is never missed: every literal outside strings that needs exactness
 * has a run MAY_LOSE_DIGITS_ALL matches, and outside strings the literal reaches exactly as far as its characters go.
 */
function findUnsafeLiterals(text: string): UnsafeLiteral[] | undefined {
  let found: UnsafeLiteral[] | undefined;
  const pattern = MAY_LOSE_DIGITS_ALL;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    let start = match.index;
    let end = start + match[0].length;
    while (start > 0 && isLiteralChar(text.charCodeAt(start - 1))) start--;
    while (end < text.length && isLiteralChar(text.charCodeAt(end))) end++;
    pattern.lastIndex = end;
    if (start > 0 && CAN_PRECEDE[text.charCodeAt(start - 1)] !== 1) continue;
    if (end < text.length && CAN_FOLLOW[text.charCodeAt(end)] !== 1) continue;
    const literal = text.slice(start, end);
    if (!NUMBER_LITERAL.test(literal) || isExactInDouble(literal)) continue;
    (found ??= []).push({ start, end, text: literal });
  }
  return found;
}

/** The literals outside strings that a double cannot hold, or undefined when there are none. */
function findExactLiterals(text: string): UnsafeLiteral[] | undefined {
  const candidates = findUnsafeLiterals(text);
  const literals = candidates && keepOutsideStrings(text, candidates);
  return literals === undefined || literals.length === 0 ? undefined : literals;
}

/** The index just past the string whose opening quote is at `quote`. */
function endOfString(text: string, quote: number): number {
  let from = quote + 1;
  for (;;) {
    const close = text.indexOf('"', from);
    if (close === -1) return text.length; // not reached: JSON.parse accepted the text
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return close + 1;
    from = close + 1;
  }
}

/** The literals that are not inside a string (jumping from quote to quote with indexOf: no loop over each char). */
function keepOutsideStrings(text: string, literals: UnsafeLiteral[]): UnsafeLiteral[] {
  const outside: UnsafeLiteral[] = [];
  let at = 0; // a position outside any string
  for (const literal of literals) {
    for (;;) {
      const quote = text.indexOf('"', at);
      if (quote === -1 || quote > literal.start) {
        outside.push(literal);
        break;
      }
      const end = endOfString(text, quote);
      if (end > literal.start) break; // inside this string; the next literal starts its search here
      at = end;
    }
  }
  return outside;
}

// The exact literals are put back by replacing each with a marker string, parsing that text, and swapping each
// marker for its ExactNumber. JSON.parse then settles everything else as it does for every other line (duplicate
// keys, `__proto__` keys, escapes). The marker carries a random per-process nonce, so no string a tap sends can
// pass for one; its first character, a control character, makes the check of almost every string one comparison.
const NONCE = randomBytes(6).toString('hex');
const MARKER = `\u0001${NONCE}:`;
/** The marker as the JSON text spells it (a control character must be escaped in a JSON string). */
const MARKER_JSON = `"\\u0001${NONCE}:`;
const MARKER_FIRST = MARKER.charCodeAt(0);

function markerIndex(item: unknown): number {
  return typeof item === 'string' && item.charCodeAt(0) === MARKER_FIRST && item.startsWith(MARKER)
    ? Number(item.slice(MARKER.length))
    : -1;
}

/**
 * Replaces, in place, every marker string in a value parsed from {@link withMarkers}'s text by its ExactNumber,
 * and makes the approximate value beside it: the same objects where nothing was replaced, a shallow copy with plain
 * numbers along the way to each replaced one. Copying those few containers costs far less than a second JSON.parse.
 */
class ExactRestorer {
  restored = 0;
  /** Markers not found yet: the walk stops when none are left (exact literals sit mostly near the top). */
  private remaining: number;

  constructor(private readonly exact: ExactNumber[]) {
    this.remaining = exact.length;
  }

  /** Restores `node`'s children; returns its approximate twin (`node` itself when nothing in it changed). */
  restore(node: unknown): unknown {
    if (typeof node !== 'object' || node === null) return node;
    if (Array.isArray(node)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < node.length && this.remaining > 0; i++) {
        const item: unknown = node[i];
        const approximate = this.restoreChild(node, i);
        if (approximate === item) continue;
        copy ??= node.slice();
        copy[i] = approximate;
      }
      return copy ?? node;
    }
    const object = node as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(object)) {
      if (this.remaining === 0) break;
      const item = object[key];
      const approximate = this.restoreChild(object, key);
      if (approximate === item) continue;
      copy ??= { ...object };
      copy[key] = approximate;
    }
    return copy ?? object;
  }

  /**
   * Restores `holder[key]`: a marker becomes its exact value there, and the returned approximate twin holds its
   * double; any other value is restored in depth. Returns the child itself when nothing in it changed.
   */
  private restoreChild(holder: Record<string, unknown> | unknown[], key: string | number): unknown {
    const slots = holder as Record<string | number, unknown>;
    const item = slots[key];
    const index = markerIndex(item);
    if (index === -1) return this.restore(item);
    const value = this.exact[index]!;
    // A `__proto__` key is an own data property here (JSON.parse and the spread in restore make it so), and
    // assigning to an own property sets it: the prototype is never touched.
    slots[key] = value;
    this.restored++;
    this.remaining--;
    return Number(value.text);
  }
}

/** `text` with each literal replaced by a marker string naming its index. */
function withMarkers(text: string, literals: UnsafeLiteral[]): string {
  let out = '';
  let at = 0;
  for (let i = 0; i < literals.length; i++) {
    const literal = literals[i]!;
    out += `${text.slice(at, literal.start)}${MARKER_JSON}${i}"`;
    at = literal.end;
  }
  return out + text.slice(at);
}

/** The result of {@link parseJsonExact}. */
export interface ParsedJson {
  /** The value, with {@link ExactNumber} where a JavaScript number would round. */
  value: unknown;
  /** The same value with every number as a plain (possibly rounded) number, for schema validation. */
  approximate: unknown;
  /** True when `value` holds at least one {@link ExactNumber}, i.e. `value !== approximate`. */
  hasExactNumbers: boolean;
}

/**
 * Parses JSON without rounding any number. Throws `SyntaxError` like `JSON.parse`; duplicate keys and `__proto__`
 * keys mean what they mean to `JSON.parse` (the last one wins; an own property).
 *
 * @example
 * ```ts
 * const { value } = parseJsonExact('{"id": 18446744073709551616}');
 * (value as { id: ExactNumber }).id.text; // '18446744073709551616'
 * ```
 */
export function parseJsonExact(text: string): ParsedJson {
  // The common case: one scan of the text, one JSON.parse, nothing else allocated.
  const literals = findExactLiterals(text);
  if (literals === undefined) {
    const value: unknown = JSON.parse(text);
    return { value, approximate: value, hasExactNumbers: false };
  }
  // Lines with a literal that a double cannot hold are many in real data (numeric(38,10) columns): one JSON.parse
  // of the text with those literals as marker strings, and a walk (lossless-json's parser took ~7x JSON.parse).
  let value: unknown;
  try {
    value = JSON.parse(withMarkers(text, literals));
  } catch (error) {
    JSON.parse(text); // throws JSON.parse's own error, whose position counts in the text as given
    throw error;
  }
  const exact = literals.map((literal) => new ExactNumber(literal.text));
  const index = markerIndex(value);
  if (index !== -1)
    return { value: exact[index], approximate: Number(literals[index]!.text), hasExactNumbers: true };
  const restorer = new ExactRestorer(exact);
  const approximate = restorer.restore(value);
  // Markers can all vanish with the duplicate keys they stood under: then nothing was at risk after all.
  return { value, approximate, hasExactNumbers: restorer.restored > 0 };
}
