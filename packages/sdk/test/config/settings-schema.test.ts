import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { Destination, ExportBatch, Setting } from '../../src/index';
import { resolveDestination } from '../../src/testing/index';
import { buildSettingsSchema, describeSettings } from '../../src/config/settings-schema';

describe('the settings schema', () => {
  it('has types, rules, defaults, required keys, descriptions and secret flags from the config class', () => {
    class SchemaConfig {
      @Setting({ name: 'host_name', description: 'Server host.', example: 'db.example.com' })
      @IsString()
      @IsNotEmpty()
      hostName!: string;

      @Setting({ name: 'port', description: 'Server port.' })
      @Type(() => Number)
      @IsInt()
      @Min(1)
      @Max(65535)
      port = 5432;

      @Setting({ name: 'password', description: 'Password.', secret: true })
      @IsString()
      password = 'default-secret';

      @Setting({ name: 'mode' })
      @IsOptional()
      @IsIn(['a', 'b'])
      mode?: string;
    }
    @Destination({ name: 'dest-schema', config: SchemaConfig, maxBatchMb: 5 })
    class SchemaDestination {
      @ExportBatch
      write() {}
    }
    const schema = buildSettingsSchema(resolveDestination(SchemaDestination));
    assert.deepEqual(schema.required, ['host_name']);
    assert.deepEqual(schema.properties.host_name, {
      minLength: 1,
      type: 'string',
      description: 'Server host.',
      examples: ['db.example.com'],
    });
    assert.deepEqual(schema.properties.port, {
      minimum: 1,
      maximum: 65535,
      type: 'integer',
      description: 'Server port.',
      default: 5432,
    });
    // A secret never carries its default.
    assert.deepEqual(schema.properties.password, {
      type: 'string',
      description: 'Password.',
      secret: true,
      writeOnly: true,
    });
    assert.deepEqual(schema.properties.mode, { type: 'string', enum: ['a', 'b'] });
    // SDK settings come after, with the destination's effective defaults.
    assert.equal(schema.properties.maximum_batch_size_mb?.default, 5);
    assert.equal(schema.properties.validate_records?.default, true);
    const ajv = new Ajv({ strict: true });
    ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });
    const validate = ajv.compile(schema);
    assert.equal(validate({ host_name: 'h', port: 80 }), true);
    assert.equal(validate({ host_name: 'h', port: 0 }), false);
  });

  it('leaves the type of a custom rule to the other rules, and inlines a nested class given by @Type', () => {
    class Inner {
      @Setting({ name: 'depth' }) @IsInt() depth = 1;
    }
    class CustomConfig {
      @Setting({ name: 'code' })
      @ValidateBy({
        name: 'isUpperCase',
        validator: { validate: (v) => typeof v === 'string' && v === v.toUpperCase() },
      })
      code = 'X';

      @Setting({ name: 'inner' })
      @ValidateNested()
      @Type(() => Inner)
      inner = new Inner();
    }
    @Destination({ name: 'dest-custom', config: CustomConfig })
    class CustomDestination {
      @ExportBatch
      write() {}
    }
    const schema = buildSettingsSchema(resolveDestination(CustomDestination));
    assert.deepEqual(schema.properties.code, { default: 'X' });
    assert.deepEqual(schema.properties.inner?.properties, { depth: { type: 'integer' } });
    assert.ok(!JSON.stringify(schema).includes('$ref'));
  });

  it("lists the destination's own settings before the SDK's, and lets the destination redefine an SDK setting", () => {
    class OverrideConfig {
      @Setting({ name: 'batch_size_rows', description: 'Rows per COPY.' })
      @Type(() => Number)
      @IsInt()
      batchSizeRows = 1000;
    }
    @Destination({ name: 'dest-override', config: OverrideConfig })
    class OverrideDestination {
      @ExportBatch
      write() {}
    }
    const settings = describeSettings(resolveDestination(OverrideDestination));
    const named = settings.filter((s) => s.record.name === 'batch_size_rows');
    assert.equal(named.length, 1);
    assert.deepEqual([named[0]!.sdk, named[0]!.schema.default], [false, 1000]);
    assert.equal(settings[0]!.record.name, 'batch_size_rows');
  });
});
