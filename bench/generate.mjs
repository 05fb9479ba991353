#!/usr/bin/env node
// Deterministic (seeded) Singer input for the benchmark, plus the same rows as PostgreSQL CSV for row (f).
//
//   node bench/generate.mjs --records 1000000 [--shape standard|real]   prints the cached file's path (generates it if needed)
//
// Files are cached under .bench/ by record count and generator version, so every benchmark row reads the same
// bytes and a rerun does not pay for generation again. Bump GENERATOR_VERSION whenever the output changes.
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { EXACT_TOKEN, ExactLiteral } from './exact-literal.mjs';
import { REAL_SHAPE } from './real-shape.mjs';

export const GENERATOR_VERSION = 2;
export const BENCH_DIR = resolve(fileURLToPath(new URL('..', import.meta.url)), '.bench');
const SEED = 0x5eed2026;
const STATE_EVERY = 10_000;
/** One in this many orders carries an amount with more digits than a double holds (the exact-number path). */
const EXACT_AMOUNT_EVERY = 200;

/** mulberry32: tiny, fast, good enough for test data, and the same sequence on every machine. */
function createRandom(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

// Text that breaks naive writers: quotes, commas, newlines, backslashes, accents, CJK, emoji.
const FIRST = [
  'Zoë',
  'José',
  'Łukasz',
  '张伟',
  'Anna',
  "O'Brien",
  'Müller',
  'Ødegaard',
  'Aoife',
  'Ngozi',
  'Sven',
];
const LAST = [
  'Smith',
  'García',
  'Nguyễn',
  '山田',
  'Kowalski',
  'Ivanov',
  'Dubois',
  'Okafor',
  'Björk',
  'Rossi',
];
const CITIES = ['São Paulo', 'Zürich', 'Kraków', '東京', 'New York, NY', 'Reykjavík', 'Lagos', 'Montréal'];
const COUNTRIES = ['BR', 'CH', 'PL', 'JP', 'US', 'IS', 'NG', 'CA'];
const TAGS = ['vip', 'new', 'churn-risk', 'b2b', 'newsletter', 'beta', 'émigré', 'a,b'];
const STATUSES = ['pending', 'paid', 'shipped', 'cancelled', 'refunded'];
const KINDS = ['page_view', 'click', 'signup', 'purchase', 'logout'];
const PATHS = ['/', '/pricing', '/docs/getting-started', '/cart?items=3&coupon=X', '/søk?q=bær'];
const AGENTS = ['Mozilla/5.0 (X11)', 'curl/8.5.0', 'Safari/17.0'];
const NOTES = [
  'He said "ship it", then left.',
  'Line one\nline two, with a comma',
  'Back\\slash and a tab\there',
  'Emoji 🚀 and ümlauts',
  'Quote at end"',
  'Windows line\r\nend',
  '',
];

const SCHEMAS = {
  customers: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      name: { type: 'string' },
      email: { type: ['string', 'null'] },
      address: { type: ['string', 'null'] },
      balance: { type: 'number' },
      active: { type: 'boolean' },
      updated_at: { type: ['string', 'null'], format: 'date-time' },
      tags: { type: 'array', items: { type: 'string' } },
      profile: {
        type: ['object', 'null'],
        properties: {
          tier: { type: 'string' },
          score: { type: 'number' },
          prefs: {
            type: 'object',
            properties: { newsletter: { type: 'boolean' }, lang: { type: 'string' } },
          },
        },
      },
      note: { type: ['string', 'null'] },
    },
  },
  orders: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      customer_id: { type: 'integer' },
      amount: { type: 'number' },
      currency: { type: 'string' },
      status: { type: 'string' },
      ordered_at: { type: 'string', format: 'date-time' },
      shipped_at: { type: ['string', 'null'], format: 'date-time' },
      items: {
        type: 'array',
        items: {
          type: 'object',
          properties: { sku: { type: 'string' }, qty: { type: 'integer' }, price: { type: 'number' } },
        },
      },
      shipping: {
        type: 'object',
        properties: {
          city: { type: 'string' },
          country: { type: 'string' },
          zip: { type: ['string', 'null'] },
        },
      },
      comment: { type: ['string', 'null'] },
    },
  },
  events: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      user_id: { type: ['integer', 'null'] },
      kind: { type: 'string' },
      occurred_at: { type: 'string', format: 'date-time' },
      duration_ms: { type: ['number', 'null'] },
      payload: {
        type: 'object',
        properties: {
          path: { type: 'string' },
          referrer: { type: ['string', 'null'] },
          agent: { type: 'string' },
        },
      },
      labels: { type: 'array', items: { type: 'string' } },
      message: { type: 'string' },
    },
  },
};

const BASE_TIME = Date.UTC(2024, 0, 1);
const iso = (ms) => new Date(ms).toISOString();
const money = (random, max) => Math.round(random.next() * max * 100) / 100;

function makeStandardRecord(stream, id, random) {
  const t = BASE_TIME + id * 7_000 + random.int(0, 6_999);
  switch (stream) {
    case 'customers':
      return {
        id,
        name: `${random.pick(FIRST)} ${random.pick(LAST)}`,
        email: random.chance(0.1) ? null : `user${id}@example.com`,
        address: random.chance(0.2)
          ? null
          : `${random.int(1, 999)} Main St,\nApt ${random.int(1, 99)}, ${random.pick(CITIES)}`,
        balance: money(random, 100_000),
        active: random.chance(0.8),
        updated_at: random.chance(0.3) ? null : iso(t),
        tags: [random.pick(TAGS), random.pick(TAGS)],
        profile: random.chance(0.1)
          ? null
          : {
              tier: random.pick(['gold', 'silver', 'bronze']),
              score: random.int(0, 1000) / 10,
              prefs: { newsletter: random.chance(0.5), lang: random.pick(['en', 'pt-BR', 'ja']) },
            },
        note: random.chance(0.5) ? null : random.pick(NOTES),
      };
    case 'orders':
      return {
        id,
        customer_id: random.int(1, 200_000),
        amount:
          id % EXACT_AMOUNT_EVERY === 0
            ? new ExactLiteral(`${random.int(1e8, 9e8)}${random.int(1e8, 9e8)}.${random.int(10, 99)}`)
            : money(random, 5_000),
        currency: random.pick(['EUR', 'USD', 'JPY', 'BRL']),
        status: random.pick(STATUSES),
        ordered_at: iso(t),
        shipped_at: random.chance(0.4) ? null : iso(t + 3_600_000),
        items: Array.from({ length: random.chance(0.3) ? 2 : 1 }, () => ({
          sku: `SKU-${random.int(1000, 9999)}`,
          qty: random.int(1, 5),
          price: money(random, 500),
        })),
        shipping: {
          city: random.pick(CITIES),
          country: random.pick(COUNTRIES),
          zip: random.chance(0.2) ? null : String(random.int(10000, 99999)),
        },
        comment: random.chance(0.6) ? null : random.pick(NOTES),
      };
    default:
      return {
        id,
        user_id: random.chance(0.3) ? null : random.int(1, 200_000),
        kind: random.pick(KINDS),
        occurred_at: iso(t),
        duration_ms: random.chance(0.2) ? null : random.int(0, 1_000_000) / 1000,
        payload: {
          path: random.pick(PATHS),
          referrer: random.chance(0.5) ? null : 'https://example.org/a?b=c&d="e"',
          agent: random.pick(AGENTS),
        },
        labels: random.chance(0.5) ? [] : [random.pick(TAGS)],
        message: `${random.pick(FIRST)} ${random.pick(KINDS)} — ${random.pick(NOTES)}`,
      };
  }
}

function toLine(message) {
  const text = JSON.stringify(message);
  return text.includes('\\u0001EXACT') ? text.replace(EXACT_TOKEN, '$1') : text;
}

/**
 * The inputs the benchmark can generate. `standard`: the compact records of issue 6 (~330 bytes, 10 columns).
 * `real`: wide records shaped like a Postgres tap's output (see real-shape.mjs).
 */
export const SHAPES = {
  standard: {
    name: 'standard',
    schemas: SCHEMAS,
    replicationKeys: { customers: 'updated_at', orders: 'ordered_at', events: 'occurred_at' },
    /** Cumulative share of records per stream: 20% customers, 30% orders, 50% events, interleaved at random. */
    weights: [
      ['customers', 0.2],
      ['orders', 0.5],
      ['events', 1],
    ],
    makeRecord: makeStandardRecord,
    recordExtras: () => ({}),
    stateOf: (bookmarks) => ({ bookmarks }),
  },
  real: REAL_SHAPE,
};
/** The standard input's streams (the real-shaped input has its own: see `manifest.streams`). */
export const STREAMS = Object.keys(SCHEMAS);

/** One value as a PostgreSQL CSV field (FORMAT csv: NULL is an unquoted empty field, "" is an empty string). */
function csvField(value) {
  if (value === null || value === undefined) return '';
  if (value instanceof ExactLiteral) return value.text;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === '' || /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Where the cached files for `records` of `shape` live. */
export function inputPaths(records, shape = 'standard') {
  const stem = join(
    BENCH_DIR,
    `input-${shape === 'standard' ? '' : `${shape}-`}${records}-v${GENERATOR_VERSION}`,
  );
  return {
    singer: `${stem}.singer`,
    manifest: `${stem}.json`,
    csvDir: `${stem}-csv`,
    csv: (stream) => join(`${stem}-csv`, `${stream}.csv`),
  };
}

async function write(out, text) {
  if (!out.write(text)) await once(out, 'drain');
}

/**
 * Generates (or reuses) the input with `records` records. Returns the manifest: paths, counts per stream, bytes,
 * lines, and the last STATE value, which every destination must print last.
 */
export async function ensureInput(
  records,
  log = (m) => process.stderr.write(`${m}\n`),
  shapeName = 'standard',
) {
  const shape = SHAPES[shapeName];
  if (shape === undefined)
    throw new Error(`unknown input shape ${shapeName}: use ${Object.keys(SHAPES).join(' or ')}`);
  const streams = Object.keys(shape.schemas);
  const paths = inputPaths(records, shapeName);
  if (existsSync(paths.manifest)) return JSON.parse(readFileSync(paths.manifest, 'utf8'));
  mkdirSync(BENCH_DIR, { recursive: true });
  rmSync(paths.csvDir, { recursive: true, force: true });
  mkdirSync(paths.csvDir, { recursive: true });
  log(`generating ${records} ${shapeName} records into ${paths.singer} ...`);
  const started = performance.now();
  const random = createRandom(SEED);
  const tmp = `${paths.singer}.tmp`;
  const out = createWriteStream(tmp);
  const csvOut = Object.fromEntries(streams.map((s) => [s, createWriteStream(paths.csv(s))]));
  const counts = Object.fromEntries(streams.map((s) => [s, 0]));
  const bookmarks = {};
  let lines = 0;
  let chunk = [];
  const csvChunks = Object.fromEntries(streams.map((s) => [s, []]));
  const flush = async () => {
    await write(out, chunk.join(''));
    chunk = [];
    for (const s of streams) {
      await write(csvOut[s], csvChunks[s].join(''));
      csvChunks[s] = [];
    }
  };
  const push = (message) => {
    chunk.push(`${toLine(message)}\n`);
    lines++;
  };
  let lastState;
  const pushState = () => {
    lastState = structuredClone(shape.stateOf(bookmarks));
    push({ type: 'STATE', value: lastState });
  };
  for (const stream of streams) {
    push({
      type: 'SCHEMA',
      stream,
      schema: shape.schemas[stream],
      key_properties: ['id'],
      bookmark_properties: [shape.replicationKeys[stream]],
    });
  }
  const columns = Object.fromEntries(streams.map((s) => [s, Object.keys(shape.schemas[s].properties)]));
  for (let i = 1; i <= records; i++) {
    const roll = random.next();
    const stream = shape.weights.find(([, upTo]) => roll < upTo)[0];
    const id = ++counts[stream];
    const record = shape.makeRecord(stream, id, random);
    push({ type: 'RECORD', stream, record, ...shape.recordExtras(id) });
    csvChunks[stream].push(`${columns[stream].map((c) => csvField(record[c])).join(',')}\n`);
    const key = shape.replicationKeys[stream];
    if (record[key] !== null)
      bookmarks[stream] = { replication_key: key, replication_key_value: record[key] };
    if (i % STATE_EVERY === 0) pushState();
    if (chunk.length >= 2000) await flush();
  }
  if (records % STATE_EVERY !== 0) pushState();
  await flush();
  out.end();
  await once(out, 'finish');
  for (const s of streams) {
    csvOut[s].end();
    await once(csvOut[s], 'finish');
  }
  renameSync(tmp, paths.singer);
  const { size } = statSync(paths.singer);
  const manifest = {
    generatorVersion: GENERATOR_VERSION,
    shape: shapeName,
    streams,
    records,
    lines,
    bytes: size,
    counts,
    finalState: lastState,
    schemas: shape.schemas,
    paths: { singer: paths.singer, csvDir: paths.csvDir },
  };
  writeFileSync(paths.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  log(
    `generated ${lines} lines, ${(size / 1e6).toFixed(1)} MB (${Math.round(size / records)} bytes a record) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return manifest;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '1000000' },
      shape: { type: 'string', default: 'standard' },
    },
  });
  const manifest = await ensureInput(Number(values.records), undefined, values.shape);
  process.stdout.write(`${manifest.paths.singer}\n`);
}
