#!/usr/bin/env node
// Puts the SDK's one Mage shim (packages/sdk/mage/__init__.py) into every destination's Mage folder
// (packages/<dest>/mage/<folder>/, the folder that holds the destination's README.md for Mage). The shim is
// the same for every destination (the folder's name names the bin), so it is kept once and copied at build time;
// the copies are ignored by git and shipped in each destination's npm package under `mage/`.
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shim = join(root, 'packages', 'sdk', 'mage', '__init__.py');
for (const pkg of readdirSync(join(root, 'packages'))) {
  const mage = join(root, 'packages', pkg, 'mage');
  if (pkg === 'sdk' || !existsSync(mage)) continue;
  for (const folder of readdirSync(mage)) {
    if (existsSync(join(mage, folder, 'README.md'))) copyFileSync(shim, join(mage, folder, '__init__.py'));
  }
}
