import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeFileAtomic } from '../src/report/atomic-write.js';

describe('writeFileAtomic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdeadlock-atomic-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('creates and replaces a file, leaving no temp file', async () => {
    const file = join(dir, 'out.sarif');
    await writeFileAtomic(file, 'first\n');
    assert.equal(readFileSync(file, 'utf8'), 'first\n');
    await writeFileAtomic(file, 'second ✓\n');
    assert.equal(readFileSync(file, 'utf8'), 'second ✓\n');
    assert.deepEqual(readdirSync(dir), ['out.sarif']);
  });

  it('writes through a symlink to the file it names', async () => {
    const sub = join(dir, 'link');
    mkdirSync(sub);
    writeFileSync(join(sub, 'real.json'), 'old');
    symlinkSync('real.json', join(sub, 'alias.json'));
    await writeFileAtomic(join(sub, 'alias.json'), 'new');
    assert.equal(readFileSync(join(sub, 'real.json'), 'utf8'), 'new');
    assert.deepEqual(readdirSync(sub).sort(), ['alias.json', 'real.json']);
  });

  it('fails without leaving anything behind', async () => {
    const sub = join(dir, 'fail');
    mkdirSync(join(sub, 'target'), { recursive: true });
    // rename() onto a non-empty directory fails after the temp file was written.
    writeFileSync(join(sub, 'target', 'keep'), 'x');
    await assert.rejects(writeFileAtomic(join(sub, 'target'), 'data'));
    assert.deepEqual(readdirSync(sub), ['target']);
    await assert.rejects(writeFileAtomic(join(dir, 'missing', 'out.json'), 'data'), { code: 'ENOENT' });
  });
});
