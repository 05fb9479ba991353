/**
 * @singer-dest/sdk/toolkit: what a destination's encoder module and its other per-record code use (schemas,
 * names, exact numbers and digits, the `_sdc_*` columns, error classes), without the SDK's run-time. The encode
 * stage loads an encoder module on each of its threads; importing this instead of the package root keeps
 * class-validator, ajv and pino out of those threads (about 16 MB and 0.13 s of CPU each, measured by requiring
 * either one in a fresh process). The root exports all of it too.
 *
 * @example
 * ```ts
 * // my-rows.ts, the module @EncodeWith names
 * import { ExactNumber, type EncoderFactory } from '@singer-dest/sdk/toolkit';
 *
 * export const rows: EncoderFactory<{ columns: string[] }> = ({ columns }) => (record) =>
 *   columns.map((c) => (record[c] instanceof ExactNumber ? record[c].text : String(record[c]))).join('\t') + '\n';
 * ```
 */
export type { JsonSchema, RecordMessage, SingerRecord } from '../contexts';
export type {
  EncodeFunction,
  EncodeMeta,
  EncoderFactory,
  EncoderModule,
  EncoderTools,
  RecordEncoder,
} from '../encoder';
export {
  ConfigError,
  DestinationDefinitionError,
  DestinationError,
  HandlerError,
  InputError,
  SdkError,
  type BatchLocation,
  type ConfigProblem,
  type ErrorCode,
  type ErrorLocation,
} from '../errors';
export { ExactNumber, stringifyJson } from '../json/exact-number';
export { parseJsonExact, type ParsedJson } from '../json/parse-json';
export {
  normalizeSchema,
  schemaNumberText,
  type LogicalType,
  type PropertyConstraints,
  type PropertySchema,
  type SchemaNumber,
  type StreamSchema,
} from './stream-schema';
export { foldName, foldNames, NameClaims, streamTableName, type NameRules } from './naming';
export {
  decimalShapeOf,
  digitsOf,
  plainNumberText,
  scaledIntegerOf,
  type DecimalShape,
} from './exact-digits';
export { numericMisfit, shapeHolding, widerShape, type NumericShape } from './numeric-fit';
export { ExactNumericTypes, type ExactNumericTypesOptions } from './numeric-types';
export {
  activateVersionSql,
  inTransaction,
  keyOnlyFillStatements,
  mergeStagedStatements,
  quoteIdent,
  quoteText,
  type KeyOnlyFill,
  type StagedMerge,
} from './staged-sql';
export {
  columnChanges,
  loadModeOf,
  planColumns,
  sdcColumnsOf,
  type ColumnChanges,
  type ColumnPlanOptions,
  type LoadMode,
  type PlannedColumns,
} from './table-plan';
export {
  SDC_COLUMNS,
  SdcValues,
  isKeyOnlyDelete,
  isSdcColumn,
  type SdcColumn,
  type SdcColumnName,
  type SdcFacts,
  type SdcValue,
} from './sdc-columns';
