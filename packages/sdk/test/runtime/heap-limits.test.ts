import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const MODULE = join(__dirname, '..', '..', 'src', 'runtime', 'heap-limits.js');
const MIB = 1024 * 1024;

/**
 * Runs a workload whose young objects often survive a scavenge (a sliding window of recent objects, as a reader's
 * chunks and records are), which makes V8 grow its young generation, in a process of its own (V8 flags are
 * process-wide); `setup` runs first. Returns the young generation's size at the end, in bytes.
 */
function youngGenerationAfterChurn(setup: string): number {
  const script = `
    const young = require(${JSON.stringify(MODULE)});
    ${setup}
    (async () => {
      const window = new Array(50000);
      for (let i = 0; i < 3000000; i++) {
        window[i % window.length] = { i, text: 'value ' + i };
        if (i % 10000 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      process.stdout.write(String(young.youngGenerationBytes()));
    })();`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return Number(result.stdout);
}

describe('capYoungGeneration', () => {
  it('stops the young generation at the cap, where V8 alone grows it past it', () => {
    const uncapped = youngGenerationAfterChurn('');
    const capped = youngGenerationAfterChurn('young.capYoungGeneration(4);');
    assert.ok(uncapped > 8 * MIB, `without the cap the workload grows it to ${uncapped / MIB} MiB`);
    // At the cap, or one doubling past it when collections come faster than the check (see the module).
    assert.ok(capped <= 8 * MIB, `capped at 4 MiB it reached ${capped / MIB} MiB`);
  });

  it('holdYoungGeneration keeps it at its size until capYoungGeneration lets it grow to the cap', () => {
    const held = youngGenerationAfterChurn('young.holdYoungGeneration();');
    const heldThenCapped = youngGenerationAfterChurn(
      'young.holdYoungGeneration(); young.capYoungGeneration(8);',
    );
    assert.ok(held <= 2 * MIB, `held, it grew to ${held / MIB} MiB`);
    assert.ok(heldThenCapped > 2 * MIB && heldThenCapped <= 16 * MIB, `${heldThenCapped / MIB} MiB`);
  });
});
