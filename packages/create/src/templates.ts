import type { DestinationNames } from './names';

/** Versions the generated package depends on; a test keeps them equal to the SDK's own. */
export const DEPENDENCY_VERSIONS = {
  '@singer-dest/sdk': '^0.1.0',
  'class-transformer': '^0.5.1',
  'class-validator': '^0.15.1',
} as const;

/** Where the generated package sits in its workspace, for its tsconfig. */
export interface TemplateLayout {
  /** The workspace's shared compiler options, relative to the package (`../../tsconfig.base.json`), if any. */
  baseTsconfig: string | undefined;
  /** The SDK's TypeScript project, relative to the package (`../sdk`), when it is in the same workspace. */
  sdkProject: string | undefined;
}

/** The destination class and its settings: the file an author edits first. */
export function destinationSource(n: DestinationNames): string {
  return `import { DescribeOutput, Destination, ExportBatch, Setting, stringifyJson } from '@singer-dest/sdk';
import type { DescribeOutputContext, RecordBatchContext } from '@singer-dest/sdk';
import { IsString } from 'class-validator';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Settings: JSON config keys, or \`${n.envPrefix}<KEY>\` environment variables. */
export class ${n.configName} {
  @Setting({ name: 'output_path', description: 'Directory of the <stream>.jsonl files; created if missing.' })
  @IsString()
  outputPath = 'output';
}

export const fileOf = (dir: string, stream: string) => join(dir, \`\${stream.replace(/[^\\w-]/g, '_')}.jsonl\`);

/** Writes each stream's records as JSON lines to \`<output_path>/<stream>.jsonl\`. Replace the export with yours. */
@Destination({
  name: '${n.binName}',
  config: ${n.configName},
  version: '0.1.0',
  description: 'One JSON-lines file per stream.',
  examples: ['${n.binName} < tap-output.singer', '${n.binName} --config config.json < tap-output.singer'],
})
export class ${n.className} {
  @ExportBatch
  write({ stream, records, config }: RecordBatchContext<${n.configName}>): void {
    mkdirSync(config.outputPath, { recursive: true });
    // stringifyJson keeps big numbers exact; flush fsyncs before returning (the SDK prints the STATE next)
    const lines = records.map((record) => \`\${stringifyJson(record)}\\n\`).join('');
    appendFileSync(fileOf(config.outputPath, stream), lines, { flush: true });
  }

  @DescribeOutput // where a stream went, for the summary at the end of a run
  where({ stream, config }: DescribeOutputContext<${n.configName}>): string {
    return fileOf(config.outputPath, stream);
  }
}
`;
}

/** The test: the SDK's conformance kit, every row read back from the files the destination wrote. */
export function testSource(n: DestinationNames): string {
  return `import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJsonExact } from '@singer-dest/sdk';
import { runConformance, type ReadBackRow } from '@singer-dest/sdk/testing';
import { ${n.className}, fileOf } from '../src/index';

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\\n').filter(Boolean) : []);

runConformance(${n.className}, {
  setup: () => mkdtempSync(join(tmpdir(), '${n.binName}-')),
  config: (dir) => ({ output_path: dir }),
  readBack: (dir, stream) => lines(fileOf(dir, stream)).map((line) => parseJsonExact(line).value as ReadBackRow),
  keys: 'append', // a JSON-lines file has no upsert: every record is a line
});
`;
}

/** The package's public surface. */
export function indexSource(n: DestinationNames): string {
  return `export { ${n.className}, ${n.configName}, fileOf } from './${n.fileStem}';\n`;
}

/** The executable: the whole Singer command line from one call (`--version` answered without loading it). */
export function binSource(n: DestinationNames): string {
  return `#!/usr/bin/env node
'use strict';
const { runBin } = require('@singer-dest/sdk/bin');
runBin(require('../package.json'), () => require('../build/src/index.js').${n.className});
`;
}

/** package.json, written as npm writes it (JSON.stringify, two spaces). */
export function packageJson(n: DestinationNames): string {
  const manifest = {
    name: n.packageName,
    version: '0.1.0',
    description: 'A Singer destination built with @singer-dest/sdk.',
    main: 'build/src/index.js',
    types: 'build/src/index.d.ts',
    bin: { [n.binName]: `bin/${n.binName}.js` },
    files: ['build/src', 'bin'],
    scripts: {
      build: 'tsc -b',
      lint: 'eslint . && prettier --check src test bin',
      test: 'tsc -b && node --test build/test/',
    },
    engines: { node: '>=20.12' },
    dependencies: DEPENDENCY_VERSIONS,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** tsconfig.json: the workspace's compiler options when it has shared ones, else the SDK's own strict set. */
export function tsconfigJson(layout: TemplateLayout): string {
  const paths = '"rootDir": ".", "outDir": "build", "tsBuildInfoFile": "build/.tsbuildinfo"';
  const options =
    layout.baseTsconfig !== undefined
      ? `{ ${paths} }`
      : `{
    ${paths.split(', ').join(',\n    ')},
    "target": "ES2022",
    "module": "Node16",
    "moduleResolution": "Node16",
    "strict": true,
    "noUncheckedIndexedAccess": true,
    "noImplicitOverride": true,
    "experimentalDecorators": true,
    "emitDecoratorMetadata": true,
    "useDefineForClassFields": false,
    "declaration": true,
    "composite": true,
    "esModuleInterop": true,
    "skipLibCheck": true,
    "types": ["node"]
  }`;
  return [
    '{',
    ...(layout.baseTsconfig !== undefined ? [`  "extends": "${layout.baseTsconfig}",`] : []),
    `  "compilerOptions": ${options},`,
    `  "include": ["src", "test"]${layout.sdkProject !== undefined ? ',' : ''}`,
    ...(layout.sdkProject !== undefined ? [`  "references": [{ "path": "${layout.sdkProject}" }]`] : []),
    '}',
    '',
  ].join('\n');
}

/** The README: a working example first, then the settings table (as \`--about --format markdown\` prints it). */
export function readme(n: DestinationNames): string {
  return `# ${n.binName}

\`${n.binName} < tap-output.singer\` writes one JSON-lines file per stream into \`./output\` and prints each Singer
STATE on stdout once the records before it are written and fsynced. Built with
[@singer-dest/sdk](https://www.npmjs.com/package/@singer-dest/sdk).

\`\`\`sh
${n.binName} < tap-output.singer
${n.binName} --config config.json < tap-output.singer
\`\`\`

(From the workspace: \`npx ${n.binName} ...\`.) Settings come from \`--config\` files or \`${n.envPrefix}<SETTING>\`
variables; \`${n.binName} --help\` ends with these same examples (\`@Destination({ examples })\`).

## Settings

| Setting | Type | Required | Default | Environment variable | Description |
| --- | --- | --- | --- | --- | --- |
| \`output_path\` | string | no | output | \`${n.envPrefix}OUTPUT_PATH\` | Directory of the <stream>.jsonl files; created if missing. |

Plus the SDK's settings every destination has (\`maximum_batch_size_mb\`, \`batch_size_rows\`,
\`batch_wait_limit_seconds\`, \`validate_records\`, \`invalid_record_policy\`, \`dead_letter_path\`, \`max_line_bytes\`).
When you add a setting to \`${n.configName}\`, \`npx ${n.binName} --about --format markdown\` prints the new table.

## Layout

\`\`\`
src/${n.fileStem}.ts   the destination class and its settings
src/index.ts           the public surface
test/${n.fileStem}.test.ts
bin/${n.binName}.js    the executable (runBin, then runCli(${n.className}))
\`\`\`

\`npm run build\`, \`npm run lint\` and \`npm test\` in this folder; in the workspace, the root's \`npm test\` runs them
with everything else.
`;
}
