import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACCEPTED,
  FAILING,
  PREAMBLE,
  STATE_BEFORE,
  TAIL,
  type AcceptedCase,
  type FailingCase,
} from './bad-input-cases';
import { errorLog, runBin, singer, type Stage } from './support/bins';
import { TARGETS, type Target } from './support/targets';

const label = (name: string) => name.replace(/[^a-z0-9]+/gi, '_').slice(0, 20);

async function runFailing(target: Target, c: FailingCase): Promise<void> {
  const prepared = await target.prepare(label(c.name), c.settings);
  try {
    const before = c.before ?? PREAMBLE;
    const bad = typeof c.bad === 'function' ? c.bad() : c.bad;
    const rest = c.tail === false ? [] : [singer(...TAIL)];
    // The bad line is sent only once the STATE before it is on stdout, so what stdout must hold is exact.
    const stages: Stage[] =
      before.length > 0
        ? [{ send: [singer(...before)] }, { afterStdout: STATE_BEFORE, send: [bad, ...rest] }]
        : [{ send: [bad, ...rest] }];
    const result = await runBin(target.bin, ['--config', prepared.configPath], {
      stages,
      timeoutMs: c.heavy ? 120_000 : 30_000,
    });
    assert.equal(result.timedOut, false, `timed out; stderr: ${result.stderr.slice(0, 2000)}`);
    assert.equal(result.code, 1, `exit code; stderr: ${result.stderr.slice(0, 2000)}`);
    const error = errorLog(result);
    assert.ok(error, `no error log line in: ${result.stderr.slice(0, 2000)}`);
    const line = c.line ?? 4;
    assert.equal(error.code, c.code);
    assert.equal(error.line, line);
    assert.equal(error.stream, c.stream);
    if (c.file === undefined) assert.equal(error.file, undefined);
    else assert.match(String(error.file), c.file);
    assert.equal(error.fileLine, c.fileLine);
    assert.ok(error.msg.startsWith(`stdin line ${line}: `), error.msg);
    assert.match(error.msg, c.message);
    assert.equal(
      result.stdout,
      c.stdout ?? STATE_BEFORE,
      'stdout must hold exactly the states before the bad line',
    );
    assert.deepEqual(await prepared.values('users'), c.ids ?? ['1'], 'nothing after the bad line was loaded');
  } finally {
    await prepared.cleanup();
  }
}

async function runAccepted(target: Target, c: AcceptedCase): Promise<void> {
  const prepared = await target.prepare(label(c.name), c.settings);
  try {
    const input = typeof c.input === 'function' ? c.input() : c.input;
    const result = await runBin(target.bin, ['--config', prepared.configPath], {
      stages: [{ send: [input] }],
      timeoutMs: c.heavy ? 120_000 : 30_000,
    });
    assert.equal(result.code, 0, `exit code; stderr: ${result.stderr.slice(0, 2000)}`);
    assert.equal(result.stdout, c.stdout);
    assert.equal(errorLog(result), undefined);
    assert.deepEqual(await prepared.values('users'), c.ids);
    if (c.names) c.names(await prepared.values('users', 'name', 'id'));
    if (c.warning) {
      const warning = c.warning;
      assert.ok(
        result.logs.some((l) => l.level === 40 && warning.test(l.msg)),
        `no warning ${warning} in ${result.stderr.slice(0, 2000)}`,
      );
    }
  } finally {
    await prepared.cleanup();
  }
}

for (const target of TARGETS) {
  describe(
    `${target.name} rejects bad input with exit 1, a coded error naming the line, and no STATE after it`,
    {
      concurrency: 3,
    },
    () => {
      for (const c of FAILING) {
        it(`fails on ${c.name} with ${c.code} at line ${c.line ?? 4}`, () => runFailing(target, c));
      }
    },
  );

  describe(`${target.name} accepts odd but valid input`, { concurrency: 3 }, () => {
    for (const c of ACCEPTED) {
      it(`loads ${c.name} and writes exactly its states`, () => runAccepted(target, c));
    }
  });
}
