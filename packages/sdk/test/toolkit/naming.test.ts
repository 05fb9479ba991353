import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { foldName, foldNames, NameClaims, type NameRules } from '../../src/index';

const pg: NameRules = { maxBytes: 63, case: 'lower' };
const files: NameRules = {
  maxBytes: 150,
  disallowed: /[^\p{L}\p{M}\p{N}_.-]/gu,
  mustPrefix: (name) => name === '' || name.startsWith('.'),
  hashChars: 12,
  hashSeparator: '-',
};
const collide = (owner: string, other: string, name: string) => new Error(`${owner}|${other}|${name}`);

describe('foldName', () => {
  it('folds case and replaces what the target does not allow', () => {
    assert.equal(foldName('clientName', pg), 'clientname');
    assert.equal(foldName('../etc/passwd', files), '_.._etc_passwd');
    assert.equal(foldName('', files), '_');
    assert.equal(foldName('public-users', files), 'public-users');
  });

  it('shortens a long name to a prefix plus a hash of the whole name, within maxBytes, without splitting a character', () => {
    const long = foldName('x'.repeat(100), pg);
    assert.equal(Buffer.byteLength(long), 63);
    assert.match(long, /^x{54}_[0-9a-f]{8}$/);
    const a = foldName(`${'é'.repeat(40)}a`, pg);
    const b = foldName(`${'é'.repeat(40)}b`, pg);
    assert.notEqual(a, b);
    assert.ok(Buffer.byteLength(a) <= 63);
    assert.ok(!a.includes('\uFFFD'));
    assert.equal(foldName('x'.repeat(100), pg), long, 'deterministic');
    assert.match(foldName('y'.repeat(200), files), /^y{137}-[0-9a-f]{12}$/);
  });

  it('folds to the same name however the input was normalised (NFC)', () => {
    assert.equal(foldName('cafe\u0301', pg), foldName('caf\u00e9', pg));
  });
});

describe('NameClaims and foldNames', () => {
  it('refuses two owners of one name with the error the destination makes', () => {
    const claims = new NameClaims(collide, (n) => n.toLowerCase());
    claims.claim('users.csv', 'users');
    claims.claim('users.csv', 'users'); // the same owner again is fine
    assert.throws(() => claims.claim('Users.csv', 'Users'), { message: 'users|Users|Users.csv' });
  });

  it('maps names in order and refuses two that fold to one', () => {
    assert.deepEqual(
      [...foldNames(['id', 'Name'], pg, collide)],
      [
        ['id', 'id'],
        ['Name', 'name'],
      ],
    );
    assert.throws(() => foldNames(['id', 'ID'], pg, collide), { message: 'id|ID|id' });
  });
});
