/**
 * Many dest-postgres processes at once into one schema of the real server (see docs/scale-out.md for the rules
 * these tests hold the destination to). `npm run test:long` (RELIABILITY_LONG=1) runs 20 rounds of the 8-process
 * load; `npm test` runs 2.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestSchema, getTestServer, type TestSchema } from '@singer-dest/dest-postgres/test-server';
import { DEST_POSTGRES, driveChild, environment, parseLogs, singer, startBin, tempDir } from './support/bins';
import {
  buildProcesses,
  EVENTS_RANGE,
  eventRow,
  expectedItems,
  expectedOrders,
  expectedUsers,
  HOT_BASE,
  HOT_KEYS,
  hotRow,
  ORDER_RANGES,
  ORDERS_RANGE,
  type OrderRow,
  type StateClaim,
} from './support/concurrent-load';

const LONG = process.env.RELIABILITY_LONG === '1';
const ROUNDS = LONG ? 20 : 2;
const PER_PROCESS = 400;
const work = tempDir('concurrent-pg');
after(async () => {
  work.remove();
  await (await getTestServer()).stop();
});

/** What one finished process gave. */
interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `input` through a dest-postgres process with stdin from a file, checking each STATE as it appears. */
function runProcess(config: string, input: string, onState: (text: string) => void): Promise<Finished> {
  const stdin = openSync(input, 'r');
  const child = spawn(process.execPath, [DEST_POSTGRES, '--config', config], {
    env: environment(),
    stdio: [stdin, 'pipe', 'pipe'],
  }) as ChildProcessByStdio<null, Readable, Readable>;
  closeSync(stdin);
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) onState(line);
  });
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** The number of rows a state claims are committed, counted in the table right when the state was written. */
async function checkClaim(db: TestSchema, schema: string, claim: StateClaim): Promise<string[]> {
  const problems: string[] = [];
  const count = async (table: string, where: string, params: unknown[]) =>
    Number(
      (
        await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".${table} WHERE ${where}`, params)
      )[0]!.n,
    );
  const expect = async (what: keyof StateClaim, table: string, where: string, params: unknown[]) => {
    const claimed = claim[what];
    if (claimed === undefined || claimed === 0) return;
    const found = await count(table, where, params);
    if (found !== claimed)
      problems.push(
        `P${claim.p} wrote a STATE claiming ${claimed} ${table} rows, but ${found} were committed`,
      );
  };
  const range = ORDER_RANGES.get(claim.p);
  if (range !== undefined) {
    const base = range * ORDERS_RANGE;
    await expect('orders', 'orders', 'id >= $1 AND id < $2', [base, base + (claim.orders ?? 0)]);
  }
  const eventBase = claim.p * EVENTS_RANGE;
  await expect('events', 'events', 'event_id >= $1 AND event_id < $2', [
    eventBase,
    eventBase + (claim.events ?? 0),
  ]);
  await expect('users', 'users', 'id < $1', [claim.users ?? 0]);
  await expect('items', 'items', 'sku < $1', [`sku-${String(claim.items ?? 0).padStart(5, '0')}`]);
  return problems;
}

/** True when `sub` is `all` with some elements left out (same order). */
function isSubsequence(sub: readonly string[], all: readonly string[]): boolean {
  let at = 0;
  for (const item of sub) {
    at = all.indexOf(item, at);
    if (at < 0) return false;
    at++;
  }
  return true;
}

async function columnTypes(db: TestSchema, schema: string, table: string): Promise<Record<string, string>> {
  const rows = await db.query<{ column_name: string; data_type: string }>(
    'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
    [schema, table],
  );
  return Object.fromEntries(rows.map((r) => [r.column_name, r.data_type]));
}

async function loadRound(round: number): Promise<void> {
  const db = await createTestSchema(`conc_${round}`);
  // A schema no process has seen: all 8 race to create it, and the tables in it.
  const schema = `${db.schema}_c`;
  try {
    const processes = buildProcesses(PER_PROCESS, 25);
    const problems: string[] = [];
    const runs = processes.map((proc) => {
      const config = join(work.path, `config-${round}-${proc.index}.json`);
      const events = proc.index === 4 || proc.index === 5;
      writeFileSync(
        config,
        JSON.stringify({
          ...db.settings,
          default_target_schema: schema,
          batch_size_rows: 37,
          add_record_metadata: events,
          activate_version: false,
        }),
      );
      const input = join(work.path, `input-${round}-${proc.index}.jsonl`);
      writeFileSync(input, singer(...proc.lines));
      // Checked one after another per process, each as soon as its state line is read.
      let checks = Promise.resolve();
      const finished = runProcess(config, input, (text) => {
        const claim = JSON.parse(text) as StateClaim;
        checks = checks.then(async () => {
          problems.push(...(await checkClaim(db, schema, claim)));
        });
      });
      return finished.then(async (result) => {
        await checks;
        return result;
      });
    });
    const results = await Promise.all(runs);
    results.forEach((result, p) => {
      assert.equal(result.code, 0, `P${p} failed:\n${result.stderr.slice(-3000)}`);
      const written = result.stdout.split('\n').filter((l) => l.length > 0);
      const sent = processes[p]!.states;
      assert.ok(isSubsequence(written, sent), `P${p} wrote states it was not sent, or out of order`);
      assert.equal(written.at(-1), sent.at(-1), `P${p}'s last state`);
      const errors = parseLogs(result.stderr).filter((l) => l.level >= 50);
      assert.deepEqual(errors, [], `P${p} logged errors`);
    });
    assert.deepEqual(problems, []);

    const orders = await db.query<OrderRow>(
      `SELECT id::text, amount::text, note, region FROM "${schema}".orders t ORDER BY t.id`,
    );
    const expected = expectedOrders(PER_PROCESS);
    assert.equal(orders.length, expected.size + HOT_KEYS, 'orders rows');
    assert.equal(new Set(orders.map((r) => r.id)).size, orders.length, 'duplicate order keys');
    for (const row of orders) {
      const id = Number(row.id);
      if (id >= HOT_BASE) {
        // Several processes upserted this key; the row is one process's whole record (the last to commit).
        const candidates = [...ORDER_RANGES.keys()].map((p) => hotRow(p, id - HOT_BASE));
        assert.ok(
          candidates.some((c) => JSON.stringify(c) === JSON.stringify(row)),
          `hot key ${id}: ${JSON.stringify(row)} is no process's record`,
        );
      } else {
        assert.deepEqual(row, expected.get(row.id), `orders ${row.id}`);
      }
    }
    assert.deepEqual(await columnTypes(db, schema, 'orders'), {
      id: 'bigint',
      amount: 'numeric',
      note: 'text',
      region: 'text',
    });

    const events = await db.query(
      `SELECT event_id::text, code, tag, payload FROM "${schema}".events t ORDER BY t.event_id`,
    );
    const expectedEvents = [4, 5].flatMap((p) =>
      Array.from({ length: PER_PROCESS }, (_, i) => eventRow(p, i, PER_PROCESS)),
    );
    assert.deepEqual(events, expectedEvents);
    const eventTypes = await columnTypes(db, schema, 'events');
    assert.deepEqual(
      [eventTypes.code, eventTypes.tag, eventTypes.payload, eventTypes._sdc_batched_at],
      ['text', 'jsonb', 'jsonb', 'timestamp with time zone'],
    );

    assert.deepEqual(
      await db.query(`SELECT id::text, name, score::text, email FROM "${schema}".users t ORDER BY t.id`),
      expectedUsers(PER_PROCESS),
    );
    assert.deepEqual(
      await db.query(`SELECT sku, qty::text, color FROM "${schema}".items ORDER BY sku`),
      expectedItems(PER_PROCESS),
    );
  } finally {
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.drop();
  }
}

const lineOf = (message: object) => `${JSON.stringify(message)}\n`;
const idSchema = (stream: string) =>
  lineOf({
    type: 'SCHEMA',
    stream,
    schema: { type: 'object', properties: { id: { type: 'integer' }, v: { type: 'string' } } },
    key_properties: ['id'],
  });
const row = (stream: string, id: number, v: string, extra: object = {}) =>
  lineOf({ type: 'RECORD', stream, record: { id, v }, ...extra });
const stateOf = (value: string) => lineOf({ type: 'STATE', value });

/** Starts a dest-postgres process on the schema with extra settings; stdin is fed in stages. */
function startLoader(db: TestSchema, name: string, settings: Record<string, unknown>) {
  const config = join(work.path, `${db.schema}-${name}.json`);
  writeFileSync(
    config,
    JSON.stringify({ ...db.settings, add_record_metadata: false, batch_size_rows: 1, ...settings }),
  );
  return startBin(DEST_POSTGRES, ['--config', config]);
}

/** A gate the two children's stage lists wait on, so the test decides the order of their commits. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('concurrent dest-postgres runs into one schema', () => {
  it(`8 processes (shared and own streams, key ranges, schema changes midway) keep every row and write exact states, ${ROUNDS} rounds`, async () => {
    for (let round = 0; round < ROUNDS; round++) await loadRound(round);
  });

  it('upserts of one key from two processes: the one committed last wins, not the one that ran last', async () => {
    const db = await createTestSchema('conc_lcw');
    try {
      const aCommitted = gate();
      const bCommitted = gate();
      const a = driveChild(startLoader(db, 'a', {}), {
        stages: [
          { send: [idSchema('t'), row('t', 1, 'from-a'), stateOf('a1')] },
          {
            afterStdout: '"a1"',
            action: async () => {
              aCommitted.open();
              await bCommitted.opened;
            },
            send: [row('t', 2, 'a-later'), stateOf('a2')],
          },
        ],
      });
      const b = driveChild(startLoader(db, 'b', {}), {
        stages: [
          { action: () => aCommitted.opened, send: [idSchema('t'), row('t', 1, 'from-b'), stateOf('b1')] },
          { afterStdout: '"b1"', action: () => bCommitted.open() },
        ],
      });
      const [ra, rb] = await Promise.all([a, b]);
      assert.equal(ra.code, 0, ra.stderr);
      assert.equal(rb.code, 0, rb.stderr);
      assert.deepEqual([ra.stdout, rb.stdout], ['"a1"\n"a2"\n', '"b1"\n']);
      assert.deepEqual(await db.query(`SELECT id::int, v FROM "${db.schema}".t ORDER BY id`), [
        { id: 1, v: 'from-b' },
        { id: 2, v: 'a-later' },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('overwrite beside append on one table: the overwrite empties the table once, when its first batch commits; append rows committed after that stay', async () => {
    const db = await createTestSchema('conc_overwrite');
    try {
      const appendFirst = gate();
      const overwriteFirst = gate();
      const appendSecond = gate();
      const append = driveChild(startLoader(db, 'append', { load_method: 'append-only' }), {
        stages: [
          { send: [idSchema('t'), row('t', 1, 'append'), row('t', 2, 'append'), stateOf('a1')] },
          { afterStdout: '"a1"', action: () => appendFirst.open() },
          { action: () => overwriteFirst.opened, send: [row('t', 3, 'append'), stateOf('a2')] },
          { afterStdout: '"a2"', action: () => appendSecond.open() },
        ],
      });
      const overwrite = driveChild(startLoader(db, 'overwrite', { load_method: 'overwrite' }), {
        stages: [
          {
            action: () => appendFirst.opened,
            send: [idSchema('t'), row('t', 10, 'overwrite'), stateOf('o1')],
          },
          { afterStdout: '"o1"', action: () => overwriteFirst.open() },
          { action: () => appendSecond.opened, send: [row('t', 11, 'overwrite'), stateOf('o2')] },
        ],
      });
      const [ra, ro] = await Promise.all([append, overwrite]);
      assert.equal(ra.code, 0, ra.stderr);
      assert.equal(ro.code, 0, ro.stderr);
      assert.deepEqual([ra.stdout, ro.stdout], ['"a1"\n"a2"\n', '"o1"\n"o2"\n']);
      // Rows 1 and 2 were committed before the overwrite's first batch: gone. Row 3 came after: kept.
      assert.deepEqual(await db.query(`SELECT id::int, v FROM "${db.schema}".t ORDER BY id`), [
        { id: 3, v: 'append' },
        { id: 10, v: 'overwrite' },
        { id: 11, v: 'overwrite' },
      ]);
    } finally {
      await db.drop();
    }
  });

  it('ACTIVATE_VERSION beside append: it retires the rows committed before it (older or no version), not rows committed after', async () => {
    const db = await createTestSchema('conc_version');
    try {
      const appendFirst = gate();
      const activated = gate();
      const append = driveChild(startLoader(db, 'append', { activate_version: true }), {
        stages: [
          { send: [idSchema('t'), row('t', 1, 'append'), stateOf('a1')] },
          { afterStdout: '"a1"', action: () => appendFirst.open() },
          { action: () => activated.opened, send: [row('t', 2, 'append'), stateOf('a2')] },
        ],
      });
      const version = 1700000000000;
      const activate = lineOf({ type: 'ACTIVATE_VERSION', stream: 't', version });
      const full = driveChild(startLoader(db, 'full', { activate_version: true }), {
        stages: [
          {
            action: () => appendFirst.opened,
            send: [idSchema('t'), activate, row('t', 10, 'full', { version }), activate, stateOf('f1')],
          },
          { afterStdout: '"f1"', action: () => activated.open() },
        ],
      });
      const [ra, rf] = await Promise.all([append, full]);
      assert.equal(ra.code, 0, ra.stderr);
      assert.equal(rf.code, 0, rf.stderr);
      assert.deepEqual([ra.stdout, rf.stdout], ['"a1"\n"a2"\n', '"f1"\n']);
      assert.deepEqual(
        await db.query(
          `SELECT id::int, v, _sdc_table_version::text AS version, _sdc_deleted_at IS NOT NULL AS retired
             FROM "${db.schema}".t ORDER BY id`,
        ),
        [
          { id: 1, v: 'append', version: null, retired: true },
          { id: 2, v: 'append', version: null, retired: false },
          { id: 10, v: 'full', version: String(version), retired: false },
        ],
      );
    } finally {
      await db.drop();
    }
  });
});
