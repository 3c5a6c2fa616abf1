// Patch input: parsing plain diffs, git diffs and format-patch mboxes, applying them in memory,
// and clean one-line errors for everything else.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { applyPatchSet } from '../src/patch/apply.js';
import { PatchError, parsePatch } from '../src/patch/parse.js';

const sample = (file: string): string => readFileSync(new URL(`./patches/${file}`, import.meta.url), 'utf8');
const ORIG = sample('memory-failure.c.orig');
const RCU = sample('memory-failure.c.rcu');

/** An in-memory tree; a Map so that names like `constructor` are not found by accident. */
function tree(files: Record<string, string>): (path: string) => string | null {
  const map = new Map(Object.entries(files));
  return (path) => map.get(path) ?? null;
}

function apply(text: string, files: Record<string, string>, name = 'test.patch'): Map<string, string | null> {
  return applyPatchSet(parsePatch(text, name), tree(files));
}

/** Asserts a PatchError whose single-line message matches. */
function rejects(fn: () => unknown, message: RegExp | string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof PatchError, `not a PatchError: ${String(e)}`);
    assert.ok(!e.message.includes('\n'), 'message must be one line');
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

const diff = (...lines: string[]): string => lines.join('\n') + '\n';

describe('parsePatch: input forms', () => {
  it('reads a plain unified diff without a/ b/ prefixes (.orig name, timestamps)', () => {
    const set = parsePatch(sample('plain.diff'), 'plain.diff');
    assert.equal(set.messages.length, 1);
    const [file] = set.messages[0]?.files ?? [];
    assert.equal(set.messages[0]?.subject, null);
    assert.deepEqual([file?.oldPath, file?.newPath], ['mm/memory-failure.c', 'mm/memory-failure.c']);
    assert.equal(file?.hunks[0]?.header, '@@ -5,24 +5,24 @@');
    assert.deepEqual(applyPatchSet(set, tree({ 'mm/memory-failure.c': ORIG })), new Map([['mm/memory-failure.c', RCU]]));
  });

  it('reads git diff output: rename, empty new file, new file, deleted file, modification', () => {
    const set = parsePatch(sample('git.diff'), 'git.diff');
    const files = set.messages[0]?.files.map((f) => [f.oldPath, f.newPath, f.hunks.length]);
    assert.deepEqual(files, [
      ['kernel/before.c', 'kernel/after.c', 0],
      [null, 'kernel/empty.c', 0],
      [null, 'kernel/new.c', 1],
      ['kernel/old.c', null, 1],
      ['mm/memory-failure.c', 'mm/memory-failure.c', 1],
    ]);
    const moved = 'int moved(void)\n{\n\treturn 1;\n}\n';
    const result = applyPatchSet(set, tree({ 'mm/memory-failure.c': ORIG, 'kernel/old.c': 'obsolete\nfile\n', 'kernel/before.c': moved }));
    assert.deepEqual(result, new Map<string, string | null>([
      ['kernel/before.c', null],
      ['kernel/after.c', moved],
      ['kernel/empty.c', ''],
      ['kernel/new.c', 'int added(void);\n'],
      ['kernel/old.c', null],
      ['mm/memory-failure.c', RCU],
    ]));
  });

  it('reads a 2-message format-patch mbox: subjects, commit messages ignored, signature ends the diff', () => {
    const set = parsePatch(sample('series.mbox'), 'series.mbox');
    assert.deepEqual(set.messages.map((m) => m.subject), [
      '[PATCH 1/2] mm/memory-failure: use rcu_read_lock in collect_procs_anon',
      '[PATCH 2/2] mm/memory-failure: use rcu_read_lock in collect_procs_file',
    ]);
    assert.deepEqual(set.messages.map((m) => m.files.map((f) => f.hunks.map((h) => h.header))), [
      [['@@ -5,14 +5,14 @@']],
      [['@@ -19,10 +19,10 @@']],
    ]);
    // The second message's hunk only applies on top of the first.
    assert.deepEqual(applyPatchSet(set, tree({ 'mm/memory-failure.c': ORIG })), new Map([['mm/memory-failure.c', RCU]]));
  });

  it('tolerates CRLF line ends', () => {
    const crlf = sample('series.mbox').replace(/\n/g, '\r\n');
    assert.deepEqual(parsePatch(crlf, 'x'), parsePatch(sample('series.mbox'), 'x'));
  });

  it('reads `-- ` inside a hunk as a removed line and ignores everything after the signature', () => {
    const text = diff('--- a/f', '+++ b/f', '@@ -1,2 +1 @@', ' x', '-- ', '-- ', '2.39.5', '--- a/g', '+++ b/g', '@@ -1 +1 @@', '-a', '+b');
    const set = parsePatch(text, 't');
    assert.equal(set.messages[0]?.files.length, 1);
    assert.deepEqual(applyPatchSet(set, tree({ f: 'x\n- \n' })), new Map([['f', 'x\n']]));
  });

  it('decodes RFC 2047 subjects and quoted git file names', () => {
    const text = diff(
      `From ${'0'.repeat(40)} Mon Sep 17 00:00:00 2001`,
      'Subject: [PATCH] =?UTF-8?q?J=C3=B6rg=27s?=',
      ' =?UTF-8?q?_fix?=',
      '',
      'diff --git "a/dir/sp ace\\303\\266.c" "b/dir/sp ace\\303\\266.c"',
      '--- "a/dir/sp ace\\303\\266.c"',
      '+++ "b/dir/sp ace\\303\\266.c"',
      '@@ -1 +1 @@',
      '-a',
      '+b',
    );
    const set = parsePatch(text, 'q');
    assert.equal(set.messages[0]?.subject, "[PATCH] Jörg's fix");
    assert.equal(set.messages[0]?.files[0]?.newPath, 'dir/sp aceö.c');
  });

  it('applies a rename that also changes the file, and a mode change', () => {
    const text = diff(
      'diff --git a/k/a.c b/k/b.c', 'similarity index 80%', 'rename from k/a.c', 'rename to k/b.c', 'index 1..2 100644',
      '--- a/k/a.c', '+++ b/k/b.c', '@@ -1,2 +1,2 @@', ' x', '-y', '+z',
      'diff --git a/run.sh b/run.sh', 'old mode 100644', 'new mode 100755',
    );
    assert.deepEqual(apply(text, { 'k/a.c': 'x\ny\n', 'run.sh': 'true\n' }), new Map([['k/a.c', null], ['k/b.c', 'x\nz\n'], ['run.sh', 'true\n']]));
  });

  it('skips prose between the files of a plain diff and reads an empty line as empty context', () => {
    const text = diff(
      'Index: a.c', '===================================================================', 'diff -ruN a/a.c b/a.c',
      '--- a/a.c\t2024-01-01 00:00:00.000000000 +0000', '+++ b/a.c\t2024-01-02 00:00:00.000000000 +0000', '@@ -1,3 +1,3 @@', ' x', '', '-y', '+z',
      'Only in b: junk', 'diff -ruN a/b.c b/b.c', '--- a/b.c', '+++ b/b.c', '@@ -1 +1 @@', '-1', '+2',
    );
    assert.deepEqual(apply(text, { 'a.c': 'x\n\ny\n', 'b.c': '1\n' }), new Map([['a.c', 'x\n\nz\n'], ['b.c', '2\n']]));
  });

  it('takes the subject of a single mail without a From line, and ignores a banner before the first message', () => {
    const mail = diff('From: A Developer <dev@example.org>', 'Subject: [PATCH] fix', '', 'Body.', '---', '--- a/f', '+++ b/f', '@@ -1 +1 @@', '-a', '+b');
    assert.equal(parsePatch(mail, 'm').messages[0]?.subject, '[PATCH] fix');
    const banner = 'Saved by my mail client\n\n' + sample('series.mbox');
    assert.equal(parsePatch(banner, 'b').messages.length, 2);
  });

  it('lets later messages see earlier results: create, then modify, then delete', () => {
    const from = `From ${'f'.repeat(40)} Mon Sep 17 00:00:00 2001`;
    const text = diff(
      from, 'Subject: one', '', '--- /dev/null', '+++ b/n.c', '@@ -0,0 +1,2 @@', '+a', '+b', '-- ', '2.39.5', '',
      from, 'Subject: two', '', '--- a/n.c', '+++ b/n.c', '@@ -1,2 +1,2 @@', ' a', '-b', '+c', '-- ', '2.39.5', '',
      from, 'Subject: three', '', '--- a/n.c', '+++ /dev/null', '@@ -1,2 +0,0 @@', '-a', '-c',
    );
    const reads: string[] = [];
    const result = applyPatchSet(parsePatch(text, 's'), (p) => { reads.push(p); return null; });
    assert.deepEqual(result, new Map([['n.c', null]]));
    assert.deepEqual(reads, ['n.c']);
  });
});

describe('applyPatchSet: positions and line ends', () => {
  const file = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`);
  const text = (lines: string[]): string => lines.join('\n') + '\n';
  const hunkAt = (n: number): string[] => [`@@ -${n},3 +${n},3 @@`, ` line ${n}`, `-line ${n + 1}`, `+LINE ${n + 1}`, ` line ${n + 2}`];

  it('finds a hunk moved by up to 50 lines either way, nearest first, and carries the drift', () => {
    const shifted = [...Array.from({ length: 30 }, (_, i) => `new ${i}`), ...file];
    const patch = diff('--- a/f', '+++ b/f', ...hunkAt(10), ...hunkAt(60));
    const result = apply(patch, { f: text(shifted) }).get('f');
    const expected = [...shifted];
    expected[40] = 'LINE 11';
    expected[90] = 'LINE 61';
    assert.equal(result, text(expected));
    // Even after the first hunk's drift of 30, the second's text is 55 lines from its header: too far.
    const far = diff('--- a/f', '+++ b/f', ...hunkAt(10), `@@ -5,3 +5,3 @@`, ' line 60', '-line 61', '+LINE 61', ' line 62');
    rejects(() => apply(far, { f: text(shifted) }), 'test.patch: f: hunk @@ -5,3 +5,3 @@ does not apply');
  });

  it('refuses a hunk more than 50 lines away and hunks out of order', () => {
    const shifted = [...Array.from({ length: 51 }, (_, i) => `new ${i}`), ...file];
    rejects(() => apply(diff('--- a/f', '+++ b/f', ...hunkAt(10)), { f: text(shifted) }), 'test.patch: f: hunk @@ -10,3 +10,3 @@ does not apply');
    rejects(() => apply(diff('--- a/f', '+++ b/f', ...hunkAt(60), ...hunkAt(10)), { f: text(file) }), /hunk @@ -10,3 \+10,3 @@ does not apply$/);
  });

  it('prefers the stated line among equal candidates, and inserts a context-free hunk exactly there', () => {
    const same = 'x\nx\nx\nx\n';
    assert.equal(apply(diff('--- a/f', '+++ b/f', '@@ -2 +2 @@', '-x', '+y'), { f: same }).get('f'), 'x\ny\nx\nx\n');
    assert.equal(apply(diff('--- a/f', '+++ b/f', '@@ -3,0 +4 @@', '+new'), { f: same }).get('f'), 'x\nx\nx\nnew\nx\n');
    rejects(() => apply(diff('--- a/f', '+++ b/f', '@@ -9,0 +10 @@', '+new'), { f: same }), /hunk @@ -9,0 \+10 @@ does not apply$/);
  });

  it('is pure: applying twice gives the same result and leaves the parsed set as it was', () => {
    const set = parsePatch(sample('series.mbox'), 's');
    const copy = structuredClone(set);
    const read = tree({ 'mm/memory-failure.c': ORIG });
    assert.deepEqual(applyPatchSet(set, read), applyPatchSet(set, read));
    assert.deepEqual(set, copy);
  });

  it('uses no fuzz: one wrong context line fails', () => {
    rejects(() => apply(diff('--- a/f', '+++ b/f', '@@ -1,3 +1,3 @@', ' line 1', '-line 2', '+x', ' line 99'), { f: text(file) }), /does not apply/);
  });

  it('handles "\\ No newline at end of file" as GNU diff writes it', () => {
    const head = ['--- f', '+++ f', '@@ -1,3 +1,3 @@', ' one', ' two'];
    const eol = 'one\ntwo\nthree\n', noEol = 'one\ntwo\nthree';
    const marker = '\\ No newline at end of file';
    assert.equal(apply(diff(...head, '-three', '+three', marker), { f: eol }).get('f'), noEol);
    assert.equal(apply(diff(...head, '-three', marker, '+three'), { f: noEol }).get('f'), eol);
    assert.equal(apply(diff(...head, '-three', marker, '+THREE', marker), { f: noEol }).get('f'), 'one\ntwo\nTHREE');
    // The marker must match the file: a file that has its newline is not one that lacks it.
    rejects(() => apply(diff(...head, '-three', marker, '+three'), { f: eol }), /does not apply/);
    rejects(() => apply(diff(...head, '-three', '+three', marker), { f: noEol }), /does not apply/);
  });
});

describe('errors: one line naming the patch, message, file and hunk', () => {
  it('names the hunk that does not apply, with the message number in an mbox', () => {
    rejects(() => apply(sample('plain.diff'), { 'mm/memory-failure.c': RCU }, '0001-foo.patch'), '0001-foo.patch: mm/memory-failure.c: hunk @@ -5,24 +5,24 @@ does not apply');
    const halfDone = ORIG.replace('\tread_lock(&tasklist_lock);\n\tfor_each_process(tsk) {\n\t\tif', '\tspin_lock(&x);\n\tfor_each_process(tsk) {\n\t\tif');
    rejects(() => apply(sample('series.mbox'), { 'mm/memory-failure.c': halfDone }, 'series.mbox'), 'series.mbox: patch 2/2: mm/memory-failure.c: hunk @@ -19,10 +19,10 @@ does not apply');
  });

  it('rejects hunks whose line counts do not match their header', () => {
    rejects(() => parsePatch(diff('--- a/f', '+++ b/f', '@@ -1,3 +1,3 @@', ' a', '-b', '+c'), 'p'), 'p: f: hunk @@ -1,3 +1,3 @@ has 2 old and 2 new lines, its header says 3 and 3');
    rejects(() => parsePatch(diff('--- a/f', '+++ b/f', '@@ -1,2 +1,2 @@', ' a', '-b', '+c', ' d'), 'p'), 'p: f: hunk @@ -1,2 +1,2 @@ has more lines than its header says');
    rejects(() => parsePatch(diff('--- a/f', '+++ b/f', '@@ -1 +1 @@', '-a', '-b', '+c'), 'p'), /p: f: hunk @@ -1 \+1 @@ has 2 old/);
  });

  it('rejects malformed hunk headers and misplaced no-newline markers', () => {
    rejects(() => parsePatch(diff('--- a/f', '+++ b/f', '@@ -1,x +1 @@', '-a'), 'p'), /^p: f: malformed hunk header/);
    rejects(() => parsePatch(diff('--- a/f', '+++ b/f', '@@ -0,1 +1 @@', '-a', '+b'), 'p'), 'p: f: hunk @@ -0,1 +1 @@ has a malformed header');
    rejects(() => parsePatch(diff('--- a/f', '+++ b/f', '@@ -1,2 +1,2 @@', '-a', '\\ No newline at end of file', ' b', '+c'), 'p'), /marker before its end/);
    rejects(() => parsePatch(diff('--- a/f', '+++ b/f', '@@ -1 +1 @@', '-a', '+b', '@@ -3 +3 @@'), 'p'), /has 0 old and 0 new lines/);
  });

  it('rejects paths outside the tree: ../, absolute, NUL', () => {
    rejects(() => parsePatch(diff('--- a/../etc/passwd', '+++ b/../etc/passwd', '@@ -1 +1 @@', '-a', '+b'), 'p'), 'p: path outside the tree: ../etc/passwd');
    rejects(() => parsePatch(diff('--- /etc/passwd', '+++ /etc/passwd', '@@ -1 +1 @@', '-a', '+b'), 'p'), 'p: path outside the tree: /etc/passwd');
    rejects(() => parsePatch(diff('diff --git a/x b/x', 'rename from x', 'rename to mm/../../y'), 'p'), /^p: path outside the tree: mm\/\.\.\/\.\.\/y$/);
    rejects(() => parsePatch(diff('--- a/x\0y', '+++ b/x\0y', '@@ -1 +1 @@', '-a', '+b'), 'p'), 'p: path outside the tree: x?y');
  });

  it('rejects a hunk without a file header after the first file', () => {
    rejects(() => parsePatch(diff('--- a/f', '+++ b/f', '@@ -1 +1 @@', '-a', '+b', 'prose', '@@ -5 +5 @@', '-c', '+d'), 'p'), 'p: hunk without a file header: @@ -5 +5 @@');
  });

  it('keeps messages on one line whatever the names hold', () => {
    rejects(() => parsePatch('nothing\n', 'evil\nname'), 'evil?name: no diff found');
    rejects(() => parsePatch(diff('--- "a/x\\ny"', '+++ "b/x\\ny"', '@@ -1 +1 @@', '-a', '+b'), 'p'), 'p: control character in file name: x?y');
  });

  it('rejects text that is not a patch', () => {
    rejects(() => parsePatch('', 'empty'), 'empty: no diff found');
    rejects(() => parsePatch('Hello,\n\nplease apply.\n--- \n', 'mail.txt'), 'mail.txt: no diff found');
    rejects(() => parsePatch(`From ${'1'.repeat(40)} Mon Sep 17 00:00:00 2001\nSubject: [PATCH 0/2] cover\n\n`, 'c'), 'c: no diff found');
    rejects(() => parsePatch(diff('--- a/f', '+++ b/f', 'text'), 'p'), 'p: f: file header without hunks');
  });

  it('rejects binary patches', () => {
    const git = diff('diff --git a/fw.bin b/fw.bin', 'index 1..2 100644', 'GIT binary patch', 'literal 3', 'Kc${NkU;qFA0RRC1', '');
    rejects(() => parsePatch(git, 'p'), 'p: fw.bin: binary patch not supported');
    rejects(() => parsePatch(diff('diff --git a/fw.bin b/fw.bin', 'index 1..2 100644', 'Binary files a/fw.bin and b/fw.bin differ'), 'p'), /binary patch not supported$/);
  });

  it('rejects git headers that say nothing or contradict themselves', () => {
    rejects(() => parsePatch(diff('diff --git a/x b/x', 'index 1..2 100644'), 'p'), 'p: x: git file header without changes');
    rejects(() => parsePatch(diff('diff --git a/x b/y', '--- a/x', '+++ b/y', '@@ -1 +1 @@', '-a', '+b'), 'p'), 'p: file names differ without a rename: x, y');
    rejects(() => parsePatch(diff('diff --git a/x b/y', 'copy from x', 'copy to y'), 'p'), 'p: copy patches not supported');
  });

  it('rejects a tree that does not fit: missing, existing, rename target taken, deletion leaving content', () => {
    const modify = diff('--- a/f', '+++ b/f', '@@ -1 +1 @@', '-a', '+b');
    rejects(() => apply(modify, {}), 'test.patch: f: patches a file that does not exist');
    rejects(() => apply(diff('--- /dev/null', '+++ b/f', '@@ -0,0 +1 @@', '+a'), { f: '' }), 'test.patch: f: creates a file that already exists');
    rejects(() => apply(diff('diff --git a/x b/y', 'rename from x', 'rename to y'), { x: '1\n', y: '2\n' }), 'test.patch: x -> y: renames onto a file that already exists');
    rejects(() => apply(diff('--- a/f', '+++ /dev/null', '@@ -1 +0,0 @@', '-a'), { f: 'a\nb\n' }), 'test.patch: f: deletes a file but does not remove all of its content');
  });
});

// ---- properties --------------------------------------------------------------------------------

// Whole headers as blocks, so that the fuzz gets past them into hunks most of the time.
const BLOCKS: string[][] = [
  ['--- a/x.c', '+++ b/x.c'], ['--- /dev/null', '+++ b/x.c'], ['--- a/x.c', '+++ /dev/null'], ['--- a/../x', '+++ /abs'], ['--- x', '+++ "b/unterminated'],
  ['diff --git a/x.c b/x.c'], ['diff --git "a/q\\"x" "b/q\\"x"'], ['diff --git a/x b/y', 'rename from x', 'rename to y'], ['rename to ../y.c'],
  ['new file mode 100644'], ['deleted file mode 100644'], ['similarity index 90%'], ['index 1234567..89abcde 100644'], ['old mode 100644', 'new mode 100755'],
  ['copy from x'], ['GIT binary patch'], ['Binary files a/x and b/x differ'],
  [`From ${'a'.repeat(40)} Mon Sep 17 00:00:00 2001`, 'Subject: [PATCH] x', ''], ['Subject: =?x-bogus?B?!!?= =?UTF-8?q?=C3=A9?='], ['-- ', '2.39.5'], ['--'], ['---'],
];
const HUNK_HEADERS = ['@@ -1,3 +1,3 @@', '@@ -1 +1 @@', '@@ -1,2 +1 @@', '@@ -0,0 +1,2 @@', '@@ -2,0 +3 @@ fn', '@@ -1,3 +0,0 @@', '@@ -99999999999999999999 +1 @@', '@@@ -1 -1 +1 @@@'];
const HUNK_LINES = [' a', ' b', ' c', '-a', '-b', '-c', '+b', '+x', ' ', '', '-', '+', '\\ No newline at end of file', '\\'];

const READS: Array<string | null> = ['a\nb\nc\n', 'a', '', null, ' a\n-a\n'];

/** Parse and apply; anything thrown must be a one-line PatchError naming the patch. */
function onlyPatchErrors(text: string, content: string | null): void {
  try {
    const set = parsePatch(text, 'fuzz.patch');
    applyPatchSet(set, () => content);
  } catch (e) {
    if (!(e instanceof PatchError)) throw e;
    assert.ok(e.message.startsWith('fuzz.patch: ') && !/[\n\r]/.test(e.message), e.message);
  }
}

describe('properties', () => {
  it('arbitrary strings throw nothing but PatchError', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom(...READS), onlyPatchErrors), { numRuns: 300 });
  });

  it('line arrays mixing diff syntax and garbage throw nothing but PatchError', () => {
    const hunkLines = fc.array(fc.constantFrom(...HUNK_LINES), { minLength: 1, maxLength: 4 });
    const hunk = fc.tuple(fc.constantFrom(...HUNK_HEADERS), hunkLines).map(([h, ls]) => [h, ...ls]);
    // A file header followed by near-valid hunks, most of the time: deep paths, not only early exits.
    const section = fc.tuple(fc.constantFrom(...BLOCKS.slice(0, 3)), fc.array(hunk, { minLength: 1, maxLength: 3 })).map(([h, hs]) => [...h, ...hs.flat()]);
    const block = fc.oneof(
      { weight: 4, arbitrary: section },
      { weight: 3, arbitrary: fc.constantFrom(...BLOCKS) },
      { weight: 3, arbitrary: hunkLines },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }).map((l) => [l]) },
    );
    const eol = fc.constantFrom('\n', '\r\n');
    fc.assert(fc.property(fc.array(block, { maxLength: 20 }), eol, fc.constantFrom(...READS), (blocks, nl, content) => onlyPatchErrors(blocks.flat().join(nl), content)), { numRuns: 1000 });
  });

  it('round trip: a generated diff applies to exactly the edited file', () => {
    fc.assert(fc.property(fileText, edits, fileText.map((t) => t.finalNewline), fc.constantFrom('modify', 'create', 'delete'), (before, script, finalNewline, mode) => {
      const after = edit(before, script, finalNewline);
      const [oldText, newText] = [render(before), render(after)];
      // Creation needs something to create and deletion something to delete; else it is a modification.
      const creates = mode === 'create' && newText !== '';
      const deletes = mode === 'delete' && oldText !== '' && !creates;
      const source = creates ? '' : oldText;
      const target = deletes ? '' : newText;
      const text = unifiedDiff(creates ? null : 'mm/f.c', deletes ? null : 'mm/f.c', source, target);
      if (text === '') { rejects(() => parsePatch(text, 'p'), 'p: no diff found'); return; }
      const result = applyPatchSet(parsePatch(text, 'p'), tree(creates ? {} : { 'mm/f.c': source }));
      assert.deepEqual(result, new Map([['mm/f.c', deletes ? null : target]]));
    }), { numRuns: 300 });
  });

  it('round trip through a 2-message format-patch mbox', () => {
    fc.assert(fc.property(fileText, edits, edits, fc.boolean(), fc.boolean(), (v0, e1, e2, nl1, nl2) => {
      const v1 = edit(v0, e1, nl1), v2 = edit(v1, e2, nl2);
      const [t0, t1, t2] = [v0, v1, v2].map(render) as [string, string, string];
      const text = mbox([unifiedDiff('mm/f.c', 'mm/f.c', t0, t1), unifiedDiff('mm/f.c', 'mm/f.c', t1, t2)]);
      if (t0 === t1 && t1 === t2) { rejects(() => parsePatch(text, 'm'), 'm: no diff found'); return; }
      const set = parsePatch(text, 'm');
      assert.deepEqual(set.messages.map((m) => m.subject), ['[PATCH 1/2] step 1', '[PATCH 2/2] step 2']);
      assert.deepEqual(applyPatchSet(set, tree({ 'mm/f.c': t0 })), new Map([['mm/f.c', t2]]));
    }), { numRuns: 200 });
  });
});

// ---- a small diff generator for the round trips ----------------------------------------------------

interface FileText { lines: string[]; finalNewline: boolean }
interface Edit { at: number; remove: number; insert: string[] }

// Few distinct lines, so that matches are ambiguous, and lines that look like diff syntax.
const LINE = fc.constantFrom('a', 'b', 'c', '', '}', '-- ', '--- x', '+++ y', '@@ z', ' ', '\\ q', `From ${'c'.repeat(40)} Mon Sep 17 00:00:00 2001`);
const fileText = fc.record({ lines: fc.array(LINE, { maxLength: 30 }), finalNewline: fc.boolean() });
const edits = fc.array(fc.record({ at: fc.nat(), remove: fc.nat(3), insert: fc.array(LINE, { maxLength: 3 }) }), { maxLength: 4 });

function edit(file: FileText, script: Edit[], finalNewline: boolean): FileText {
  const lines = [...file.lines];
  for (const e of script) lines.splice(e.at % (lines.length + 1), e.remove, ...e.insert);
  return { lines, finalNewline };
}

function render(file: FileText): string {
  return file.lines.length === 0 ? '' : file.lines.join('\n') + (file.finalNewline ? '\n' : '');
}

interface Token { text: string; last: boolean } // `last`: the final line, lacking its newline
interface Op { op: ' ' | '-' | '+'; token: Token }

function tokens(content: string): Token[] {
  if (content === '') return [];
  const noEol = !content.endsWith('\n');
  const lines = (noEol ? content : content.slice(0, -1)).split('\n');
  return lines.map((text, i) => ({ text, last: noEol && i === lines.length - 1 }));
}

// LCS edit script; a final line without newline never equals one with it.
function editOps(a: Token[], b: Token[]): Op[] {
  const same = (x: Token, y: Token): boolean => x.text === y.text && x.last === y.last;
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  const at = (i: number, j: number): number => (lcs[i] as number[])[j] as number;
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      (lcs[i] as number[])[j] = same(a[i] as Token, b[j] as Token) ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const ops: Op[] = [];
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && same(a[i] as Token, b[j] as Token)) { ops.push({ op: ' ', token: a[i] as Token }); i++; j++; }
    else if (j >= b.length || (i < a.length && at(i + 1, j) >= at(i, j + 1))) { ops.push({ op: '-', token: a[i] as Token }); i++; }
    else { ops.push({ op: '+', token: b[j] as Token }); j++; }
  }
  return ops;
}

/** `diff -u` with 3 lines of context; '' when nothing changed. */
function unifiedDiff(oldPath: string | null, newPath: string | null, before: string, after: string, context = 3): string {
  const ops = editOps(tokens(before), tokens(after));
  const changes = ops.flatMap((o, k) => (o.op === ' ' ? [] : [k]));
  if (changes.length === 0) return '';
  const groups: Array<[number, number]> = [];
  for (const k of changes) {
    const last = groups[groups.length - 1];
    if (last && k - last[1] - 1 <= 2 * context) last[1] = k;
    else groups.push([k, k]);
  }
  const out = [`--- ${oldPath === null ? '/dev/null' : `a/${oldPath}`}`, `+++ ${newPath === null ? '/dev/null' : `b/${newPath}`}`];
  for (const [first, lastChange] of groups) {
    const from = Math.max(0, first - context), to = Math.min(ops.length, lastChange + 1 + context);
    const count = (slice: Op[], side: '-' | '+'): number => slice.filter((o) => o.op !== side).length;
    const range = (before: number, n: number): string => `${n === 0 ? before : before + 1}${n === 1 ? '' : `,${n}`}`;
    const slice = ops.slice(from, to);
    out.push(`@@ -${range(count(ops.slice(0, from), '+'), count(slice, '+'))} +${range(count(ops.slice(0, from), '-'), count(slice, '-'))} @@ ctx`);
    for (const o of slice) {
      out.push(o.op + o.token.text);
      if (o.token.last) out.push('\\ No newline at end of file');
    }
  }
  return out.join('\n') + '\n';
}

/** `git format-patch --stdout` shape: a message per diff (an empty diff leaves only prose). */
function mbox(diffs: string[]): string {
  return diffs.map((d, k) => [
    `From ${String(k).repeat(40)} Mon Sep 17 00:00:00 2001`,
    'From: A Developer <dev@example.org>',
    `Subject: [PATCH ${k + 1}/${diffs.length}] step`,
    ` ${k + 1}`,
    '',
    'A commit message with lines that look like diffs:',
    '@@ -1 +1 @@',
    '-- ',
    '---',
    ' mm/f.c | 2 +-',
    '',
    d + '-- ',
    '2.39.5',
    '',
  ].join('\n')).join('\n');
}
