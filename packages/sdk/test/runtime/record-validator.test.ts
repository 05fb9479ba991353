import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RecordChecker, Validators, type RecordCheckOptions } from '../../src/runtime/record-validator';
import { parseJsonExact } from '../../src/json/parse-json';
import { InputError, type JsonSchema, type SingerRecord } from '../../src/index';

const where = { stream: 's', line: 1, source: 'stdin' };
const schemaWith = (properties: Record<string, JsonSchema>): JsonSchema => ({ type: 'object', properties });
const DEFAULT: RecordCheckOptions = { strict: false, jsonColumnsHoldAnyJson: false };

/** A checker for a schema written as JSON text, read the way the loop reads a SCHEMA line (exactly). */
function checkerFor(
  schemaText: string,
  options: RecordCheckOptions = DEFAULT,
  validators = new Validators(),
) {
  const schema = parseJsonExact(schemaText).value as JsonSchema;
  const checker = new RecordChecker(validators, schema, where, options);
  /** Checks a record written as JSON text, parsed as the loop parses a RECORD line. */
  return (recordText: string) => {
    const parsed = parseJsonExact(recordText);
    return checker.check(parsed.approximate as SingerRecord, parsed.value as SingerRecord);
  };
}

/** True when the record is loadable (valid, or only deviating). */
const loads = (check: ReturnType<typeof checkerFor>, recordText: string) =>
  check(recordText)?.loadable ?? true;
const valid = (check: ReturnType<typeof checkerFor>, recordText: string) => check(recordText) === undefined;

describe('record validation formats', () => {
  it('checks standard formats (email, uuid) once a schema names one, keeping zone-optional date-times', () => {
    const validators = new Validators();
    const strict = { strict: true, jsonColumnsHoldAnyJson: false };
    const dates = checkerFor(
      '{"type":"object","properties":{"at":{"type":"string","format":"date-time"}}}',
      strict,
      validators,
    );
    assert.equal(valid(dates, '{"at":"2024-01-01T10:00:00"}'), true);
    assert.equal(valid(dates, '{"at":"yesterday"}'), false);
    const contacts = checkerFor(
      JSON.stringify(
        schemaWith({
          email: { type: 'string', format: 'email' },
          id: { type: 'string', format: 'uuid' },
          at: { type: 'string', format: 'date-time' },
          day: { type: 'string', format: 'date' },
        }),
      ),
      strict,
      validators,
    );
    const good = {
      email: 'a@example.com',
      id: '123e4567-e89b-12d3-a456-426614174000',
      at: '2024-01-01T10:00:00',
      day: '2024-02-29',
    };
    assert.equal(valid(contacts, JSON.stringify(good)), true);
    assert.equal(valid(contacts, JSON.stringify({ ...good, email: 'not an address' })), false);
    assert.equal(valid(contacts, JSON.stringify({ ...good, id: 'nope' })), false);
    assert.equal(valid(contacts, JSON.stringify({ ...good, day: '2023-02-29' })), false);
    // The first checker is unchanged, and new ones keep the Singer date-time rule.
    assert.equal(valid(dates, '{"at":"2024-01-01T10:00:00"}'), true);
  });

  it('ignores a property that is merely named "format"', () => {
    const check = checkerFor(JSON.stringify(schemaWith({ format: { type: 'string' } })));
    assert.equal(valid(check, '{"format":"csv"}'), true);
    assert.equal(loads(check, '{"format":1}'), false);
  });

  it('accepts formats it does not know (binary, singer.decimal) and loads their values', () => {
    const check = checkerFor(
      JSON.stringify(
        schemaWith({
          blob: { type: ['null', 'string'], format: 'binary' },
          d: { type: ['null', 'string'], format: 'singer.decimal' },
        }),
      ),
    );
    assert.equal(valid(check, '{"blob":"AAEC","d":"12345678901234567890.12"}'), true);
  });
});

describe('draft-4 and draft-6 numeric bounds', () => {
  const draft4 =
    '{"$schema":"http://json-schema.org/draft-04/schema#","type":"object","properties":{"n":{"type":["null","number"],' +
    '"exclusiveMaximum":true,"maximum":100,"exclusiveMinimum":true,"minimum":-100}}}';

  it('reads "exclusiveMaximum": true beside "maximum" as an exclusive bound (strict)', () => {
    const check = checkerFor(draft4, { strict: true, jsonColumnsHoldAnyJson: false });
    assert.equal(valid(check, '{"n":99.99}'), true);
    assert.equal(valid(check, '{"n":-99.99}'), true);
    assert.deepEqual(check('{"n":100}'), { loadable: false, problem: '/n must be < 100' });
    assert.deepEqual(check('{"n":-100}'), { loadable: false, problem: '/n must be > -100' });
  });

  it('reads "exclusiveMaximum": false as an inclusive bound', () => {
    const check = checkerFor(
      '{"type":"object","properties":{"n":{"type":"integer","maximum":10,"exclusiveMaximum":false,"minimum":0,"exclusiveMinimum":false}}}',
      { strict: true, jsonColumnsHoldAnyJson: false },
    );
    assert.equal(valid(check, '{"n":10}'), true);
    assert.equal(valid(check, '{"n":0}'), true);
    assert.equal(valid(check, '{"n":11}'), false);
  });

  it('takes draft 6+ numeric exclusive bounds too, the tighter one winning beside an inclusive bound', () => {
    const check = checkerFor(
      '{"type":"object","properties":{"n":{"type":"number","exclusiveMaximum":10,"maximum":20,"exclusiveMinimum":99999999999999999999999999999999999999}}}',
      { strict: true, jsonColumnsHoldAnyJson: false },
    );
    assert.equal(valid(check, '{"n":1e38}'), false);
    const plain = checkerFor(
      '{"type":"object","properties":{"n":{"type":"number","exclusiveMaximum":10,"maximum":20}}}',
      {
        strict: true,
        jsonColumnsHoldAnyJson: false,
      },
    );
    assert.equal(valid(plain, '{"n":9.5}'), true);
    assert.equal(valid(plain, '{"n":10}'), false);
    assert.equal(valid(plain, '{"n":15}'), false);
  });
});

describe('bounds beyond 2^53', () => {
  const bigint =
    '{"type":"object","properties":{"id":{"type":["null","integer"],"minimum":-9223372036854775808,"maximum":9223372036854775807},' +
    '"u":{"type":["null","integer"],"minimum":0,"maximum":18446744073709551615}}}';
  const strict = { strict: true, jsonColumnsHoldAnyJson: false };

  it('compiles a schema whose bounds a double cannot hold (no ERR_INVALID_SCHEMA)', () => {
    const check = checkerFor(bigint, strict);
    assert.equal(valid(check, '{"id":1,"u":2}'), true);
  });

  it('compares values with such bounds exactly, at the bound and one past it', () => {
    const check = checkerFor(bigint, strict);
    assert.equal(valid(check, '{"id":9223372036854775807}'), true);
    assert.equal(valid(check, '{"id":-9223372036854775808}'), true);
    assert.deepEqual(check('{"id":9223372036854775808}'), {
      loadable: false,
      problem: '/id must be <= 9223372036854775807',
    });
    assert.deepEqual(check('{"id":-9223372036854775809}'), {
      loadable: false,
      problem: '/id must be >= -9223372036854775808',
    });
    assert.equal(valid(check, '{"u":18446744073709551615}'), true);
    assert.equal(valid(check, '{"u":18446744073709551616}'), false);
    assert.equal(valid(check, '{"u":-1}'), false);
    // A double just below 2^63 is inside; 2^63 itself (what 9223372036854775807 rounds to) is not.
    assert.equal(valid(check, '{"id":9223372036854774784}'), true);
  });

  it('checks integer types on the literal: a long decimal is not an integer although its double is', () => {
    const check = checkerFor(bigint, strict);
    assert.deepEqual(check('{"id":9007199254740993.5}'), { loadable: false, problem: '/id must be integer' });
  });

  it('keeps enum and const members beyond 2^53 exact', () => {
    const check = checkerFor(
      '{"type":"object","properties":{"e":{"enum":[18446744073709551615,"x",null]},"c":{"const":9007199254740993}}}',
      strict,
    );
    assert.equal(valid(check, '{"e":18446744073709551615}'), true);
    assert.equal(valid(check, '{"e":"x"}'), true);
    assert.equal(valid(check, '{"e":null}'), true);
    assert.equal(valid(check, '{"e":18446744073709551614}'), false);
    assert.equal(valid(check, '{"e":"y"}'), false);
    assert.equal(valid(check, '{"c":9007199254740993}'), true);
    assert.equal(valid(check, '{"c":9007199254740992}'), false);
  });

  it('ignores exact numbers in annotations (default, examples)', () => {
    const check = checkerFor(
      '{"type":"object","properties":{"n":{"type":"integer","default":99999999999999999999}}}',
      strict,
    );
    assert.equal(valid(check, '{"n":1}'), true);
  });
});

describe('decimal multipleOf', () => {
  const strict = { strict: true, jsonColumnsHoldAnyJson: false };
  const numeric = (step: string) =>
    checkerFor(
      `{"type":"object","properties":{"n":{"type":["null","number"],"multipleOf":${step}}}}`,
      strict,
    );

  it('checks the literal as written, in decimal: 0.29 and 1.10 are multiples of 0.01, 0.295 is not', () => {
    const check = numeric('0.01');
    assert.equal(valid(check, '{"n":0.29}'), true);
    assert.equal(valid(check, '{"n":1.10}'), true);
    assert.equal(valid(check, '{"n":-7}'), true);
    assert.equal(valid(check, '{"n":0}'), true);
    assert.deepEqual(check('{"n":0.295}'), { loadable: false, problem: '/n must be multiple of 0.01' });
  });

  it('passes 12345678901234567890.1234567890 for 1e-10 and fails one digit more', () => {
    const check = numeric('1e-10');
    assert.equal(valid(check, '{"n":12345678901234567890.1234567890}'), true);
    assert.equal(valid(check, '{"n":0.0000000001}'), true);
    assert.equal(valid(check, '{"n":1e-10}'), true);
    assert.equal(valid(check, '{"n":12345678901234567890.12345678901}'), false);
    assert.equal(valid(check, '{"n":1e-11}'), false);
  });

  it('checks steps that are not powers of ten (0.25, 3) and large values', () => {
    assert.equal(valid(numeric('0.25'), '{"n":1.75}'), true);
    assert.equal(valid(numeric('0.25'), '{"n":1.7}'), false);
    assert.equal(valid(numeric('3'), '{"n":9007199254740993}'), true);
    assert.equal(valid(numeric('10000'), '{"n":9007199254740001}'), false);
  });

  it('refuses a step that is not positive as an invalid schema', () => {
    assert.throws(
      () => numeric('0'),
      (error: unknown) => error instanceof InputError && error.code === 'ERR_INVALID_SCHEMA',
    );
  });

  it('agrees with exact decimal arithmetic for random decimals and 10^-k steps (property)', () => {
    const checks = new Map<number, ReturnType<typeof numeric>>();
    const stepOf = (k: number) => {
      let check = checks.get(k);
      if (check === undefined) checks.set(k, (check = numeric(k === 0 ? '1' : `1e-${k}`)));
      return check;
    };
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        (coefficient, scale, k, trailingZeros, exponentForm) => {
          // The value is coefficient × 10^-scale, written with `trailingZeros` extra zeros or in e-notation.
          const text = exponentForm
            ? `${coefficient}e-${scale}`
            : decimalText(coefficient, scale, trailingZeros);
          // Oracle: value / 10^-k = coefficient × 10^(k - scale) is an integer.
          const expected = k >= scale || coefficient % 10n ** BigInt(scale - k) === 0n;
          assert.equal(valid(stepOf(k), `{"n":${text}}`), expected, `${text} multipleOf 1e-${k}`);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
    );
  });
});

describe('exact checks of nested values', () => {
  it('find each exact value by its path: keys with / and ~, array items past the path cache (1100 of them)', () => {
    const check = checkerFor(
      '{"type":"object","properties":{"a/b":{"type":"object","properties":{"c~d":{"type":"array",' +
        '"items":{"type":"number","maximum":12345678901234567890}}}}}}',
    );
    const items = (last: string) => [...Array(1099).fill('12345678901234567890'), last].join(',');
    assert.equal(valid(check, `{"a/b":{"c~d":[${items('12345678901234567890')}]}}`), true);
    // Only the 1100th item is one past the bound (its double equals the bound's): only the exact value shows it.
    const verdict = check(`{"a/b":{"c~d":[${items('12345678901234567891')}]}}`);
    assert.deepEqual(verdict, {
      loadable: true,
      deviations: [{ property: 'a/b.c~d[]', keyword: 'maximum', message: 'must be <= 12345678901234567890' }],
    });
  });
});

function decimalText(coefficient: bigint, scale: number, trailingZeros: number): string {
  const negative = coefficient < 0n;
  const digits = (negative ? -coefficient : coefficient).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale) + '0'.repeat(trailingZeros);
  return `${negative ? '-' : ''}${whole}${fraction.length > 0 ? `.${fraction}` : ''}`;
}

describe('the deviation policy', () => {
  const schemaText = JSON.stringify(
    schemaWith({
      id: { type: 'integer', minimum: 0, maximum: 100 },
      name: { type: ['null', 'string'], maxLength: 3, pattern: '^[a-z]+$' },
      kind: { type: ['null', 'string'], enum: ['a', 'b'] },
      at: { type: ['null', 'string'], format: 'date-time' },
      mail: { type: ['null', 'string'], format: 'email' },
      doc: { type: ['null', 'object'], properties: { k: { type: 'string' } } },
      tags: { type: ['null', 'array'], items: { type: 'string', maxLength: 2 } },
    }),
  );

  it('compiles the storable schema only at the first record that fails the full one, with the same verdicts', () => {
    const validators = new Validators();
    const compiled: unknown[] = [];
    const compile = validators.first.compile.bind(validators.first);
    validators.first.compile = ((schema: Record<string, unknown>) => {
      compiled.push(schema);
      return compile(schema);
    }) as typeof validators.first.compile;
    const check = checkerFor(
      '{"type":"object","properties":{"code":{"type":"string","maxLength":2},"n":{"type":"integer"}}}',
      DEFAULT,
      validators,
    );
    assert.equal(compiled.length, 1, 'the full schema only');
    assert.equal(check('{"code":"ab","n":1}'), undefined);
    assert.equal(compiled.length, 1, 'a valid record compiles nothing');
    assert.deepEqual(check('{"code":"abc","n":1}'), {
      loadable: true,
      deviations: [
        { property: 'code', keyword: 'maxLength', message: 'must NOT have more than 2 characters' },
      ],
    });
    assert.equal(compiled.length, 2, 'the storable schema, once');
    assert.deepEqual(check('{"code":"abcd","n":"x"}'), {
      loadable: false,
      problem: '/n must be integer',
    });
    assert.equal(compiled.length, 2, 'and never again');
  });

  it('loads values that only break constraint keywords, listing each property and keyword', () => {
    const check = checkerFor(schemaText);
    assert.deepEqual(check('{"id":101,"name":"Ωμέγα","kind":"c","mail":"x","tags":["abc","ok","xyz"]}'), {
      loadable: true,
      deviations: [
        { property: 'id', keyword: 'maximum', message: 'must be <= 100' },
        { property: 'name', keyword: 'maxLength', message: 'must NOT have more than 3 characters' },
        { property: 'name', keyword: 'pattern', message: 'must match pattern "^[a-z]+$"' },
        { property: 'kind', keyword: 'enum', message: 'must be equal to one of the allowed values' },
        { property: 'mail', keyword: 'format', message: 'must match format "email"' },
        { property: 'tags[]', keyword: 'maxLength', message: 'must NOT have more than 2 characters' },
      ],
    });
  });

  it('keeps values the destination cannot store invalid: a wrong type, a date-time that is not one', () => {
    const check = checkerFor(schemaText);
    assert.deepEqual(check('{"id":"7"}'), { loadable: false, problem: '/id must be integer' });
    assert.deepEqual(check('{"id":1.5}'), { loadable: false, problem: '/id must be integer' });
    assert.deepEqual(check('{"id":1,"at":"2019-12-18T13:19:44+00:00+00:00"}'), {
      loadable: false,
      problem: '/at must match format "date-time"',
    });
    assert.deepEqual(check('{"id":1,"doc":[1,2]}'), { loadable: false, problem: '/doc must be null,object' });
  });

  it('loads an array where the schema says object when the destination stores JSON columns', () => {
    const check = checkerFor(schemaText, { strict: false, jsonColumnsHoldAnyJson: true });
    assert.deepEqual(check('{"id":1,"doc":[1,2]}'), {
      loadable: true,
      deviations: [{ property: 'doc', keyword: 'type', message: 'must be null,object' }],
    });
    // Scalars still do not fit a JSON column declared as object.
    assert.equal(check('{"id":1,"doc":"text"}')?.loadable, false);
  });

  it('makes every constraint violation invalid when strict', () => {
    const check = checkerFor(schemaText, { strict: true, jsonColumnsHoldAnyJson: true });
    assert.deepEqual(check('{"id":1,"name":"abcd"}'), {
      loadable: false,
      problem: '/name must NOT have more than 3 characters',
    });
    assert.equal(check('{"id":1,"doc":[1]}')?.loadable, false);
    assert.equal(valid(check, '{"id":1,"name":"abc"}'), true);
  });

  it('reports deviations of records holding exact numbers exactly too', () => {
    const check = checkerFor(
      '{"type":"object","properties":{"id":{"type":"integer","maximum":9223372036854775807},"n":{"type":"number","multipleOf":0.01},"s":{"type":"string","maxLength":1}}}',
    );
    assert.equal(valid(check, '{"id":9223372036854775807,"n":12345678901234567890.12}'), true);
    assert.deepEqual(check('{"id":9223372036854775808,"n":12345678901234567890.123,"s":"ab"}'), {
      loadable: true,
      deviations: [
        { property: 'id', keyword: 'maximum', message: 'must be <= 9223372036854775807' },
        { property: 'n', keyword: 'multipleOf', message: 'must be multiple of 0.01' },
        { property: 's', keyword: 'maxLength', message: 'must NOT have more than 1 characters' },
      ],
    });
  });

  it('walks definitions and $ref (pipelinewise array schemas)', () => {
    const check = checkerFor(
      JSON.stringify({
        type: 'object',
        properties: {
          a: { type: ['null', 'array'], items: { $ref: '#/definitions/sdc_recursive_integer_array' } },
        },
        definitions: {
          sdc_recursive_integer_array: {
            type: ['null', 'integer', 'array'],
            items: { $ref: '#/definitions/sdc_recursive_integer_array' },
          },
        },
      }),
    );
    assert.equal(valid(check, '{"a":[1,[2,3],null]}'), true);
    assert.equal(loads(check, '{"a":[1,["x"]]}'), false);
  });
});
