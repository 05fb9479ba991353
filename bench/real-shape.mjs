// The second benchmark input: records shaped like a Postgres tap's output (singer-io tap-postgres on
// singer-python 5.x, and PipelineWise tap-postgres), not like the compact records of the standard input. Real
// tables are wide (20-30 columns), their schemas are JSON Schema draft 4 as singer-python writes them (integer
// bounds of the column type, beyond 2^53 for int8; numeric(p,s) as `multipleOf` 10^-s with `exclusiveMaximum:
// true` bounds), their numeric values carry every digit of the column's scale (psycopg's Decimal, written by
// simplejson with use_decimal), their timestamps are microsecond ISO strings with an offset, and their RECORD
// messages carry `time_extracted`.
//
// json/jsonb columns are objects here (PipelineWise's shape; singer-io's tap sends them as strings).
//
// Each column is one spec: its JSON Schema and how a value is made, so schema, record and CSV cannot disagree.

import { ExactLiteral } from './exact-literal.mjs';

const INT8 = { minimum: -9223372036854775808n, maximum: 9223372036854775807n };
const INT4 = { minimum: -2147483648, maximum: 2147483647 };
const INT2 = { minimum: -32768, maximum: 32767 };

const nullable = (types) => ['null', ...types];
/** singer-python's integer column: bounds from the column type (int8's beyond 2^53, written as bare literals). */
const integer = (bounds, isNullable = true) => ({
  type: isNullable ? nullable(['integer']) : ['integer'],
  minimum: typeof bounds.minimum === 'bigint' ? new ExactLiteral(String(bounds.minimum)) : bounds.minimum,
  maximum: typeof bounds.maximum === 'bigint' ? new ExactLiteral(String(bounds.maximum)) : bounds.maximum,
});
/** `10 ** k` as Python's json writes it: an int for k >= 0, else a float's repr (0.01, 0.0001, 1e-05, 1e-10). */
function pythonPowerOfTen(k) {
  if (k >= 0) return `1${'0'.repeat(k)}`;
  return -k <= 4 ? `0.${'0'.repeat(-k - 1)}1` : `1e-${String(-k).padStart(2, '0')}`;
}
/** numeric(p,s) as tap-postgres writes it (singer-io tap_postgres schema_for_column): draft-4 exclusive bounds of 10^(p-s) and a multipleOf step. */
const numeric = (precision, scale) => ({
  type: nullable(['number']),
  exclusiveMaximum: true,
  maximum: new ExactLiteral(`1${'0'.repeat(precision - scale)}`),
  multipleOf: new ExactLiteral(pythonPowerOfTen(-scale)),
  exclusiveMinimum: true,
  minimum: new ExactLiteral(`-1${'0'.repeat(precision - scale)}`),
});
const varchar = (maxLength) => ({ type: nullable(['string']), maxLength });
const text = () => ({ type: nullable(['string']) });
const dateTime = () => ({ type: nullable(['string']), format: 'date-time' });
const boolean = () => ({ type: nullable(['boolean']) });
const double = () => ({ type: nullable(['number']) });
const jsonb = () => ({ type: nullable(['object']), properties: {} });
const textArray = () => ({ type: nullable(['array']), items: { type: nullable(['string']) } });
const intArray = () => ({ type: nullable(['array']), items: { type: nullable(['integer']) } });

const BASE_TIME = Date.UTC(2023, 5, 1);
/** tap-postgres's timestamptz: microseconds and an explicit offset. */
const timestamp = (ms, micros) =>
  `${new Date(ms).toISOString().slice(0, 19)}.${String(micros).padStart(6, '0')}+00:00`;
/** A date column: tap-postgres sends it as a date-time at midnight. */
const date = (ms) => `${new Date(ms).toISOString().slice(0, 10)}T00:00:00+00:00`;
/** numeric(p,s) as psycopg's Decimal prints it: every digit of the scale, trailing zeros kept. */
const decimal = (random, intDigits, scale) => {
  const whole = Array.from({ length: random.int(1, intDigits) }, (_, i) =>
    i === 0 ? random.int(1, 9) : random.int(0, 9),
  ).join('');
  const fraction = Array.from({ length: scale }, () => random.int(0, 9)).join('');
  const sign = random.chance(0.05) ? '-' : '';
  return new ExactLiteral(scale === 0 ? `${sign}${whole}` : `${sign}${whole}.${fraction}`);
};
const uuid = (random) => {
  const hex = () => random.int(0, 0xffff).toString(16).padStart(4, '0');
  return `${hex()}${hex()}-${hex()}-4${hex().slice(1)}-a${hex().slice(1)}-${hex()}${hex()}${hex()}`;
};
const maybe = (random, p, make) => (random.chance(p) ? null : make());

const WORDS = [
  'alpha',
  'Ünïcödé',
  '東京都',
  "O'Reilly",
  'say "hi"',
  'tab\there',
  'a,b;c',
  'naïve café',
  '🚀 launch',
];
const NOTES = [
  'Line one\nline two, with a comma',
  'Back\\slash and a "quote"',
  'Windows line\r\nend',
  'Ελληνικά και 日本語のテキスト',
  '',
];
const words = (random, n) => Array.from({ length: n }, () => random.pick(WORDS)).join(' ');

/** Column specs per stream: [name, schema, make(random, id, t)]. */
const TABLES = {
  accounts: [
    ['id', integer(INT8, false), (_r, id) => id],
    ['org_id', integer(INT4), (r) => r.int(1, 50_000)],
    ['region_code', integer(INT2), (r) => r.int(1, 300)],
    ['external_id', text(), (r) => uuid(r)],
    ['name', varchar(255), (r) => words(r, 3)],
    ['legal_name', text(), (r) => maybe(r, 0.3, () => `${words(r, 2)} GmbH & Co. KG`)],
    ['email', varchar(320), (_r, id) => `account${id}@example.com`],
    ['phone', varchar(32), (r) => maybe(r, 0.4, () => `+49 30 ${r.int(1000000, 9999999)}`)],
    ['country', { ...varchar(2), minLength: 2 }, (r) => r.pick(['DE', 'JP', 'BR', 'US', 'GR'])],
    ['status', varchar(16), (r) => r.pick(['active', 'suspended', 'closed'])],
    ['plan', text(), (r) => r.pick(['free', 'team', 'enterprise'])],
    ['balance', numeric(38, 10), (r) => decimal(r, 12, 10)],
    ['credit_limit', numeric(12, 2), (r) => decimal(r, 8, 2)],
    ['discount_rate', double(), (r) => r.int(0, 10_000) / 10_000],
    ['score', double(), (r) => maybe(r, 0.2, () => r.next() * 1000)],
    ['is_active', boolean(), (r) => r.chance(0.9)],
    ['is_verified', boolean(), (r) => maybe(r, 0.3, () => r.chance(0.5))],
    ['created_at', dateTime(), (r, _id, t) => timestamp(t - 86_400_000 * r.int(1, 900), r.int(0, 999_999))],
    ['updated_at', dateTime(), (r, _id, t) => timestamp(t, r.int(0, 999_999))],
    [
      'birth_date',
      dateTime(),
      (r) => maybe(r, 0.5, () => date(Date.UTC(1950, 0, 1) + r.int(0, 18_000) * 86_400_000)),
    ],
    [
      'last_login_ip',
      text(),
      (r) => maybe(r, 0.3, () => `10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`),
    ],
    ['tags', textArray(), (r) => (r.chance(0.3) ? [] : [r.pick(WORDS), r.pick(WORDS)])],
    [
      'settings',
      jsonb(),
      (r) => ({
        theme: r.pick(['dark', 'light']),
        notify: { email: r.chance(0.5), sms: null },
        limits: [r.int(1, 9), r.int(10, 99)],
      }),
    ],
    ['notes', text(), (r) => maybe(r, 0.5, () => r.pick(NOTES))],
    ['version', integer(INT4), (r) => r.int(1, 40)],
    ['deleted', boolean(), () => false],
  ],
  transactions: [
    ['id', integer(INT8, false), (_r, id) => id],
    ['account_id', integer(INT8), (r) => r.int(1, 200_000)],
    [
      'ledger_entry',
      integer(INT8),
      (r, id) => new ExactLiteral(`${9_000_000_000_000_000n + BigInt(id) * 7n + BigInt(r.int(0, 6))}`),
    ],
    ['amount', numeric(38, 10), (r) => decimal(r, 9, 10)],
    ['fee', numeric(10, 4), (r) => decimal(r, 3, 4)],
    ['tax', numeric(12, 2), (r) => maybe(r, 0.3, () => decimal(r, 5, 2))],
    ['fx_rate', numeric(20, 8), (r) => decimal(r, 3, 8)],
    ['currency', { ...varchar(3), minLength: 3 }, (r) => r.pick(['EUR', 'USD', 'JPY', 'BRL'])],
    ['kind', varchar(20), (r) => r.pick(['debit', 'credit', 'refund', 'chargeback'])],
    ['description', text(), (r) => words(r, 5)],
    ['reference', varchar(64), (r) => `REF-${r.int(100000, 999999)}-${r.pick(['A', 'B', 'Ω'])}`],
    ['booked_at', dateTime(), (r, _id, t) => timestamp(t, r.int(0, 999_999))],
    ['value_date', dateTime(), (_r, _id, t) => date(t)],
    [
      'settled_at',
      dateTime(),
      (r, _id, t) => maybe(r, 0.4, () => timestamp(t + 3_600_000, r.int(0, 999_999))),
    ],
    ['is_reversal', boolean(), (r) => r.chance(0.02)],
    ['channel', text(), (r) => r.pick(['web', 'api', 'pos', 'batch'])],
    ['merchant_category', integer(INT2), (r) => maybe(r, 0.5, () => r.int(1000, 9999))],
    ['line_items', intArray(), (r) => [r.int(1, 99), r.int(1, 99)]],
    [
      'metadata',
      jsonb(),
      (r) => maybe(r, 0.2, () => ({ source: r.pick(WORDS), batch: r.int(1, 1000), flags: ['x', 'y'] })),
    ],
    ['memo', text(), (r) => maybe(r, 0.7, () => r.pick(NOTES))],
    ['created_by', varchar(64), (r) => r.pick(['system', 'jürgen', 'ひろし', 'ops-bot'])],
    ['updated_at', dateTime(), (r, _id, t) => timestamp(t + 1000, r.int(0, 999_999))],
  ],
  audit_log: [
    ['id', integer(INT8, false), (_r, id) => id],
    ['actor_id', integer(INT8), (r) => maybe(r, 0.1, () => r.int(1, 200_000))],
    ['action', varchar(40), (r) => r.pick(['login', 'update', 'delete', 'export', 'grant'])],
    ['entity', varchar(40), (r) => r.pick(['account', 'transaction', 'user'])],
    ['entity_id', text(), (r) => uuid(r)],
    ['occurred_at', dateTime(), (r, _id, t) => timestamp(t, r.int(0, 999_999))],
    ['ip', text(), (r) => `192.0.2.${r.int(1, 254)}`],
    ['user_agent', text(), (r) => r.pick(['Mozilla/5.0 (X11; Linux x86_64)', 'curl/8.5.0', 'okhttp/4.12'])],
    ['success', boolean(), (r) => r.chance(0.97)],
    ['duration_ms', integer(INT4), (r) => r.int(0, 20_000)],
    ['latency', double(), (r) => r.next() * 3],
    ['severity', integer(INT2), (r) => r.int(0, 7)],
    ['before', jsonb(), (r) => maybe(r, 0.5, () => ({ name: words(r, 2), limit: r.int(1, 1e6) }))],
    [
      'after',
      jsonb(),
      (r) => maybe(r, 0.3, () => ({ name: words(r, 2), limit: r.int(1, 1e6), note: r.pick(NOTES) })),
    ],
    ['request_id', text(), (r) => uuid(r)],
    ['session_id', text(), (r) => maybe(r, 0.2, () => uuid(r))],
    ['message', text(), (r) => `${r.pick(WORDS)}: ${r.pick(NOTES)}`],
    ['labels', textArray(), (r) => (r.chance(0.5) ? [] : [r.pick(WORDS)])],
    ['amount_delta', numeric(38, 10), (r) => maybe(r, 0.6, () => decimal(r, 6, 10))],
    ['archived', boolean(), (r) => maybe(r, 0.9, () => true)],
  ],
};

export const REAL_SHAPE = {
  name: 'real',
  schemas: Object.fromEntries(
    Object.entries(TABLES).map(([stream, columns]) => [
      stream,
      {
        type: 'object',
        properties: Object.fromEntries(columns.map(([name, schema]) => [name, schema])),
        definitions: {},
      },
    ]),
  ),
  replicationKeys: { accounts: 'updated_at', transactions: 'updated_at', audit_log: 'occurred_at' },
  /** Cumulative share of records per stream. */
  weights: [
    ['accounts', 0.15],
    ['transactions', 0.6],
    ['audit_log', 1],
  ],
  makeRecord(stream, id, random) {
    const t = BASE_TIME + id * 5_000 + random.int(0, 4_999);
    return Object.fromEntries(TABLES[stream].map(([name, , make]) => [name, make(random, id, t)]));
  },
  /** singer-python's RECORD carries the extraction time (and PipelineWise's the stream's version). */
  recordExtras(id) {
    return { time_extracted: `${new Date(BASE_TIME + id * 5_000).toISOString().slice(0, 19)}.000000Z` };
  },
  stateOf(bookmarks) {
    return { currently_syncing: null, bookmarks };
  },
};
