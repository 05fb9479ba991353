import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString } from 'class-validator';
import { Destination, ExportBatch, OnActivateVersion, Setting } from '../../src/index';
import { resolveDestination } from '../../src/testing/index';
import { buildAbout, capabilitiesOf, formatAboutMarkdown } from '../../src/cli/about';
import { buildConfigTemplate } from '../../src/cli/templates';

function makeDefinition() {
  class TemplateConfig {
    @Setting({ name: 'api_key', description: 'Key.', secret: true }) @IsString() apiKey!: string;
    @Setting({ name: 'region', example: 'eu-west-1' }) @IsString() region!: string;
    @Setting({ name: 'retries' }) @Type(() => Number) @IsInt() retries!: number;
    @Setting({ name: 'separator', description: 'Line end.' }) @IsIn(['\r\n', '\n']) separator = '\n';
    @Setting({ name: 'token', secret: true }) @IsOptional() @IsString() token?: string;
    @Setting({ name: 'label' }) @IsOptional() @IsString() label?: string;
  }
  @Destination({
    name: 'dest-template',
    version: '2.0.0',
    description: 'Templates | tables.',
    config: TemplateConfig,
  })
  class TemplateDestination {
    @ExportBatch
    write() {}
    @OnActivateVersion
    activate() {}
  }
  return resolveDestination(TemplateDestination);
}

describe('--show-templates', () => {
  it('fills required settings (a secret with ""), keeps defaults and examples, and leaves optional ones out', () => {
    assert.deepEqual(buildConfigTemplate(makeDefinition()), {
      api_key: '',
      region: 'eu-west-1',
      retries: 0,
      separator: '\n',
      maximum_batch_size_mb: 100,
      validate_records: true,
      strict_validation: false,
      invalid_record_policy: 'fail',
      max_line_bytes: 64 * 1024 * 1024,
    });
  });
});

describe('--about', () => {
  it('lists only Meltano capability names: about, activate-version from the hook, never test-connection or validate-records', () => {
    const definition = makeDefinition();
    assert.deepEqual(capabilitiesOf(definition), ['about', 'activate-version']);
    const about = buildAbout(definition);
    assert.deepEqual(
      [about.name, about.version, about.description],
      ['dest-template', '2.0.0', 'Templates | tables.'],
    );
    assert.deepEqual(about.settings.required, ['api_key', 'region', 'retries']);
  });

  it('writes a markdown table with JSON for values with line breaks and escaped pipes', () => {
    const markdown = formatAboutMarkdown(makeDefinition());
    assert.ok(markdown.startsWith('# `dest-template`\n\nTemplates | tables.\n'));
    assert.ok(
      markdown.includes(
        '| `separator` | "\\r\\n" \\| "\\n" | no | "\\n" | `DEST_TEMPLATE_SEPARATOR` | Line end. |',
      ),
    );
    assert.ok(markdown.includes('| `api_key` | string | yes |  | `DEST_TEMPLATE_API_KEY` | Key. (secret) |'));
  });
});
