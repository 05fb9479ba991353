import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CheckpointLedger } from '../../src/runtime/checkpoint-ledger';

describe('the checkpoint ledger', () => {
  it('releases a state at once when nothing is outstanding', () => {
    const ledger = new CheckpointLedger();
    ledger.addState(3, '"a"');
    assert.equal(ledger.hasReleasable(), true);
    assert.equal(ledger.release(), '"a"');
    assert.equal(ledger.release(), undefined);
  });

  it('holds a state while a batch opened before it is outstanding, and releases it once that batch settles', () => {
    const ledger = new CheckpointLedger();
    const batch = ledger.open(4);
    batch.extend(6);
    ledger.addState(7, '"after-6"');
    assert.equal(ledger.hasReleasable(), false);
    assert.equal(ledger.release(), undefined);
    ledger.settle(batch);
    assert.equal(ledger.release(), '"after-6"');
  });

  it('holds a state for the oldest outstanding batch after an older batch and a newer one settled', () => {
    // The reproduction: p (lines 4-6) exports, r (line 7) is buffered, STATE at 8, q (9-11) flushes,
    // r is flushed by its timer after q, then p settles: the state at 8 must still wait for r.
    const ledger = new CheckpointLedger();
    const p = ledger.open(4);
    p.extend(6);
    const r = ledger.open(7);
    ledger.addState(8, '"line-8"');
    const q = ledger.open(9);
    q.extend(11);
    ledger.settle(p);
    assert.equal(ledger.watermark(), 7);
    assert.equal(ledger.release(), undefined);
    ledger.settle(q);
    assert.equal(ledger.release(), undefined, 'r is still outstanding');
    ledger.settle(r);
    assert.equal(ledger.release(), '"line-8"');
  });

  it('never releases a state whose batch did not settle (a failed export), whatever settles after it', () => {
    const ledger = new CheckpointLedger();
    ledger.open(2); // its export fails: never settled
    const later = ledger.open(5);
    ledger.addState(6, '"s"');
    ledger.settle(later);
    assert.equal(ledger.release(), undefined);
    assert.equal(ledger.pendingStateCount, 1);
  });

  it('releases only the newest of several safe states, and keeps those past the watermark', () => {
    const ledger = new CheckpointLedger();
    ledger.addState(1, '"one"');
    ledger.addState(2, '"two"');
    const batch = ledger.open(3);
    ledger.addState(4, '"four"');
    assert.equal(ledger.release(), '"two"');
    assert.equal(ledger.pendingStateCount, 1);
    assert.equal(ledger.pendingStateBytes, '"four"'.length);
    ledger.settle(batch);
    assert.equal(ledger.release(), '"four"');
    assert.equal(ledger.pendingStateBytes, 0);
  });

  it('refuses a batch opened at a line before the last one opened (batches open in line order)', () => {
    const ledger = new CheckpointLedger();
    ledger.open(5);
    assert.throws(() => ledger.open(5), /opened at line 5 after one at line 5/);
  });

  it('agrees with the minimum over all outstanding batches, whatever order they settle in', () => {
    const operations = fc.array(fc.oneof(fc.constant('open' as const), fc.nat({ max: 20 })), {
      maxLength: 60,
    });
    fc.assert(
      fc.property(operations, (ops) => {
        const ledger = new CheckpointLedger();
        const open: { line: number; batch: ReturnType<CheckpointLedger['open']> }[] = [];
        let line = 0;
        for (const op of ops) {
          if (op === 'open') {
            line += 1 + (line % 3);
            open.push({ line, batch: ledger.open(line) });
          } else if (open.length > 0) {
            const [settled] = open.splice(op % open.length, 1);
            ledger.settle(settled!.batch);
          }
          const expected = Math.min(Infinity, ...open.map((o) => o.line));
          assert.equal(ledger.watermark(), expected);
          assert.equal(ledger.outstandingCount, open.length);
        }
      }),
    );
  });
});
