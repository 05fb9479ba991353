/**
 * The scenario of the concurrent dest-postgres test: what each of 8 processes sends, what the tables must hold
 * afterwards, and what must already be committed when a process writes each STATE.
 *
 * - P0-P3 and P7 share `orders` (upsert by id), each a key range of its own, plus 5 hot keys all of them write
 *   last (several processes upserting one key: the row must be one process's whole record).
 * - P4 and P5 share `events` (append, no keys, with metadata columns: the staging path).
 * - P6 loads `users` alone; P7 loads `items` alone, interleaved with its `orders` range.
 * - Midway every process sends a second SCHEMA: `orders` gains `region` and widens `amount` (integer to number),
 *   `events` gains `payload`, widens `code` (integer to string: text) and `tag` (string to string-or-object:
 *   jsonb), `users` gains `email` and widens `score`, `items` gains `color`. Processes that share a table do this
 *   at about the same moment, and some of them still load batches encoded under the old schema after another
 *   process widened the table.
 */

/** One process of the scenario. */
export interface LoadProcess {
  index: number;
  /** Input lines (without newlines). */
  lines: string[];
  /** The states it sends, in order (JSON text). */
  states: string[];
}

/** A state's claim: these counts of this process's first-time rows are committed. */
export interface StateClaim {
  p: number;
  orders?: number;
  events?: number;
  users?: number;
  items?: number;
}

export const ORDERS_RANGE = 10_000;
export const HOT_KEYS = 5;
export const HOT_BASE = 999_000;
export const EVENTS_RANGE = 100_000;
/** The processes that load `orders`, and the key range each owns. */
export const ORDER_RANGES = new Map([
  [0, 0],
  [1, 1],
  [2, 2],
  [3, 3],
  [7, 4],
]);

const schemaLine = (stream: string, properties: object, keys: string[]) =>
  JSON.stringify({ type: 'SCHEMA', stream, schema: { type: 'object', properties }, key_properties: keys });
const recordLine = (stream: string, record: object) => JSON.stringify({ type: 'RECORD', stream, record });

const ORDERS_V1 = { id: { type: 'integer' }, amount: { type: 'integer' }, note: { type: 'string' } };
const ORDERS_V2 = {
  id: { type: 'integer' },
  amount: { type: 'number' },
  note: { type: 'string' },
  region: { type: ['null', 'string'] },
};
const EVENTS_V1 = { event_id: { type: 'integer' }, code: { type: 'integer' }, tag: { type: 'string' } };
const EVENTS_V2 = {
  event_id: { type: 'integer' },
  code: { type: 'string' },
  tag: { type: ['string', 'object'] },
  payload: { type: ['null', 'object'], properties: { n: { type: 'integer' } } },
};
const USERS_V1 = { id: { type: 'integer' }, name: { type: 'string' }, score: { type: 'integer' } };
const USERS_V2 = { ...USERS_V1, score: { type: 'number' }, email: { type: 'string' } };
const ITEMS_V1 = { sku: { type: 'string' }, qty: { type: 'integer' } };
const ITEMS_V2 = { ...ITEMS_V1, color: { type: 'string' } };

/** An orders row as the test reads it back (all text). */
export interface OrderRow {
  id: string;
  amount: string;
  note: string;
  region: string | null;
}

/** What `orders` must hold: every ranged key's last value; hot keys are checked apart. */
export function expectedOrders(perProcess: number): Map<string, OrderRow> {
  const rows = new Map<string, OrderRow>();
  for (const [p, range] of ORDER_RANGES) {
    for (const record of orderRecords(p, range, perProcess)) {
      if (record.id >= HOT_BASE) continue;
      rows.set(String(record.id), {
        id: String(record.id),
        amount: String(record.amount),
        note: record.note,
        region: record.region ?? null,
      });
    }
  }
  return rows;
}

/** The hot keys' row as process `p` writes it (the one that committed last must be there, whole). */
export function hotRow(p: number, key: number): OrderRow {
  return { id: String(HOT_BASE + key), amount: String(p), note: `hot-p${p}`, region: `p${p}` };
}

interface OrderRecord {
  id: number;
  amount: number | string;
  note: string;
  region?: string;
  /** A first-time row of the range (counted in states), not an update. */
  first: boolean;
}

/** The orders records of one process in input order (the schema switch is at the middle of the first pass). */
function orderRecords(p: number, range: number, n: number): OrderRecord[] {
  const base = range * ORDERS_RANGE;
  const records: OrderRecord[] = [];
  for (let i = 0; i < n; i++) {
    records.push(
      i < n / 2
        ? { id: base + i, amount: i, note: `p${p}-${i}`, first: true }
        : { id: base + i, amount: `${i}.25`, note: `p${p}-${i}`, region: `r${range}`, first: true },
    );
  }
  for (let j = 0; j < n / 10; j++)
    records.push({ id: base + j, amount: `${j}.5`, note: `p${p}-upd-${j}`, region: 'upd', first: false });
  for (let h = 0; h < HOT_KEYS; h++) {
    const row = hotRow(p, h);
    records.push({ id: HOT_BASE + h, amount: p, note: row.note, region: row.region!, first: false });
  }
  return records;
}

/** The event row as the test reads it back: code as text, tag and payload as jsonb (parsed by pg). */
export interface EventRow {
  event_id: string;
  code: string;
  tag: unknown;
  payload: unknown;
}

export function eventRow(p: number, i: number, n: number): EventRow {
  const before = i < n / 2;
  return {
    event_id: String(p * EVENTS_RANGE + i),
    code: before ? String(i) : `c${i}`,
    tag: before || i % 2 === 1 ? `t${i}` : { k: i },
    payload: before ? null : { n: i },
  };
}

function eventRecord(p: number, i: number, n: number): object {
  const row = eventRow(p, i, n);
  if (i < n / 2) return { event_id: Number(row.event_id), code: i, tag: row.tag };
  return { event_id: Number(row.event_id), code: row.code, tag: row.tag, payload: row.payload };
}

/** Users: ids 0..n-1, the first tenth updated after the switch. */
export function expectedUsers(
  n: number,
): { id: string; name: string; score: string; email: string | null }[] {
  const rows = [];
  for (let i = 0; i < n; i++) {
    if (i < n / 10) rows.push({ id: String(i), name: `u${i}-upd`, score: `${i}.5`, email: `u${i}@x` });
    else if (i < n / 2) rows.push({ id: String(i), name: `u${i}`, score: String(i), email: null });
    else rows.push({ id: String(i), name: `u${i}`, score: `${i}.75`, email: `u${i}@x` });
  }
  return rows;
}

export function expectedItems(n: number): { sku: string; qty: string; color: string | null }[] {
  const rows = [];
  for (let i = 0; i < n; i++)
    rows.push({ sku: `sku-${String(i).padStart(5, '0')}`, qty: String(i), color: i < n / 2 ? null : 'red' });
  return rows;
}

/**
 * Builds each process's input: records with a STATE every `stateEvery` records whose value says how many of
 * the process's first-time rows precede it (the claim checked when the state is written), and a final STATE.
 */
export function buildProcesses(perProcess: number, stateEvery: number): LoadProcess[] {
  const n = perProcess;
  const processes: LoadProcess[] = [];
  for (let p = 0; p < 8; p++) {
    const lines: string[] = [];
    const states: string[] = [];
    const claim: StateClaim = { p };
    let sinceState = 0;
    const count = (key: keyof Omit<StateClaim, 'p'>) => (claim[key] = (claim[key] ?? 0) + 1);
    const afterRecord = (last: boolean) => {
      sinceState++;
      if (sinceState >= stateEvery || last) {
        const text = JSON.stringify({ ...claim });
        lines.push(JSON.stringify({ type: 'STATE', value: JSON.parse(text) as unknown }));
        states.push(text);
        sinceState = 0;
      }
    };
    const range = ORDER_RANGES.get(p);
    if (p === 4 || p === 5) {
      lines.push(schemaLine('events', EVENTS_V1, []));
      for (let i = 0; i < n; i++) {
        if (i === n / 2) lines.push(schemaLine('events', EVENTS_V2, []));
        lines.push(recordLine('events', eventRecord(p, i, n)));
        count('events');
        afterRecord(i === n - 1);
      }
    } else if (p === 6) {
      lines.push(schemaLine('users', USERS_V1, ['id']));
      for (let i = 0; i < n; i++) {
        if (i === n / 2) lines.push(schemaLine('users', USERS_V2, ['id']));
        const record =
          i < n / 2
            ? { id: i, name: `u${i}`, score: i }
            : { id: i, name: `u${i}`, score: `${i}.75`, email: `u${i}@x` };
        lines.push(recordLine('users', record).replace(/"score":"([\d.]+)"/, '"score":$1'));
        count('users');
        afterRecord(false);
      }
      for (let j = 0; j < n / 10; j++) {
        lines.push(
          recordLine('users', { id: j, name: `u${j}-upd`, score: `${j}.5`, email: `u${j}@x` }).replace(
            /"score":"([\d.]+)"/,
            '"score":$1',
          ),
        );
        afterRecord(j === n / 10 - 1);
      }
    } else if (range !== undefined) {
      const orders = orderRecords(p, range, n);
      const items = expectedItems(n);
      lines.push(schemaLine('orders', ORDERS_V1, ['id']));
      if (p === 7) lines.push(schemaLine('items', ITEMS_V1, []));
      orders.forEach((order, k) => {
        if (k === n / 2) {
          lines.push(schemaLine('orders', ORDERS_V2, ['id']));
          if (p === 7) lines.push(schemaLine('items', ITEMS_V2, []));
        }
        const { first, ...record } = order;
        // Decimal amounts are written as JSON numbers, digit for digit.
        lines.push(recordLine('orders', record).replace(/"amount":"([\d.]+)"/, '"amount":$1'));
        if (first) count('orders');
        if (p === 7 && k < n) {
          const item = items[k]!;
          const value = { sku: item.sku, qty: k, ...(item.color === null ? {} : { color: item.color }) };
          lines.push(recordLine('items', value));
          count('items');
        }
        afterRecord(k === orders.length - 1);
      });
    }
    processes.push({ index: p, lines, states });
  }
  return processes;
}
