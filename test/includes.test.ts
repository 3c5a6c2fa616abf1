// Shared headers come in by inclusion: the #include lines of a scan's files decide which headers
// under include/ and arch/<arch>/include are read, as Kbuild's include path resolves them.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { treeFiles } from '../src/analysis/tree.js';
import { checkPatch } from '../src/patch/check.js';
import { type Timings, scan } from '../src/scan.js';
import { includeClosure, includeRefs, includeResolver } from '../src/source/includes.js';
import { RACY_MS } from '../src/source/tree-index.js';

const work = mkdtempSync(path.join(tmpdir(), 'kdeadlock-includes-'));
after(() => rmSync(work, { recursive: true, force: true }));

const refsOf = (text: string): string[] => includeRefs(Buffer.from(text));

describe('include refs', () => {
  it('reads #include lines as written, once each, and nothing else', () => {
    const text = [
      '#include <linux/mm.h>', '#  include\t"internal.h"', '  #include <asm/tlb.h>  /* why */', '#include <linux/mm.h>',
      '#include TRACE_INCLUDE(TRACE_INCLUDE_FILE)', '// #include <linux/not.h>', 'x = 1; #include <linux/nope.h>',
      '#define include <linux/nor.h>', '#include <unterminated.h', '#include "last.h"',
    ].join('\r\n');
    assert.deepEqual(refsOf(text), ['<linux/mm.h>', '"internal.h"', '<asm/tlb.h>', '"last.h"']);
  });

  it('never throws on arbitrary bytes, and gives only well-formed refs', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.constantFrom('#include <a/b.h>\n', '#include "c.h"', '# include', '\n', '<', '"')), (bytes, parts) => {
      const buf = Buffer.concat([Buffer.from(bytes), Buffer.from(parts.join(''))]);
      for (const ref of includeRefs(buf)) assert.match(ref, /^(<[^>\n]+>|"[^"\n]+")$/);
    }));
  });

  it('finds every include line among other lines', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9_/]{0,12}\.h$/);
    fc.assert(fc.property(fc.array(fc.tuple(name, fc.boolean(), fc.constantFrom('', ' ', '\t ')), { maxLength: 20 }), fc.array(fc.constantFrom('int x;', '', '/* c */', '#define A 1')), (incs, noise) => {
      const lines = incs.map(([n, quoted, pad]) => `#${pad}include ${quoted ? `"${n}"` : `<${n}>`}`);
      const text = lines.flatMap((l, i) => [l, noise[i % Math.max(noise.length, 1)] ?? '']).join('\n');
      const expected = [...new Set(incs.map(([n, quoted]) => (quoted ? `"${n}"` : `<${n}>`)))];
      assert.deepEqual(refsOf(text), expected);
    }));
  });
});

describe('include resolution', () => {
  const files = new Set([
    'arch/x86/include/asm/tlb.h', 'include/asm-generic/tlb.h', 'include/asm-generic/rwonce.h', 'include/linux/mm.h',
    'include/uapi/linux/fs.h', 'include/linux/fs.h', 'mm/internal.h', 'include/uapi/asm-generic/ioctl.h',
  ]);
  const resolve = includeResolver('x86', (rel) => files.has(rel));

  it('looks next to the including file for "x", then along the include path', () => {
    assert.equal(resolve('mm/memory.c', '"internal.h"'), 'mm/internal.h');
    assert.equal(resolve('mm/memory.c', '"linux/mm.h"'), 'include/linux/mm.h');
    assert.equal(resolve('mm/memory.c', '"../../../etc/passwd"'), null);
  });

  it('puts the architecture first, then include/, then the uapi directories', () => {
    assert.equal(resolve('mm/memory.c', '<asm/tlb.h>'), 'arch/x86/include/asm/tlb.h');
    assert.equal(resolve('mm/memory.c', '<linux/fs.h>'), 'include/linux/fs.h');
  });

  it('gives asm-generic for an <asm/…> header the architecture lacks', () => {
    assert.equal(resolve('mm/memory.c', '<asm/rwonce.h>'), 'include/asm-generic/rwonce.h');
    assert.equal(resolve('mm/memory.c', '<asm/ioctl.h>'), 'include/uapi/asm-generic/ioctl.h');
    assert.equal(resolve('mm/memory.c', '<generated/autoconf.h>'), null);
  });

  it('reaches headers through headers, and the forced ones always', () => {
    const pool = new Set(['include/linux/a.h', 'include/linux/b.h', 'include/linux/c.h', 'include/linux/kconfig.h']);
    const refs = new Map([['k.c', ['<linux/a.h>']], ['include/linux/a.h', ['"b.h"']], ['include/linux/b.h', ['<linux/a.h>']]]);
    const reached = includeClosure(['k.c'], pool, includeResolver('x86', (rel) => pool.has(rel)), (f) => refs.get(f) ?? []);
    assert.deepEqual([...reached].sort(), ['include/linux/a.h', 'include/linux/b.h', 'include/linux/kconfig.h']);
  });
});

// A tree where an unincluded header's inline function would close an AB-BA cycle.
const TREE: Record<string, string> = {
  'include/linux/locks.h': '#include <asm/barrier.h>\nextern spinlock_t a_lock;\nextern spinlock_t b_lock;\n',
  'include/asm-generic/barrier.h': '#define mb() do { } while (0)\n',
  'include/linux/reverse.h': [
    '#include <linux/locks.h>', '', 'static inline void take_b_then_a(void)', '{', '\tspin_lock(&b_lock);', '\tspin_lock(&a_lock);',
    '\tspin_unlock(&a_lock);', '\tspin_unlock(&b_lock);', '}', '',
  ].join('\n'),
  'kernel/a.c': [
    '#include <linux/locks.h>', '', 'DEFINE_SPINLOCK(a_lock);', 'DEFINE_SPINLOCK(b_lock);', '', 'void take_a_then_b(void)', '{',
    '\tspin_lock(&a_lock);', '\tspin_lock(&b_lock);', '\tspin_unlock(&b_lock);', '\tspin_unlock(&a_lock);', '}', '',
  ].join('\n'),
};
let trees = 0;

async function makeTree(): Promise<string> {
  const root = path.join(work, `tree-${trees++}`);
  const old = new Date(Date.now() - 60_000);
  for (const [rel, text] of Object.entries(TREE)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
    utimesSync(path.join(root, rel), old, old);
  }
  return root;
}

describe('headers a scan reads', () => {
  it('are the shared headers its files include, directly or not', async () => {
    const root = await makeTree();
    const listed = await treeFiles({ root, paths: [], arch: 'x86' });
    assert.deepEqual(listed.files, ['include/asm-generic/barrier.h', 'include/linux/locks.h', 'kernel/a.c']);
    assert.deepEqual([...listed.unreached], ['include/linux/reverse.h']);
    const report = await scan({ root, paths: [], arch: 'x86' });
    assert.equal(report.findings.length, 0, 'the unincluded inline function is not analysed');
  });

  it('include a header a scan path names', async () => {
    const root = await makeTree();
    const report = await scan({ root, paths: ['kernel', 'include/linux/reverse.h'], arch: 'x86' });
    assert.deepEqual(report.findings.map((f) => f.rule), ['lock-cycle']);
  });

  it('follow an edit that includes one more: the warm scan sees it', async () => {
    const root = await makeTree();
    const cacheDir = path.join(work, `cache-${trees}`);
    await sleep(RACY_MS + 100);
    const opts = { root, paths: [], arch: 'x86', cacheDir };
    assert.equal((await scan(opts)).findings.length, 0);
    // An unreached header changing leaves the tree as the scan reads it unchanged.
    writeFileSync(path.join(root, 'include/linux/reverse.h'), `${TREE['include/linux/reverse.h']}\n/* touched */\n`);
    const warm: Timings = {};
    assert.equal((await scan(opts, warm)).findings.length, 0);
    assert.ok(!('parse+facts' in warm), 'answered from the image');
    writeFileSync(path.join(root, 'kernel/a.c'), `#include <linux/reverse.h>\n${TREE['kernel/a.c']}`);
    assert.deepEqual((await scan(opts)).findings.map((f) => f.rule), ['lock-cycle']);
  });

  it('follow a patch that includes one more (check-patch)', async () => {
    const root = await makeTree();
    const patch = [
      'diff --git a/kernel/a.c b/kernel/a.c', '--- a/kernel/a.c', '+++ b/kernel/a.c', '@@ -1,3 +1,4 @@',
      ' #include <linux/locks.h>', '+#include <linux/reverse.h>', ' ', ' DEFINE_SPINLOCK(a_lock);', '',
    ].join('\n');
    for (const cacheDir of [null, path.join(work, `cp-cache-${trees}`)]) {
      const { result } = await checkPatch({ root, paths: [], arch: 'x86', cacheDir }, patch, 'include-reverse.patch');
      assert.deepEqual(result.newFindings.map((f) => f.rule), ['lock-cycle'], `cache ${cacheDir}`);
    }
  });
});
