import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { interruptedExitCode, watchSignals } from '../../src/cli/signals';

describe('watchSignals', () => {
  it('aborts on the first signal and exits at once on the second, with 128 + the signal number', () => {
    const target = new EventEmitter();
    const calls: string[] = [];
    const watch = watchSignals(
      {
        onFirst: (signal) => calls.push(`first ${signal}`),
        onSecond: (signal, code) => calls.push(`second ${signal} ${code}`),
      },
      target,
    );
    assert.equal(watch.signal.aborted, false);
    target.emit('SIGTERM');
    assert.equal(watch.signal.aborted, true);
    assert.equal(watch.received, 'SIGTERM');
    target.emit('SIGINT');
    assert.deepEqual(calls, ['first SIGTERM', 'second SIGINT 130']);
    watch.dispose();
    assert.equal(target.listenerCount('SIGINT') + target.listenerCount('SIGTERM'), 0);
  });

  it('maps SIGINT to 130 and SIGTERM to 143', () => {
    assert.deepEqual([interruptedExitCode('SIGINT'), interruptedExitCode('SIGTERM')], [130, 143]);
  });
});
