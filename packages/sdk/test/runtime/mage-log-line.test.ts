import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toMageLogLine } from '../../src/runtime/mage-log-line';
import { createLogger } from '../../src/runtime/logger';

describe('toMageLogLine', () => {
  it("writes Mage's LOG shape: type, level name, message, every other field as a tag, whole epoch seconds", () => {
    const line = toMageLogLine(
      '{"level":40,"time":"2024-04-25T00:00:00.900Z","pid":7,"hostname":"h","stream":"users","line":3,"msg":"careful"}',
    );
    assert.equal(
      line,
      '{"type":"LOG","level":"WARNING","message":"careful","tags":{"stream":"users","line":3},"timestamp":1714003200}\n',
    );
  });

  it("maps only pino's fatal to ERROR (Mage fails the block on it) and lifts a metric's stream into tags.stream", () => {
    const levels = [10, 20, 30, 40, 50, 60].map(
      (level) =>
        (JSON.parse(toMageLogLine(`{"level":${level},"time":0,"msg":"m"}`)) as { level: string }).level,
    );
    assert.deepEqual(levels, ['DEBUG', 'DEBUG', 'INFO', 'WARNING', 'WARNING', 'ERROR']);
    const metric = JSON.parse(
      toMageLogLine(
        '{"level":30,"time":0,"metric":{"type":"counter","tags":{"stream":"orders"}},"msg":"METRIC: x"}',
      ),
    ) as { tags: Record<string, unknown> };
    assert.equal(metric.tags.stream, 'orders');
  });

  it('is what createLogger writes with format mage, redacted, and ERROR-prefixed for a test connection', () => {
    const written: string[] = [];
    const logger = createLogger({
      format: 'mage',
      destination: { write: (text: string) => written.push(text) },
      redact: (text) => text.replace('hunter22', '[REDACTED]'),
      mageErrorPrefix: true,
    });
    logger.info({ stream: 'users' }, 'password hunter22 used');
    logger.fatal({ code: 'ERR_X' }, 'ERR_X: broken');
    assert.equal(written.length, 2);
    const info = JSON.parse(written[0]!) as { message: string; tags: object; type: string };
    assert.deepEqual(
      [info.type, info.message, info.tags],
      ['LOG', 'password [REDACTED] used', { stream: 'users' }],
    );
    assert.match(
      written[1]!,
      /^ERROR \{"type":"LOG","level":"ERROR","message":"ERR_X: broken","tags":\{"code":"ERR_X"\}/,
    );
  });
});
