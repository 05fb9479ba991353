import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as root from '../../src/index';
import * as cli from '../../src/cli/index';
import * as testing from '../../src/testing/index';
import * as toolkit from '../../src/toolkit/index';

// The toolkit's names, which /toolkit holds and the root holds again (each the same value).
const TOOLKIT_NAMES = [
  'ConfigError',
  'DestinationDefinitionError',
  'DestinationError',
  'ExactNumber',
  'ExactNumericTypes',
  'HandlerError',
  'InputError',
  'NameClaims',
  'SDC_COLUMNS',
  'SdcValues',
  'SdkError',
  'activateVersionSql',
  'columnChanges',
  'decimalShapeOf',
  'digitsOf',
  'foldName',
  'foldNames',
  'inTransaction',
  'isKeyOnlyDelete',
  'isSdcColumn',
  'keyOnlyFillStatements',
  'loadModeOf',
  'mergeStagedStatements',
  'normalizeSchema',
  'numericMisfit',
  'parseJsonExact',
  'plainNumberText',
  'planColumns',
  'quoteIdent',
  'quoteText',
  'scaledIntegerOf',
  'schemaNumberText',
  'sdcColumnsOf',
  'shapeHolding',
  'streamTableName',
  'stringifyJson',
  'widerShape',
];

// The names only the root holds: decorators, settings, running.
const AUTHORING_NAMES = [
  'AfterProcess',
  'BeforeProcess',
  'DeletionSettings',
  'DescribeOutput',
  'Destination',
  'EncodeWith',
  'ExportBatch',
  'OnActivateVersion',
  'OnSchema',
  'OneStreamTable',
  'Setting',
  'TableSetting',
  'TestConnection',
  'runCli',
  'runDestination',
  'testConnection',
];

describe('the public surface', () => {
  it('the root holds only the authoring names: decorators, running, errors, exact numbers and the toolkit', () => {
    assert.deepEqual(Object.keys(root).sort(), [...AUTHORING_NAMES, ...TOOLKIT_NAMES].sort());
  });

  it('/toolkit holds the error classes, exact numbers and the toolkit for encoder modules, each the root one', () => {
    assert.deepEqual(Object.keys(toolkit).sort(), TOOLKIT_NAMES);
    for (const [name, value] of Object.entries(toolkit))
      assert.equal((root as Record<string, unknown>)[name], value, name);
  });

  it('has one encode stage: the three batch shapes (@EncodeRecord, @CheckRecord, lineBytes/eachLine) are gone', () => {
    for (const name of ['EncodeRecord', 'CheckRecord', 'eachLine', 'LineBytes', 'EncodeContext'])
      for (const surface of [root, cli, testing]) assert.equal(name in surface, false, name);
  });

  it('CLI building blocks are behind /cli, test helpers and the conformance kit behind /testing', () => {
    for (const name of [
      'executeCli',
      'parseArgs',
      'loadConfigSources',
      'buildAbout',
      'SecretRedactor',
      'resolveDestination',
    ]) {
      assert.equal(name in cli, true, name);
      assert.equal(name in root, false, name);
    }
    for (const name of ['runTestDestination', 'runConformance', 'conformanceFile', 'validateConfig']) {
      assert.equal(name in testing, true, name);
    }
  });
});
