import type { CsvEncoding } from './config';

const NODE_ENCODING: Record<CsvEncoding, BufferEncoding> = {
  'utf-8': 'utf8',
  'utf-8-sig': 'utf8',
  'utf-16le': 'utf16le',
  'latin-1': 'latin1',
  ascii: 'latin1',
};
/** Characters an encoding cannot hold; for UTF encodings, lone surrogates (checked with isWellFormed). */
const UNREPRESENTABLE: Partial<Record<CsvEncoding, RegExp>> = {
  'latin-1': /[^\0-\xff]/,
  ascii: /[^\0-\x7f]/,
};
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Encodes CSV text for one of the `encoding` settings, refusing text it would mangle (a character latin-1 or
 * ASCII cannot hold, or a lone UTF-16 surrogate, which UTF-8 would turn into U+FFFD) rather than writing it wrong.
 *
 * @example
 * ```ts
 * const encoder = new TextEncoding('latin-1');
 * encoder.encode('café'); // Buffer <63 61 66 e9>
 * encoder.firstUnrepresentable('日本'); // 0
 * ```
 */
export class TextEncoding {
  private readonly node: BufferEncoding;
  private readonly unrepresentable: RegExp | undefined;

  constructor(readonly name: CsvEncoding) {
    this.node = NODE_ENCODING[name];
    this.unrepresentable = UNREPRESENTABLE[name];
  }

  /** The byte-order mark a new file starts with (utf-8-sig only). */
  get bom(): Buffer {
    return this.name === 'utf-8-sig' ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0);
  }

  /**
   * True for latin-1 and ASCII, which cannot hold most characters. For the UTF encodings only a lone surrogate is
   * unrepresentable, and the SDK refuses records holding one (`ERR_LONE_SURROGATE`) before they are encoded.
   */
  get isLimited(): boolean {
    return this.unrepresentable !== undefined;
  }

  /** Index of the first character this encoding cannot write exactly, or -1. */
  firstUnrepresentable(text: string): number {
    if (this.unrepresentable !== undefined) return text.search(this.unrepresentable);
    if ((text as unknown as { isWellFormed(): boolean }).isWellFormed()) return -1;
    return text.search(LONE_SURROGATE);
  }

  /** The bytes of `text` (call {@link firstUnrepresentable} first). */
  encode(text: string): Buffer {
    return Buffer.from(text, this.node);
  }
}
