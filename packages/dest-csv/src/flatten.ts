import {
  ExactNumber,
  normalizeSchema,
  type JsonSchema,
  type PropertySchema,
  type SingerRecord,
} from '@singer-dest/sdk/toolkit';
import { CsvError } from './csv-error';

/** One schema property: a column, or (when flattened) a group of columns named `parent__child`. */
export interface ColumnNode {
  /** The property name at its level. */
  readonly key: string;
  /** The column name (for a group: the prefix of its columns). */
  readonly name: string;
  /** Set when the key is also an Object.prototype member (`constructor`, `__proto__`): read own values only. */
  readonly inherited: boolean;
  /** A flattened object's properties. */
  readonly children?: readonly ColumnNode[];
  /** Columns this node fills (1 for a leaf). */
  readonly width: number;
}

/** The columns of one schema, in schema order. */
export interface ColumnPlan {
  readonly nodes: readonly ColumnNode[];
  /** Column names, in order: what the header row says. */
  readonly columns: readonly string[];
}

/** How to flatten nested objects. */
export interface FlattenOptions {
  enabled: boolean;
  /** Object levels flattened into columns; deeper objects stay JSON text. */
  maxDepth: number;
}

const SEPARATOR = '__';

function planNodes(
  properties: readonly PropertySchema[],
  prefix: string,
  depth: number,
  options: FlattenOptions,
) {
  return properties.map((property): ColumnNode => {
    const { name: key } = property;
    const name = prefix + key;
    const inherited = key in Object.prototype;
    if (options.enabled && depth < options.maxDepth && property.properties !== undefined) {
      const children = planNodes(property.properties, name + SEPARATOR, depth + 1, options);
      return { key, name, inherited, children, width: children.reduce((sum, c) => sum + c.width, 0) };
    }
    return { key, name, inherited, width: 1 };
  });
}

function leafNames(nodes: readonly ColumnNode[]): string[] {
  return nodes.flatMap((node) => (node.children ? leafNames(node.children) : [node.name]));
}

/**
 * The columns of a stream's schema: its properties in schema order; with flattening, object properties become
 * `parent__child` columns down to `maxDepth` levels. `extra` names (record metadata) come last, and a property of
 * the same name is left to them. Throws when two columns would get the same name.
 *
 * @example
 * ```ts
 * planColumns({ properties: { id: {}, address: { type: 'object', properties: { city: {} } } } },
 *   { enabled: true, maxDepth: 10 }).columns; // ['id', 'address__city']
 * ```
 */
export function planColumns(
  schema: JsonSchema,
  options: FlattenOptions,
  extra: readonly string[] = [],
  stream = '',
): ColumnPlan {
  // A property named like a metadata column is that column (for _sdc_deleted_at: the record's value).
  const properties = normalizeSchema(schema).properties.filter((p) => !extra.includes(p.name));
  const nodes = planNodes(properties, '', 0, options);
  const columns = [...leafNames(nodes), ...extra];
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column)) {
      throw new CsvError(
        'ERR_CSV_COLUMN_COLLISION',
        `Stream ${JSON.stringify(stream)} would have two columns named ${JSON.stringify(column)} (a property with ` +
          `"${SEPARATOR}" in its name meets a flattened one). Rename the property, or turn off flattening_enabled.`,
      );
    }
    seen.add(column);
  }
  return { nodes, columns };
}

function isPlainObject(value: unknown): value is SingerRecord {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof ExactNumber)
  );
}

/**
 * Reads records into column order without allocating per value. After {@link RowExtractor.extract}, `hasExtra`
 * says whether a flattened object held a property that has no column. (Top-level properties outside the schema
 * are the SDK's to report, under `extra_properties`, for every destination.)
 */
export class RowExtractor {
  hasExtra = false;

  constructor(private readonly plan: ColumnPlan) {}

  /** Writes the record's values into `out[0..)` in column order (missing values as undefined). */
  extract(record: SingerRecord, out: unknown[]): void {
    this.hasExtra = false;
    this.walk(record, this.plan.nodes, out, 0, false);
  }

  private walk(
    object: SingerRecord,
    nodes: readonly ColumnNode[],
    out: unknown[],
    start: number,
    nested: boolean,
  ): number {
    let index = start;
    let found = 0;
    for (const node of nodes) {
      const value = node.inherited && !Object.hasOwn(object, node.key) ? undefined : object[node.key];
      if (value !== undefined) found++;
      if (node.children === undefined) {
        out[index++] = value;
      } else if (isPlainObject(value)) {
        index = this.walk(value, node.children, out, index, true);
      } else {
        // null or absent: every column of the group is empty; anything else does not fit the flattened columns.
        if (value !== null && value !== undefined) this.hasExtra = true;
        for (let end = index + node.width; index < end; index++) out[index] = undefined;
      }
    }
    if (nested && !this.hasExtra) {
      let keys = 0;
      for (const _ in object) keys++;
      if (keys > found) this.hasExtra = true;
    }
    return index;
  }
}

/**
 * Names of the properties of the record's flattened objects that have no column (as `parent__child`), for
 * warnings.
 *
 * @example
 * ```ts
 * extraProperties({ id: 1, a: { b: 1, zz: 2 } }, planColumns(schemaWithAB, flattening)); // ['a__zz']
 * ```
 */
export function extraProperties(record: SingerRecord, plan: ColumnPlan): string[] {
  const walk = (object: SingerRecord, nodes: readonly ColumnNode[], prefix: string): string[] => {
    const byKey = new Map(nodes.map((n) => [n.key, n]));
    return Object.keys(object).flatMap((key) => {
      const node = byKey.get(key);
      const value = object[key];
      if (node === undefined) return prefix === '' ? [] : [prefix + key];
      if (node.children === undefined || value === null) return [];
      return isPlainObject(value) ? walk(value, node.children, node.name + SEPARATOR) : [node.name];
    });
  };
  return walk(record, plan.nodes, '');
}
