import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExactNumber, normalizeSchema, schemaNumberText, type JsonSchema } from '../../src/index';
import { parseJsonExact } from '../../src/json/parse-json';

const one = (schema: JsonSchema) => normalizeSchema({ properties: { p: schema } }).properties[0]!;

describe('normalizeSchema', () => {
  it('gives each property its logical type and nullability, in schema order', () => {
    const { properties } = normalizeSchema({
      properties: {
        id: { type: 'integer' },
        price: { type: ['null', 'number'], multipleOf: 0.01 },
        ratio: { type: 'number' },
        ok: { type: ['boolean', 'null'] },
        name: { type: 'string', maxLength: 40 },
        at: { type: ['null', 'string'], format: 'date-time' },
        day: { type: 'string', format: 'date' },
        clock: { type: 'string', format: 'time' },
        email: { type: 'string', format: 'email' },
        address: { type: 'object', properties: { city: { type: 'string' } } },
        bag: { type: 'object' },
        tags: { type: 'array', items: { type: 'string' } },
        mixed: { type: ['string', 'integer'] },
        anything: {},
      },
    });
    assert.deepEqual(
      properties.map((p) => [p.name, p.type, p.nullable]),
      [
        ['id', 'integer', false],
        ['price', 'decimal', true],
        ['ratio', 'number', false],
        ['ok', 'boolean', true],
        ['name', 'string', false],
        ['at', 'date-time', true],
        ['day', 'date', false],
        ['clock', 'time', false],
        ['email', 'string', false],
        ['address', 'object', false],
        ['bag', 'object', false],
        ['tags', 'array', false],
        ['mixed', 'json', false],
        ['anything', 'json', true],
      ],
    );
    assert.deepEqual(properties[4]!.constraints, { maxLength: 40 });
    assert.deepEqual(properties[8]!.constraints, { format: 'email' });
    assert.deepEqual(
      properties[9]!.properties?.map((p) => [p.name, p.type]),
      [['city', 'string']],
    );
    assert.equal(properties[10]!.properties, undefined);
  });

  it('reads anyOf / oneOf branches the way real taps write unions', () => {
    assert.equal(
      one({ anyOf: [{ type: 'null' }, { type: 'string', format: 'date-time' }] }).type,
      'date-time',
    );
    assert.equal(one({ anyOf: [{ type: 'null' }, { type: 'string', format: 'date-time' }] }).nullable, true);
    assert.equal(
      one({ anyOf: [{ type: 'string', format: 'date-time' }, { type: 'string' }] }).type,
      'string',
    );
    assert.equal(one({ oneOf: [{ type: 'integer' }, { type: 'number' }] }).type, 'number');
    assert.equal(one({ anyOf: [{ type: 'string' }, { type: 'integer' }] }).type, 'json');
    assert.equal(one({ properties: { a: { type: 'integer' } } }).type, 'object');
    assert.equal(one({ type: ['object', 'null'], properties: { a: {} } }).properties?.[0]?.name, 'a');
  });

  it('keeps bounds and multipleOf exactly, as the tap wrote them (beyond 2^63, long decimals)', () => {
    const parsed = parseJsonExact(
      '{"properties":{"big":{"type":"integer","minimum":-9223372036854775809,"maximum":18446744073709551615},' +
        '"money":{"type":"number","multipleOf":1e-30,"minimum":0.12345678901234567890123,"exclusiveMaximum":1e40},' +
        '"d4":{"type":"integer","minimum":0,"exclusiveMinimum":true}}}',
    ).value as JsonSchema;
    const [big, money, d4] = normalizeSchema(parsed).properties;
    assert.ok(big!.constraints.maximum instanceof ExactNumber);
    assert.equal(schemaNumberText(big!.constraints.minimum!), '-9223372036854775809');
    assert.equal(schemaNumberText(big!.constraints.maximum), '18446744073709551615');
    assert.equal(money!.type, 'decimal');
    assert.equal(schemaNumberText(money!.constraints.multipleOf!), '1e-30');
    assert.equal(schemaNumberText(money!.constraints.minimum!), '0.12345678901234567890123');
    assert.equal(schemaNumberText(money!.constraints.exclusiveMaximum as number), '1e40');
    assert.deepEqual(d4!.constraints, { minimum: 0, exclusiveMinimum: true });
  });

  it("finds properties by name and keeps each one's own schema", () => {
    const schema = { type: 'integer', minimum: 1 };
    const stream = normalizeSchema({ properties: { id: schema } });
    assert.equal(stream.byName.get('id')?.schema, schema);
    assert.deepEqual(normalizeSchema({}).properties, []);
  });
});
