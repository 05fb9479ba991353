import { createHash } from 'node:crypto';

/**
 * A destination's rules for names (tables, columns, files): what its target allows. Everything but `maxBytes`
 * has a default that changes nothing.
 */
export interface NameRules {
  /** The longest name in UTF-8 bytes; a longer one keeps a prefix plus a hash of the whole name. */
  readonly maxBytes: number;
  /** Case folding: `lower` for targets that fold unquoted names (PostgreSQL), `upper`, or `keep` (default). */
  readonly case?: 'lower' | 'upper' | 'keep';
  /** Characters the target does not allow (a global regular expression); each is replaced by `replacement`. */
  readonly disallowed?: RegExp;
  /** What replaces a disallowed character, and prefixes a name that `mustPrefix` refuses. Default `_`. */
  readonly replacement?: string;
  /** Names the target refuses as they are (an empty name, a leading dot, a device name): prefixed with `replacement`. */
  readonly mustPrefix?: (name: string) => boolean;
  /** Hex characters of the SHA-256 kept when shortening. Default 8. */
  readonly hashChars?: number;
  /** Between the kept prefix and the hash. Default `_`. */
  readonly hashSeparator?: string;
}

/** The longest prefix of `text` that fits in `maxBytes` UTF-8 bytes without splitting a character. */
function utf8Prefix(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}

function foldCase(name: string, rule: NameRules['case']): string {
  if (rule === 'lower') return name.toLowerCase();
  if (rule === 'upper') return name.toUpperCase();
  return name;
}

/**
 * A name as the target can hold it: Unicode NFC, case folded, disallowed characters replaced, prefixed when the
 * target refuses it as it is, and, when over `maxBytes`, a prefix plus `hashSeparator` plus a hash of the whole
 * (case-folded) name, so the result is deterministic and two long names that share a prefix still differ. Two
 * different names can still fold to one: claim the results with {@link NameClaims} to refuse that clearly.
 *
 * @example
 * ```ts
 * foldName('clientName', { maxBytes: 63, case: 'lower' });           // 'clientname'
 * foldName('x'.repeat(100), { maxBytes: 63, case: 'lower' });        // 54 x's, '_', 8 hex characters
 * foldName('../etc', { maxBytes: 150, disallowed: /[^\w.-]/gu });     // '.._etc'
 * ```
 */
export function foldName(name: string, rules: NameRules): string {
  const replacement = rules.replacement ?? '_';
  const folded = foldCase(name.normalize('NFC'), rules.case);
  let result = rules.disallowed === undefined ? folded : folded.replace(rules.disallowed, replacement);
  if (rules.mustPrefix?.(result)) result = replacement + result;
  if (Buffer.byteLength(result, 'utf8') <= rules.maxBytes) return result;
  const hashChars = rules.hashChars ?? 8;
  const separator = rules.hashSeparator ?? '_';
  const hash = createHash('sha256').update(folded).digest('hex').slice(0, hashChars);
  const room = rules.maxBytes - hashChars - Buffer.byteLength(separator, 'utf8');
  return `${utf8Prefix(result, room)}${separator}${hash}`;
}

/**
 * Who owns each folded name, so two sources (streams, properties) that land on one name fail with one clear
 * error instead of mixing their rows. The error is the destination's own (its code names the cause).
 *
 * @example
 * ```ts
 * const tables = new NameClaims((owner, other, name) =>
 *   new MyError('ERR_MY_NAME_COLLISION', `Streams "${owner}" and "${other}" both map to table ${name}.`));
 * tables.claim('users', 'Users');
 * tables.claim('users', 'users'); // throws MyError
 * ```
 */
export class NameClaims {
  private readonly owners = new Map<string, string>();

  /**
   * @param collision makes the error for `other` claiming a name `owner` holds.
   * @param compareAs the form names are compared in (e.g. lower case, for case-insensitive file systems).
   */
  constructor(
    private readonly collision: (owner: string, other: string, name: string) => Error,
    private readonly compareAs: (name: string) => string = (name) => name,
  ) {}

  /** Records that `owner` uses `name`; throws the collision error if another owner already does. */
  claim(name: string, owner: string): void {
    const key = this.compareAs(name);
    const holder = this.owners.get(key);
    if (holder !== undefined && holder !== owner) throw this.collision(holder, owner, name);
    this.owners.set(key, owner);
  }
}

/**
 * Folds every name and refuses two that land on one: the map from each name to its folded form, in order.
 *
 * @example
 * ```ts
 * foldNames(['id', 'Name'], { maxBytes: 63, case: 'lower' }, collide); // Map { 'id' => 'id', 'Name' => 'name' }
 * foldNames(['id', 'ID'], { maxBytes: 63, case: 'lower' }, collide);   // throws collide('id', 'ID', 'id')
 * ```
 */
export function foldNames(
  names: Iterable<string>,
  rules: NameRules,
  collision: (owner: string, other: string, name: string) => Error,
): Map<string, string> {
  const claims = new NameClaims(collision);
  const folded = new Map<string, string>();
  for (const name of names) {
    const result = foldName(name, rules);
    claims.claim(result, name);
    folded.set(name, result);
  }
  return folded;
}

/**
 * The schema and table a stream loads into, as Singer table destinations name them: a stream `schema-table`
 * (tap-postgres's `public-users`, or `db-schema-table`) goes to that schema and table unless `defaultSchema` is
 * set; any other stream to a table of its own name in `defaultSchema`, else in `fallbackSchema`. The names are as
 * the stream has them: fold them with the target's {@link NameRules}.
 *
 * @example
 * ```ts
 * streamTableName('public-users', { fallbackSchema: 'main' }); // { schema: 'public', table: 'users' }
 * streamTableName('users', { defaultSchema: 'raw', fallbackSchema: 'main' }); // { schema: 'raw', table: 'users' }
 * ```
 */
export function streamTableName(
  stream: string,
  options: { defaultSchema?: string; fallbackSchema: string },
): { schema: string; table: string } {
  const parts = stream.split('-');
  const named = (parts.length === 2 || parts.length === 3) && parts.every((p) => p.length > 0);
  return {
    schema: options.defaultSchema ?? (named ? parts[parts.length - 2]! : options.fallbackSchema),
    table: named ? parts[parts.length - 1]! : stream,
  };
}
