import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { foldName, parseJsonExact } from '../../src/index';
import { runConformance, type ReadBackRow } from '../../src/testing/index';
import { FolderDestination } from './folder-destination';

// The README's conformance example, verbatim but for the imports.
runConformance(FolderDestination, {
  setup: () => mkdtempSync(join(tmpdir(), 'dest-folder-')),
  config: (folder) => ({ folder }),
  readBack: (folder, stream): ReadBackRow[] => {
    const file = join(
      folder,
      `${foldName(stream, { maxBytes: 100, case: 'lower', disallowed: /[^a-z0-9_]/g })}.jsonl`,
    );
    if (!existsSync(file)) return [];
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    return lines.map((line) => parseJsonExact(line).value as ReadBackRow);
  },
  keys: 'append',
});
