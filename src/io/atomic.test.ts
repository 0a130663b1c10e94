/**
 * All-or-nothing writes under a full disk, injected: short writes are
 * continued to the last byte, and ENOSPC part-way leaves the previous file as
 * it was, no temporary file behind, and an error naming the path.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { testDir } from '../testing';
import { fileOps, readJsonFile, writeFileAtomic, writeJsonAtomic, WriteError } from './atomic';

const realWrite = fileOps.writeSync;
afterEach(() => {
  fileOps.writeSync = realWrite;
});

const content = JSON.stringify({ values: Array.from({ length: 2_000 }, (_, i) => i / 7) });

describe('writeFileAtomic', () => {
  it('continues short writes to the last byte', () => {
    const path = join(testDir('atomic-short'), 'a.json');
    let calls = 0;
    fileOps.writeSync = (fd, buffer, offset, length) => {
      calls++;
      return realWrite(fd, buffer, offset, Math.min(length, 1000));
    };
    writeFileAtomic(path, content);
    assert.equal(readFileSync(path, 'utf8'), content);
    assert.ok(calls >= Math.ceil(content.length / 1000), `${calls} write calls`);
  });

  it('a disk that fills part-way: the previous file is unchanged, no temporary file is left, the path is named', () => {
    const dir = testDir('atomic-full');
    const path = join(dir, 'summary.json');
    writeJsonAtomic(path, { before: true });
    const before = readFileSync(path, 'utf8');
    let written = 0;
    fileOps.writeSync = (fd, buffer, offset, length) => {
      if (written >= 4096) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      const n = realWrite(fd, buffer, offset, Math.min(length, 4096 - written));
      written += n;
      return n;
    };
    assert.throws(
      () => writeFileAtomic(path, content),
      (err: unknown) => {
        assert.ok(err instanceof WriteError);
        assert.match(
          err.message,
          new RegExp(`could not write ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ENOSPC`),
        );
        assert.match(err.message, /is full: free space there .* \(the previous file, if any, is unchanged\)/);
        return true;
      },
    );
    assert.equal(readFileSync(path, 'utf8'), before);
    assert.deepEqual(JSON.parse(before), { before: true });
    assert.deepEqual(readdirSync(dir), ['summary.json'], 'no temporary file left behind');
  });

  it('a write that makes no progress is an error, not an endless loop', () => {
    const path = join(testDir('atomic-zero'), 'a.txt');
    fileOps.writeSync = () => 0;
    assert.throws(() => writeFileAtomic(path, 'x'), /could not write .*a\.txt: write returned 0 with 1 bytes left/);
    assert.equal(existsSync(path), false);
  });

  it(
    'an unwritable directory is named with what to fix',
    { skip: process.getuid?.() === 0 && 'root may write anywhere' },
    () => {
      const dir = testDir('atomic-ro');
      require('node:fs').chmodSync(dir, 0o555);
      try {
        assert.throws(() => writeFileAtomic(join(dir, 'a.txt'), 'x'), /cannot be written by this user/);
      } finally {
        require('node:fs').chmodSync(dir, 0o755);
      }
    },
  );
});

describe('readJsonFile', () => {
  it('names a file that is not whole JSON, with its size', () => {
    const path = join(testDir('atomic-read'), 'cut.json');
    writeFileSync(path, content.slice(0, 1000));
    assert.throws(() => readJsonFile(path), new RegExp(`cut\\.json is not a whole JSON file \\(.*; 1000 bytes\\)`));
  });
});
