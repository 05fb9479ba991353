/** Singer lines the reliability tests share. */

/** The `users` stream: integer key `id`, optional `name` and date-time `ts`; `id` required. */
export const USERS_SCHEMA = JSON.stringify({
  type: 'SCHEMA',
  stream: 'users',
  schema: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      name: { type: ['null', 'string'] },
      ts: { type: ['null', 'string'], format: 'date-time' },
    },
    required: ['id'],
  },
  key_properties: ['id'],
});

export function userRecord(id: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: 'RECORD', stream: 'users', record: { id, ...extra } });
}

export function stateLine(value: unknown): string {
  return JSON.stringify({ type: 'STATE', value });
}

/** A SCHEMA line for any stream and properties. */
export function schemaLine(stream: string, properties: Record<string, object>, keys: string[] = []): string {
  return JSON.stringify({
    type: 'SCHEMA',
    stream,
    schema: { type: 'object', properties },
    key_properties: keys,
  });
}

export function recordLine(stream: string, record: Record<string, unknown>): string {
  return JSON.stringify({ type: 'RECORD', stream, record });
}
