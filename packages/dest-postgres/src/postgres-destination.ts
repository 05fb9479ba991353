import { Destination, ExportBatch, type BatchContext } from '@singer-dest/sdk';

/** Placeholder: loads nothing yet (issue 5 builds the real loader). */
@Destination({ name: 'dest-postgres', version: '0.1.0', description: 'Loads PostgreSQL with COPY.' })
export class PostgresDestination {
  @ExportBatch
  write(_context: BatchContext): void {}
}
