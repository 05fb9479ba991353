import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AfterProcess,
  BeforeProcess,
  Destination,
  DestinationDefinitionError,
  ExportBatch,
  OnSchema,
  TestConnection,
} from '../../src/index';
import { resolveDestination } from '../../src/testing/index';
import { DEFAULT_MAX_BATCH_MB } from '../../src/cli/index';

describe('resolveDestination', () => {
  it('takes the batch size as a bare number, as the design card writes it', () => {
    @Destination(25)
    class Small {
      @ExportBatch
      write() {}
    }
    const definition = resolveDestination(Small);
    assert.equal(definition.limits.maxBatchMb, 25);
    assert.equal(definition.name, 'Small');
    assert.equal(definition.handlers.exportBatch, 'write');
  });

  it('defaults to 100 MiB batches and reads every hook and option', () => {
    class Config {}
    @Destination({ name: 'dest-x', version: '1.2.3', config: Config, batchSizeRows: 10 })
    class Full {
      @BeforeProcess open() {}
      @OnSchema schema() {}
      @ExportBatch write() {}
      @AfterProcess close() {}
      @TestConnection check() {}
    }
    const definition = resolveDestination(Full);
    assert.equal(DEFAULT_MAX_BATCH_MB, 100);
    assert.deepEqual(definition.limits, { maxBatchMb: 100, batchSizeRows: 10 });
    assert.equal(definition.configClass, Config);
    assert.deepEqual(
      { ...definition.handlers },
      {
        beforeProcess: 'open',
        onSchema: 'schema',
        exportBatch: 'write',
        afterProcess: 'close',
        testConnection: 'check',
      },
    );
    assert.ok(Object.isFrozen(definition));
  });

  it('reports every problem of a class in one error', () => {
    class Broken {
      a() {}
      b() {}
      notAMethod = 1;
    }
    // Applied by hand, as plain JavaScript could: TypeScript rejects these at compile time.
    OnSchema(Broken.prototype, 'a', Object.getOwnPropertyDescriptor(Broken.prototype, 'a'));
    OnSchema(Broken.prototype, 'b', Object.getOwnPropertyDescriptor(Broken.prototype, 'b'));
    BeforeProcess(Broken.prototype, 'notAMethod', undefined);
    Destination({ maxBatchMb: -1 })(Broken);
    assert.throws(
      () => resolveDestination(Broken),
      (error: unknown) => {
        assert.ok(error instanceof DestinationDefinitionError);
        assert.equal(error.code, 'ERR_INVALID_DESTINATION');
        assert.deepEqual(error.problems, [
          '@Destination maxBatchMb must be a positive number, got -1',
          '@OnSchema is on 2 methods (a, b); use it on exactly one',
          '@BeforeProcess is on "notAMethod", which is not a method',
          'no method has @ExportBatch; mark the method that writes a batch with @ExportBatch',
        ]);
        assert.match(error.message, /^Broken is not a valid destination:\n {2}- @Destination maxBatchMb/);
        return true;
      },
    );
  });

  it('keeps the declared Meltano capabilities and refuses names Meltano does not know', () => {
    @Destination({ capabilities: ['schema-flattening', 'hard-delete'] })
    class Flat {
      @ExportBatch write() {}
    }
    assert.deepEqual(resolveDestination(Flat).capabilities, ['schema-flattening', 'hard-delete']);
    // Plain JavaScript (or a cast) can pass any text; the compiler refuses it in TypeScript.
    @Destination({ capabilities: ['test-connection' as 'about', 'validate-records' as 'about'] })
    class Wrong {
      @ExportBatch write() {}
    }
    assert.throws(
      () => resolveDestination(Wrong),
      (error: unknown) => {
        assert.ok(error instanceof DestinationDefinitionError);
        assert.equal(error.problems.length, 2);
        assert.match(
          error.problems[0]!,
          /^@Destination capabilities: "test-connection" is not a Meltano loader capability; use one of about, stream-maps,/,
        );
        assert.match(error.problems[1]!, /"validate-records" is not a Meltano loader capability/);
        return true;
      },
    );
  });

  it('names a missing @Destination', () => {
    class Plain {
      @ExportBatch write() {}
    }
    assert.throws(() => resolveDestination(Plain), {
      name: 'DestinationDefinitionError',
      message:
        'Plain is not a valid destination:\n  - Plain has no @Destination decorator; add @Destination() above the class',
    });
  });

  it('lets a subclass inherit and override hooks', () => {
    @Destination()
    class Base {
      @ExportBatch write() {}
      @OnSchema schema() {}
    }
    class Child extends Base {
      @ExportBatch override write() {}
    }
    const definition = resolveDestination(Child);
    assert.equal(definition.handlers.exportBatch, 'write');
    assert.equal(definition.handlers.onSchema, 'schema');
  });
});
