import type { Logger } from 'pino';
import type { Batcher } from './batcher';
import type { BoundHandlers } from './bind-handlers';
import type { EncodeStage } from './encode-stage';
import type { ExportQueue } from './export-queue';
import type { Message } from './parse-message';
import type { StreamRegistry } from './stream-registry';
import { HandlerError, describeError } from '../errors';
import { callStreamHook } from './stream-hooks';

/** What {@link StreamChanges} works with: the loop's parts it flushes and drains, and the hooks it calls. */
export interface StreamChangesOptions {
  handlers: BoundHandlers;
  config: unknown;
  logger: Logger;
  inputName: string;
  streams: StreamRegistry;
  batcher: Batcher;
  queue: ExportQueue;
  /** With `@EncodeWith`: where a stream's encoder facts go. */
  encodeStage: EncodeStage | undefined;
}

/**
 * The two messages that change what a stream is: SCHEMA (its schema, keys and the destination's per-stream state)
 * and ACTIVATE_VERSION (a full-table replacement). Both first export the records read under the stream as it
 * was, so that no batch is exported under a schema, state or version its records were not read under.
 *
 * An ACTIVATE_VERSION that arrives before its stream's first SCHEMA (tap-mysql sends one at the start of a
 * full-table sync) is held and applied right after that SCHEMA; one no SCHEMA follows is a warning at the end.
 *
 * @example
 * ```ts
 * const changes = new StreamChanges({ handlers, config, logger, inputName, streams, batcher, queue });
 * await changes.applySchema(message, line);         // registry, flush, @OnSchema, a held version
 * await changes.activateVersion(message, line);     // flush, drain, @OnActivateVersion
 * changes.warnUnappliedVersions();                  // at the end of the input
 * ```
 */
export class StreamChanges {
  private readonly pendingVersions = new Map<
    string,
    { message: Message<'ACTIVATE_VERSION'>; line: number }
  >();

  constructor(private readonly options: StreamChangesOptions) {}

  async applySchema(message: Message<'SCHEMA'>, line: number): Promise<void> {
    const { handlers, config, logger, inputName, streams, batcher, queue } = this.options;
    const { changed, previous, stream } = streams.apply(message, line);
    // Records read under the old schema are exported under it before anything changes.
    if (changed) batcher.flush(stream.name);
    if (changed || handlers.onSchema !== undefined) await queue.drain();
    const { schema, keyProperties, name, state } = stream;
    if (handlers.onSchema !== undefined) {
      const returned = await callStreamHook('OnSchema', { stream: name, line, inputName }, () =>
        handlers.onSchema!({
          config,
          logger,
          stream: name,
          schema,
          keyProperties,
          bookmarkProperties: message.bookmarkProperties,
          line,
          previous: previous && { schema: previous.schema, keyProperties: previous.keyProperties },
          changed,
          state,
        }),
      );
      if (returned !== state) {
        // A batch holds records read under one state: the buffered ones are exported with the state they were read under.
        batcher.flush(name);
        streams.setState(name, returned);
      }
    }
    if (changed || stream.state !== state) this.updateEncoder(name, line);
    const pending = this.pendingVersions.get(name);
    if (pending !== undefined) {
      this.pendingVersions.delete(name);
      await this.activateVersion(pending.message, pending.line);
    }
  }

  /** A new schema or state: the stream's encoder facts again (its buffered records were flushed already). */
  private updateEncoder(name: string, line: number): void {
    const { handlers, config, inputName, streams, encodeStage } = this.options;
    if (encodeStage === undefined || handlers.encoderFacts === undefined) return;
    const stream = streams.get(name)!;
    const { schema, keyProperties, state: streamState } = stream;
    let facts: unknown;
    try {
      facts = handlers.encoderFacts({ config, stream: name, streamState, schema, keyProperties });
    } catch (error) {
      throw new HandlerError(
        'ERR_HANDLER_FAILED',
        `${inputName} line ${line}: @EncodeWith for stream "${name}" failed: ${describeError(error)}`,
        error,
        { line, stream: name },
      );
    }
    streams.setEncoder(name, encodeStage.register(name, facts));
  }

  async activateVersion(message: Message<'ACTIVATE_VERSION'>, line: number): Promise<void> {
    const { handlers, logger, config, inputName, streams, batcher, queue } = this.options;
    const stream = streams.get(message.stream);
    if (stream === undefined) {
      // No record of the stream can be outstanding; the version applies once the SCHEMA says what the stream is.
      this.pendingVersions.set(message.stream, { message, line });
      logger.debug(
        { line, stream: message.stream },
        `${inputName} line ${line}: ACTIVATE_VERSION for stream "${message.stream}" before its SCHEMA; applied when the SCHEMA arrives`,
      );
      return;
    }
    batcher.flush(stream.name);
    await queue.drain();
    if (handlers.onActivateVersion === undefined) {
      logger.debug(
        { line, stream: stream.name },
        'ACTIVATE_VERSION ignored: the destination has no @OnActivateVersion',
      );
      return;
    }
    const { name, schema, keyProperties } = stream;
    await callStreamHook('OnActivateVersion', { stream: name, line, inputName }, () =>
      handlers.onActivateVersion!({
        config,
        logger,
        stream: name,
        version: message.version,
        line,
        schema,
        keyProperties,
        streamState: stream.state,
      }),
    );
  }

  /** At the end of the input: a held ACTIVATE_VERSION that no SCHEMA followed was never applied. */
  warnUnappliedVersions(): void {
    const { logger, inputName } = this.options;
    for (const [stream, { line }] of this.pendingVersions) {
      logger.warn(
        { line, stream },
        `${inputName} line ${line}: ACTIVATE_VERSION for stream "${stream}" was ignored: no SCHEMA for "${stream}" followed it.`,
      );
    }
  }
}
