import { IsBoolean } from 'class-validator';
import { Setting } from '../decorators/setting';

/**
 * The settings of a table destination for how rows leave a table, named and meant as Meltano's SDK targets do:
 * `activate_version` (the ACTIVATE_VERSION protocol) and `hard_delete` (delete rows instead of marking them).
 * A destination's config class extends it, so every table destination spells and explains them alike.
 *
 * @example
 * ```ts
 * class WarehouseConfig extends DeletionSettings {
 *   @Setting({ name: 'path', description: 'The database file.' }) @IsString() path = 'warehouse.db';
 * }
 * ```
 */
export class DeletionSettings {
  @Setting({
    name: 'activate_version',
    description:
      'Honour ACTIVATE_VERSION messages: rows of older table versions are deleted (hard_delete) or marked in ' +
      '_sdc_deleted_at.',
  })
  @IsBoolean()
  activateVersion = true;

  @Setting({
    name: 'hard_delete',
    description:
      'Delete rows instead of marking them: for ACTIVATE_VERSION, and for records whose _sdc_deleted_at is set (CDC).',
  })
  @IsBoolean()
  hardDelete = false;
}
