/** The citation metadata agrees with the package: one version, a preferred citation, a Zenodo record. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KIT_ROOT } from '../paths';

const read = (name: string) => readFileSync(join(KIT_ROOT, name), 'utf8');

describe('citation metadata', () => {
  it('CITATION.cff and .zenodo.json name the package version, and CITATION.cff has a preferred citation', () => {
    const { version, license } = JSON.parse(read('package.json')) as { version: string; license: string };
    const cff = read('CITATION.cff');
    assert.match(cff, /^cff-version: 1\.2\.0$/m);
    assert.equal(/^version: (.*)$/m.exec(cff)?.[1], version);
    assert.match(cff, /^preferred-citation:\n {2}type: software\n/m);
    assert.equal(/^ {2}version: (.*)$/m.exec(cff)?.[1], version, 'the preferred citation names this version');
    assert.match(cff, /value: "arXiv:1702\.03275"/);
    const zenodo = JSON.parse(read('.zenodo.json')) as { version: string; license: string; upload_type: string };
    assert.equal(zenodo.version, version);
    assert.equal(zenodo.license, license);
    assert.equal(zenodo.upload_type, 'software');
  });
});
