/** Helpers the dest-postgres tests share: build a validated config, and Singer messages. */
import { type RunSettings } from '@singer-dest/sdk';
import {
  runTestDestination,
  type TestRunResult,
  resolveDestination,
  validateConfig,
} from '@singer-dest/sdk/testing';
import { PostgresDestination } from '../../src/postgres-destination';
import type { PostgresConfig } from '../../src/config';
import type { TestSchema } from './test-server';

/** A validated config instance from JSON settings. */
export function configOf(raw: Record<string, unknown>): PostgresConfig {
  return validateConfig(resolveDestination(PostgresDestination), raw).config as PostgresConfig;
}

/** Runs the destination in-process on messages, loading into the test schema (plus `settings`). */
export function load(
  db: TestSchema,
  messages: readonly (object | string)[],
  settings: Record<string, unknown> = {},
  runSettings: Partial<RunSettings> = {},
): Promise<TestRunResult> {
  return runTestDestination(PostgresDestination, {
    messages,
    config: configOf({ ...db.settings, ...settings }),
    settings: runSettings,
  });
}

export const schema = (
  stream: string,
  properties: Record<string, object>,
  keys: string[] = [],
  extra: object = {},
) => ({
  type: 'SCHEMA',
  stream,
  schema: { type: 'object', properties },
  key_properties: keys,
  ...extra,
});
export const record = (stream: string, value: Record<string, unknown>, extra: object = {}) => ({
  type: 'RECORD',
  stream,
  record: value,
  ...extra,
});
export const state = (value: unknown) => ({ type: 'STATE', value });
export const activate = (stream: string, version: number) => ({ type: 'ACTIVATE_VERSION', stream, version });

/** No metadata columns (nor the table version column): rows compare with the input directly. */
export const NO_METADATA = { add_record_metadata: false, activate_version: false };
