/** The names a new destination package is made of, all derived from the one name the user typed. */
export interface DestinationNames {
  /** The npm package name, as given: `dest-foo` or `@acme/dest-foo`. */
  packageName: string;
  /** The executable and the folder name: `dest-foo`. */
  binName: string;
  /** The class name stem: `Foo` (a leading `dest-` or `target-` dropped). */
  stem: string;
  /** `FooDestination`. */
  className: string;
  /** `FooConfig`. */
  configName: string;
  /** The source file of the class: `foo-destination`. */
  fileStem: string;
  /** The environment prefix the SDK reads settings from: `DEST_FOO_`. */
  envPrefix: string;
}

const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?([a-z][a-z0-9-]*[a-z0-9])$/;

/**
 * Checks a package name and derives the class, file and environment names from it. Returns a sentence saying what
 * is wrong instead when the name cannot be a package and bin name.
 *
 * @example
 * ```ts
 * deriveNames('dest-foo-bar'); // { className: 'FooBarDestination', envPrefix: 'DEST_FOO_BAR_', ... }
 * ```
 */
export function deriveNames(name: string): DestinationNames | string {
  const match = PACKAGE_NAME.exec(name);
  if (match === null) {
    return (
      `"${name}" cannot be the package name: use lower-case letters, digits and dashes, starting with a letter ` +
      '(e.g. dest-snowflake or @acme/dest-snowflake).'
    );
  }
  const binName = match[2]!;
  const words = binName.replace(/^(dest|target)-(?=.)/, '').split('-');
  const stem = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  if (/^[0-9]/.test(stem))
    return `"${name}" would make a class name starting with a digit; start it with a letter.`;
  return {
    packageName: name,
    binName,
    stem,
    className: `${stem}Destination`,
    configName: `${stem}Config`,
    fileStem: `${words.join('-')}-destination`,
    envPrefix: `${binName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`,
  };
}
