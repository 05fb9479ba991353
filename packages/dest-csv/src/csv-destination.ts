import { Destination, ExportBatch, type BatchContext } from '@singer-dest/sdk';

/** Placeholder: writes nothing yet (issue 4 builds the real CSV writer). */
@Destination({ name: 'dest-csv', version: '0.1.0', description: 'Writes one CSV file per stream.' })
export class CsvDestination {
  @ExportBatch
  write(_context: BatchContext): void {}
}
