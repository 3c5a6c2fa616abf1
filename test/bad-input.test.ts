// Bad input is normal input: every broken file is counted and reported, none stops the scan.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { scan } from '../src/scan.js';
import { MAX_FILE_BYTES } from '../src/source/read.js';

const root = mkdtempSync(path.join(tmpdir(), 'kdeadlock-bad-'));
after(() => rmSync(root, { recursive: true, force: true }));

const ABBA_A = 'DEFINE_SPINLOCK(a_lock);\nDEFINE_SPINLOCK(b_lock);\nvoid one(void)\n{\n\tspin_lock(&a_lock);\n\tspin_lock(&b_lock);\n\tspin_unlock(&b_lock);\n\tspin_unlock(&a_lock);\n}\n';
const ABBA_B = 'void two(void)\n{\n\tspin_lock(&b_lock);\n\tspin_lock(&a_lock);\n\tspin_unlock(&a_lock);\n\tspin_unlock(&b_lock);\n}\n';

mkdirSync(path.join(root, 'kernel'));
writeFileSync(path.join(root, 'kernel/a.c'), ABBA_A);
// Latin-1 in a comment: analysed, and said.
writeFileSync(path.join(root, 'kernel/b.c'), Buffer.concat([Buffer.from('/* Copyright (c) J\xf6rg */\n', 'latin1'), Buffer.from(ABBA_B)]));
writeFileSync(path.join(root, 'kernel/binary.c'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
writeFileSync(path.join(root, 'kernel/huge.c'), Buffer.alloc(MAX_FILE_BYTES + 1, 0x20));
writeFileSync(path.join(root, 'kernel/garbage.c'), '}}}} int ((( [ static void )( {{ ;;; \n#if\nvoid ok(void) { spin_lock(&a_lock); }\n');
symlinkSync('.', path.join(root, 'kernel/loop'));
symlinkSync('no-such-target', path.join(root, 'kernel/dangling.c'));

describe('a tree full of bad files', () => {
  it('scans the good files, reports every bad one, and does not stop', async () => {
    const report = await scan({ root, paths: [], arch: 'x86' });
    const kinds = (file: string): string[] => report.problems.filter((p) => p.file === file).map((p) => p.kind);
    assert.deepEqual(kinds('kernel/binary.c'), ['binary']);
    assert.deepEqual(kinds('kernel/huge.c'), ['too-large']);
    assert.deepEqual(kinds('kernel/b.c'), ['not-utf8']);
    assert.ok(kinds('kernel/garbage.c').includes('parse-error'));
    assert.deepEqual(kinds('kernel/dangling.c'), ['symlink-loop']);
    // The AB-BA between the two good files is still found.
    assert.equal(report.findings.filter((f) => f.rule === 'lock-cycle').length, 1);
  });
});
