/** Small builders for Singer messages in tests. */
export const schema = (stream: string, properties: Record<string, object>, keyProperties: string[] = []) => ({
  type: 'SCHEMA',
  stream,
  schema: { type: 'object', properties },
  key_properties: keyProperties,
});
export const record = (stream: string, values: Record<string, unknown>) => ({
  type: 'RECORD',
  stream,
  record: values,
});
export const state = (value: unknown) => ({ type: 'STATE', value });

/** A deferred promise: tests use it to hold an export until they release it. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
