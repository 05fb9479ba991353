import { Expose } from 'class-transformer';
import { storeSettingMetadata } from '../metadata/store';

/** What `@Setting` takes. */
export interface SettingOptions {
  /** The key in the JSON config (snake_case). Default: the property name. */
  name?: string;
  /** One sentence for `--about`, `--help` and the README. */
  description?: string;
  /** Never shown in logs, errors, `--about` or templates. */
  secret?: boolean;
  /** An example value for `--show-templates`. */
  example?: unknown;
}

/**
 * Declares a config property: its JSON key, description, and whether it is secret. Combine with class-validator
 * rules (and `@Type(() => Number)` where a string from an environment variable must become a number).
 *
 * @example
 * ```ts
 * class PostgresConfig {
 *   @Setting({ name: 'host', description: 'Server host name' }) @IsString() host = 'localhost';
 *   @Setting({ name: 'password', secret: true }) @IsOptional() @IsString() password?: string;
 * }
 * ```
 */
export function Setting(options: SettingOptions = {}): PropertyDecorator {
  return (prototype, propertyKey) => {
    const key = String(propertyKey);
    const name = options.name ?? key;
    // class-transformer maps the JSON key to the property; this is the only place the two names meet.
    Expose({ name })(prototype, propertyKey);
    storeSettingMetadata((prototype as { constructor: object }).constructor, {
      propertyKey: key,
      name,
      description: options.description,
      secret: options.secret ?? false,
      example: options.example,
    });
  };
}
