import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@singer-dest/sdk';
import type { Client, ClientBase } from 'pg';
import type { PostgresConfig } from './config';
import { connect } from './connection';
import { PostgresDestinationError } from './errors';

/** A flush whose connection broke before COMMIT was sent is retried this many times in all. */
export const MAX_ATTEMPTS = 3;
const RETRY_DELAY_MS = 250;

/** SQLSTATE classes and client errors that mean the connection, not the statement, failed. */
export function isConnectionError(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
    if (['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code))
      return true;
  }
  return (
    typeof message === 'string' &&
    /Connection terminated|connection error|not queryable|terminating connection/i.test(message)
  );
}

/**
 * Errors after which PostgreSQL rolled the whole transaction back and running it again can succeed: a deadlock
 * or serialization failure (two processes' row locks crossed), or a catalog unique violation (something outside
 * dest-postgres' locks created the same schema or table at the same moment; the retry sees it).
 */
export function isTransientConflict(error: unknown): boolean {
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  if (code === '40P01' || code === '40001') return true;
  return code === '23505' && typeof constraint === 'string' && /^pg_\w+_index$/.test(constraint);
}

/** A PostgreSQL error as `PostgreSQL error CODE: message (detail)`, without row contents. */
export function describePgError(error: unknown): string {
  const e = error as { code?: string; message?: string; detail?: string; column?: string };
  let text = e.message ?? String(error);
  if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code))
    text = `PostgreSQL error ${e.code}: ${text}`;
  // PostgreSQL's detail can quote a whole row ("Failing row contains ..."): keep record contents out of messages.
  if (e.detail && !e.detail.startsWith('Failing row contains')) text += ` (${e.detail})`;
  return text;
}

/**
 * The destination's one connection and its transactions: opened on first use, replaced when it breaks, closed
 * at the end of the run (and never reopened after that, even by an export still in flight).
 *
 * @example
 * ```ts
 * const session = new Session(config, logger, () => tables.forgetAll());
 * await session.inTransaction('batch 3', async (client) => { await client.query('...'); });
 * await session.close();
 * ```
 */
export class Session {
  private client: Client | undefined;
  private closed = false;

  /** `onRollback` runs whenever a transaction did not commit (cached catalog facts may be stale then). */
  constructor(
    private readonly config: PostgresConfig,
    private readonly logger: Logger,
    private readonly onRollback: () => void,
  ) {}

  /** Closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connection(): Promise<Client> {
    // After close (the run ended, maybe with an export still in flight) never open a new connection.
    if (this.closed) throw new Error('the PostgreSQL connection was closed because the run ended');
    if (this.client === undefined) {
      const client = await connect(this.config);
      if (this.closed) {
        await client.end().catch(() => undefined);
        throw new Error('the PostgreSQL connection was closed because the run ended');
      }
      this.client = client;
    }
    return this.client;
  }

  private discard(): void {
    const client = this.client;
    this.client = undefined;
    this.onRollback();
    client?.end().catch(() => undefined);
  }

  /**
   * Runs `work` in one transaction. When the connection breaks before COMMIT was sent, nothing was committed,
   * so the whole transaction is retried on a new connection (at most {@link MAX_ATTEMPTS} times in all); so is a
   * transaction PostgreSQL aborted for a conflict ({@link isTransientConflict}), on the same connection. When it
   * breaks during COMMIT, whether the commit happened is unknown: that fails, never retries.
   */
  async inTransaction<T>(what: string, work: (client: ClientBase) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let commitSent = false;
      try {
        const client = await this.connection();
        try {
          await client.query('BEGIN');
          const result = await work(client);
          commitSent = true;
          await client.query('COMMIT');
          return result;
        } catch (error) {
          if (!isConnectionError(error)) await client.query('ROLLBACK').catch(() => this.discard());
          throw error;
        }
      } catch (error) {
        this.onRollback(); // DDL of the failed transaction was rolled back
        if (isTransientConflict(error) && attempt < MAX_ATTEMPTS) {
          this.logger.warn(
            { attempt, err: describePgError(error) },
            `PostgreSQL rolled back ${what} (a conflict with another transaction); running it again`,
          );
          await sleep(RETRY_DELAY_MS * attempt * Math.random());
          continue;
        }
        if (!isConnectionError(error)) throw error;
        this.discard();
        if (commitSent) {
          throw new PostgresDestinationError(
            'ERR_PG_COMMIT_UNKNOWN',
            `The connection broke during COMMIT of ${what}, so whether it was committed is unknown ` +
              `(${describePgError(error)}). Rerun from the last emitted state.`,
            {},
            { cause: error },
          );
        }
        if (attempt >= MAX_ATTEMPTS) throw error;
        this.logger.warn(
          { attempt, err: describePgError(error) },
          `connection lost during ${what}; retrying it on a new connection`,
        );
        await sleep(RETRY_DELAY_MS * attempt);
      }
    }
  }
}
