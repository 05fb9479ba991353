import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { REDACTED, SecretRedactor } from '../../src/cli/redact';

describe('SecretRedactor', () => {
  it('replaces every occurrence of a secret, as written and as escaped inside JSON', () => {
    const redactor = new SecretRedactor();
    redactor.add(['pa"ss\\word', undefined, '', null]);
    const json = JSON.stringify({ msg: 'login with pa"ss\\word failed' });
    assert.equal(redactor.redact('pa"ss\\word and pa"ss\\word'), `${REDACTED} and ${REDACTED}`);
    assert.equal(redactor.redact(json), JSON.stringify({ msg: `login with ${REDACTED} failed` }));
  });

  it('replaces the longer of two overlapping secrets whole, and numbers given as secrets', () => {
    const redactor = new SecretRedactor();
    redactor.add(['abcd', 'abcdefgh', 123456]);
    assert.equal(redactor.redact('x abcdefgh y abcd z 123456'), `x ${REDACTED} y ${REDACTED} z ${REDACTED}`);
  });

  it('replaces a very short secret only as a whole word, so ordinary text stays readable', () => {
    const redactor = new SecretRedactor();
    redactor.add(['ab']);
    assert.equal(redactor.redact('about ab tab'), `about ${REDACTED} tab`);
  });

  it('leaves text alone when there is no secret', () => {
    assert.equal(new SecretRedactor().redact('nothing to hide'), 'nothing to hide');
  });
});

describe('SecretRedactor with connection URLs', () => {
  it('also replaces the password inside a secret URL, raw and percent-decoded', () => {
    const redactor = new SecretRedactor();
    redactor.add(['postgresql://loader:s%40fe-pass@db:5432/warehouse']);
    assert.equal(
      redactor.redact('auth failed for s@fe-pass and s%40fe-pass'),
      `auth failed for ${REDACTED} and ${REDACTED}`,
    );
    assert.equal(redactor.redact('url postgresql://loader:s%40fe-pass@db:5432/warehouse'), `url ${REDACTED}`);
  });
});
