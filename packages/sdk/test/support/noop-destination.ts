import { Destination, ExportBatch } from '../../src/index';

/**
 * A destination whose export does nothing, for tests of what the loop does around exports (states, validation,
 * input errors). A fresh class each call, so each test still has its own decorated class.
 */
export function noopDestination() {
  @Destination()
  class Noop {
    @ExportBatch
    write() {}
  }
  return Noop;
}
