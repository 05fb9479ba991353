import type { JsonSchema } from '../contexts';
import { InputError } from '../errors';
import { ExtraPropertyFinder, type ExtraPropertiesPolicy } from './extra-properties';
import type { EncoderHandle } from './encode-stage';
import { RecordChecker, Validators } from './record-validator';

/** A stream as its latest SCHEMA defined it. */
export interface StreamDefinition {
  readonly name: string;
  readonly schema: JsonSchema;
  readonly keyProperties: string[];
  /** Schema and keys as JSON text: an identical repeated SCHEMA (taps resend them) changes nothing. */
  readonly schemaKey: string;
  /** Checks records against the schema (unless validate_records is false). */
  readonly checker: RecordChecker | undefined;
  /** Finds undeclared properties (unless extra_properties is "ignore"). */
  readonly extras: ExtraPropertyFinder | undefined;
  /** The stream's state: what `@OnSchema` returned last (kept across schema changes until it returns another). */
  readonly state: unknown;
  /** With `@EncodeWith`: the encoder its records are read under (set after `@OnSchema`). */
  readonly encoder: EncoderHandle | undefined;
}

/** What a SCHEMA did to the registry. */
export interface SchemaChange {
  stream: StreamDefinition;
  /** The definition it replaced, if the stream was known. */
  previous: StreamDefinition | undefined;
  /** False for an identical repeated SCHEMA. */
  changed: boolean;
}

/**
 * The streams of a run, each as its latest SCHEMA defined it, with its record checker compiled once per
 * distinct schema.
 *
 * @example
 * ```ts
 * const registry = new StreamRegistry({ validateRecords: true, extraProperties: 'warn', inputName: 'stdin' });
 * const { changed } = registry.apply({ stream: 'users', schema, keyProperties: ['id'] }, 1);
 * registry.get('users')?.checker?.check(record, record);
 * ```
 */
export class StreamRegistry {
  private readonly streams = new Map<string, StreamDefinition>();
  private readonly validators = new Validators();

  constructor(
    private readonly options: {
      validateRecords: boolean;
      /** Constraint violations make records invalid (strict_validation). Default false. */
      strictValidation?: boolean;
      /** From `@Destination`: an array fits an object column. Default false. */
      jsonColumnsHoldAnyJson?: boolean;
      extraProperties: ExtraPropertiesPolicy;
      inputName: string;
    },
  ) {}

  get(name: string): StreamDefinition | undefined {
    return this.streams.get(name);
  }

  /** Keeps what `@OnSchema` returned as the stream's state (records read from now on are read under it). */
  setState(name: string, state: unknown): void {
    (this.streams.get(name) as { state: unknown }).state = state;
  }

  /** Keeps the stream's encoder (records read from now on are encoded with it). */
  setEncoder(name: string, encoder: EncoderHandle): void {
    (this.streams.get(name) as { encoder: EncoderHandle | undefined }).encoder = encoder;
  }

  /** The stream a RECORD names; throws when its SCHEMA has not come first. */
  require(name: string, type: 'RECORD' | 'BATCH', line: number): StreamDefinition {
    const stream = this.streams.get(name);
    if (stream !== undefined) return stream;
    throw new InputError(
      'ERR_RECORD_BEFORE_SCHEMA',
      `${this.options.inputName} line ${line}: ${type} for stream "${name}" arrived before its SCHEMA. ` +
        `Send a SCHEMA message for "${name}" first.`,
      { line, stream: name },
    );
  }

  /** Records a SCHEMA message read at `line` (compiling its validator: throws on an invalid schema). */
  apply(
    message: { stream: string; schema: JsonSchema; keyProperties: string[] },
    line: number,
  ): SchemaChange {
    const { stream: name, schema, keyProperties } = message;
    const previous = this.streams.get(name);
    const schemaKey = JSON.stringify([schema, keyProperties]);
    if (previous !== undefined && previous.schemaKey === schemaKey)
      return { stream: previous, previous, changed: false };
    const { validateRecords, strictValidation, jsonColumnsHoldAnyJson, inputName, extraProperties } =
      this.options;
    const checker = validateRecords
      ? new RecordChecker(
          this.validators,
          schema,
          { stream: name, line, source: inputName },
          { strict: strictValidation ?? false, jsonColumnsHoldAnyJson: jsonColumnsHoldAnyJson ?? false },
        )
      : undefined;
    const state = previous?.state;
    const encoder = previous?.encoder;
    const extras = extraProperties === 'ignore' ? undefined : new ExtraPropertyFinder(schema);
    const stream = { name, schema, keyProperties, schemaKey, checker, extras, state, encoder };
    this.streams.set(name, stream);
    return { stream, previous, changed: true };
  }
}
