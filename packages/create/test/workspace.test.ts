import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findWorkspace, registerPackage } from '../src/workspace';

function workspace(manifest: object, tsconfig?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'create-ws-'));
  writeFileSync(join(root, 'package.json'), JSON.stringify(manifest));
  if (tsconfig !== undefined) writeFileSync(join(root, 'tsconfig.json'), tsconfig);
  return root;
}

describe('findWorkspace', () => {
  it('finds the nearest package.json upwards that has workspaces, skipping ones that have none', () => {
    const root = workspace({ name: 'root', workspaces: ['packages/*'] });
    const inner = join(root, 'packages', 'thing');
    mkdirSync(inner, { recursive: true });
    writeFileSync(join(inner, 'package.json'), '{"name": "thing"}');
    assert.equal(findWorkspace(inner)?.root, root);
  });
});

describe('registerPackage', () => {
  it('adds the folder to explicit workspaces (npm style) and to the references, in the file own style', () => {
    const root = workspace(
      { name: 'root', workspaces: ['packages/sdk'], scripts: { test: 'x' } },
      '{\n  "files": [],\n  "references": [\n    { "path": "packages/sdk" },\n    { "path": "test" }\n  ]\n}\n',
    );
    const changed = registerPackage(findWorkspace(root)!, join('packages', 'dest-foo'));
    assert.deepEqual(changed, ['package.json workspaces', 'tsconfig.json references']);
    assert.equal(
      readFileSync(join(root, 'package.json'), 'utf8'),
      '{\n  "name": "root",\n  "workspaces": [\n    "packages/sdk",\n    "packages/dest-foo"\n  ],\n' +
        '  "scripts": {\n    "test": "x"\n  }\n}\n',
    );
    assert.equal(
      readFileSync(join(root, 'tsconfig.json'), 'utf8'),
      '{\n  "files": [],\n  "references": [\n    { "path": "packages/sdk" },\n    { "path": "test" },\n' +
        '    { "path": "packages/dest-foo" }\n  ]\n}\n',
    );
  });

  it('changes nothing when a pattern covers the folder and it is referenced already', () => {
    const tsconfig = '{ "references": [{ "path": "./packages/dest-foo" }] }';
    const root = workspace({ workspaces: ['./packages/*/'] }, tsconfig);
    assert.deepEqual(registerPackage(findWorkspace(root)!, join('packages', 'dest-foo')), []);
    assert.equal(readFileSync(join(root, 'tsconfig.json'), 'utf8'), tsconfig);
  });

  it('rewrites a references list it cannot extend line by line, and leaves a tsconfig without one alone', () => {
    const root = workspace({ workspaces: ['packages/*'] }, '{"files": [], "references": []}');
    registerPackage(findWorkspace(root)!, join('packages', 'dest-foo'));
    assert.deepEqual(JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')), {
      files: [],
      references: [{ path: 'packages/dest-foo' }],
    });
    const plain = workspace({ workspaces: ['packages/*'] }, '{"compilerOptions": {}}');
    assert.deepEqual(registerPackage(findWorkspace(plain)!, join('packages', 'dest-foo')), []);
  });
});
