import { extname, isAbsolute, join, relative } from 'node:path';
import { NameClaims, foldName, type NameRules } from '@singer-dest/sdk';
import { CsvError } from './csv-error';

const WINDOWS_RESERVED = /^(?:con|prn|aux|nul|com\d|lpt\d)(?:\.|$)/i;
/** File systems allow 255 bytes a name; keep room for the scheme's text and a `.partN` suffix. */
const MAX_NAME_BYTES = 255;

/**
 * What a file name segment may be: letters, digits, `_`, `.` and `-` only, never empty, never starting with a
 * dot, never a Windows device name, at most 150 bytes (longer names keep a prefix plus a 12-character hash).
 */
export const FILE_NAME_RULES: NameRules = {
  maxBytes: 150,
  disallowed: /[^\p{L}\p{M}\p{N}_.-]/gu,
  mustPrefix: (name) => name === '' || name.startsWith('.') || WINDOWS_RESERVED.test(name),
  hashChars: 12,
  hashSeparator: '-',
};

/**
 * Maps any text (a stream name, a formatted date) to one safe file name segment ({@link FILE_NAME_RULES}); two
 * long names stay distinct through the hash.
 *
 * @example
 * ```ts
 * safeSegment('../etc/passwd'); // '_.._etc_passwd'
 * safeSegment('public-users'); // 'public-users'
 * ```
 */
export function safeSegment(text: string): string {
  return foldName(text, FILE_NAME_RULES);
}

/** The `n`th part of a file: `users.csv`, `users.part2.csv`, `users.part3.csv`, ... */
export function partPath(path: string, part: number): string {
  if (part === 1) return path;
  const extension = extname(path);
  return `${path.slice(0, path.length - extension.length)}.part${part}${extension}`;
}

/** What {@link FileNamer} substitutes besides the stream name; fixed for the whole run. */
export interface NamingStamps {
  datestamp: string;
  timestamp: string;
}

/**
 * Turns stream names into file paths inside the output directory, following `file_naming_scheme`, and refuses
 * two streams that would share a file.
 *
 * @example
 * ```ts
 * const namer = new FileNamer('/data/out', '{stream_name}.csv', { datestamp: '2024-01-02', timestamp: '...' });
 * namer.claim('users', namer.pathFor('users')); // '/data/out/users.csv'
 * ```
 */
export class FileNamer {
  /** Claimed paths (case-folded, as macOS and Windows compare them) and the stream that owns each. */
  private readonly owners = new NameClaims(
    (owner, stream, path) =>
      new CsvError(
        'ERR_CSV_FILE_COLLISION',
        `Streams ${JSON.stringify(owner)} and ${JSON.stringify(stream)} both map to the file ` +
          `${relative(this.outputDir, path)} in output_path (file names keep only letters, digits, "_", "." and "-", ` +
          'and ignore case). Rename one of the streams in the tap (or with stream maps), make sure ' +
          'file_naming_scheme contains {stream_name}, or write the streams in separate runs.',
      ),
    (path) => path.toLowerCase(),
  );

  constructor(
    readonly outputDir: string,
    private readonly scheme: string,
    private readonly stamps: NamingStamps,
  ) {}

  /** The file of `stream`'s first part. Throws when the result would not be a safe path inside the directory. */
  pathFor(stream: string): string {
    const values: Record<string, string> = {
      stream_name: safeSegment(stream),
      datestamp: safeSegment(this.stamps.datestamp),
      timestamp: safeSegment(this.stamps.timestamp),
    };
    const name = this.scheme.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
    const segments = name.split('/');
    const bad = segments.find(
      (s) =>
        s === '' || s === '.' || s === '..' || s.includes('\0') || Buffer.byteLength(s) > MAX_NAME_BYTES - 10,
    );
    const path = join(this.outputDir, ...segments);
    const inside = relative(this.outputDir, path);
    if (bad !== undefined || inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
      throw new CsvError(
        'ERR_CSV_UNSAFE_PATH',
        `The file name ${JSON.stringify(name.slice(0, 80))} for stream ${JSON.stringify(stream.slice(0, 80))} is not ` +
          'a safe path inside output_path (empty segment, "..", or a segment over 245 bytes). Shorten ' +
          'file_naming_scheme or the formats it uses.',
      );
    }
    return path;
  }

  /** Records that `stream` writes `path`; throws if another stream already does. */
  claim(stream: string, path: string): void {
    this.owners.claim(path, stream);
  }
}
