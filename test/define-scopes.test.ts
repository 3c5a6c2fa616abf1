// `#ifdef DEBUG` asks what the file's own unit defines, under a config: the file itself, the
// local headers it includes, its Makefile's -D flags. Another driver's `#define DEBUG` is not
// this one's; a shared header's definition is everyone's.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { scan } from '../src/scan.js';
import { loadTree, treeFiles } from '../src/analysis/tree.js';
import { parseKconfig } from '../src/source/kconfig.js';
import type { ScanOptions } from '../src/analysis/tree.js';
import { ConditionEvaluator } from '../src/program/conditions.js';

const work = mkdtempSync(path.join(tmpdir(), 'kdeadlock-define-scopes-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A driver whose debug build takes its two locks in the order its reset path reverses. */
const driver = (name: string, prelude = ''): string => `// SPDX-License-Identifier: GPL-2.0
${prelude}#include <linux/spinlock.h>

static DEFINE_SPINLOCK(${name}_stats_lock);
static DEFINE_SPINLOCK(${name}_ring_lock);

void ${name}_tx(void)
{
	spin_lock(&${name}_stats_lock);
#ifdef DEBUG
	spin_lock(&${name}_ring_lock);
	spin_unlock(&${name}_ring_lock);
#endif
	spin_unlock(&${name}_stats_lock);
}

void ${name}_reset(void)
{
	spin_lock(&${name}_ring_lock);
	spin_lock(&${name}_stats_lock);
	spin_unlock(&${name}_stats_lock);
	spin_unlock(&${name}_ring_lock);
}
`;

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(work, 't'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

const TREE = {
  'drivers/Makefile': 'obj-y += own/ other/ flags/ hdr/ shy/\n',
  // Defines DEBUG for itself only.
  'drivers/own/Makefile': 'obj-y += own.o\n',
  'drivers/own/own.c': driver('own', '#define DEBUG\n'),
  // Tests DEBUG, which only another driver defines.
  'drivers/other/Makefile': 'obj-y += other.o\n',
  'drivers/other/other.c': driver('other'),
  // Its Makefile defines DEBUG when the config asks for it.
  'drivers/flags/Makefile': 'obj-y += flags.o\nccflags-$(CONFIG_FLAGS_DEBUG) += -DDEBUG\n',
  'drivers/flags/flags.c': driver('flags'),
  // Its local header defines DEBUG.
  'drivers/hdr/Makefile': 'obj-y += hdr.o\n',
  'drivers/hdr/hdr_debug.h': '#define DEBUG 1\n',
  'drivers/hdr/hdr.c': driver('hdr', '#include "hdr_debug.h"\n'),
  // Its Makefile would, but the config says no.
  'drivers/shy/Makefile': 'obj-y += shy.o\nccflags-$(CONFIG_SHY_DEBUG) += -DDEBUG\n',
  'drivers/shy/shy.c': driver('shy'),
};

const options = (root: string, config: string | null): ScanOptions => ({
  root, paths: [], arch: 'x86', ...(config === null ? {} : { config: { path: '.config', values: parseKconfig(config) } }),
});

const CONFIG = 'CONFIG_FLAGS_DEBUG=y\n# CONFIG_SHY_DEBUG is not set\n';

describe('defined() per translation unit', () => {
  it('sees a name defined by the file, a local header it includes, or its Makefile; not by another file', async () => {
    const root = tree(TREE);
    const listed = await treeFiles(options(root, CONFIG));
    const loaded = await loadTree(options(root, CONFIG), {}, listed);
    assert.deepEqual(loaded.defineScopes, {
      scoped: ['DEBUG'],
      visible: {
        'drivers/flags/flags.c': ['DEBUG'], 'drivers/hdr/hdr.c': ['DEBUG'], 'drivers/other/other.c': [],
        'drivers/own/own.c': ['DEBUG'], 'drivers/shy/shy.c': [],
      },
      partial: [],
    });
    const report = await scan(options(root, CONFIG));
    const files = [...new Set(report.findings.map((f) => f.location.file))].sort();
    assert.deepEqual(files, ['drivers/flags/flags.c', 'drivers/hdr/hdr.c', 'drivers/own/own.c']);
  });

  it('leaves a file\'s test unknown where it includes a header found only through a Makefile\'s -I', async () => {
    const root = tree({
      ...TREE,
      'drivers/Makefile': 'obj-y += own/ other/ flags/ hdr/ shy/ inc/\n',
      'drivers/own/own_regs.h': '#define DEBUG\n',
      'drivers/inc/Makefile': 'obj-y += inc.o\nccflags-y += -I$(srctree)/drivers/own\n',
      'drivers/inc/inc.c': driver('inc', '#include "own_regs.h"\n'),
    });
    const loaded = await loadTree(options(root, CONFIG));
    assert.deepEqual(loaded.defineScopes?.partial, ['drivers/inc/inc.c']);
    const report = await scan(options(root, CONFIG));
    assert.ok(report.findings.some((f) => f.location.file === 'drivers/inc/inc.c'));
    assert.ok(!report.findings.some((f) => f.location.file === 'drivers/other/other.c'));
  });

  it('leaves an #included .c file\'s test unknown: its includer may define the name first', async () => {
    const root = tree({
      ...TREE,
      'drivers/Makefile': 'obj-y += own/ other/ flags/ hdr/ shy/ unit/\n',
      'drivers/unit/Makefile': 'obj-y += unit.o\n',
      'drivers/unit/unit.c': '#define DEBUG\n#include "unit_impl.c"\n',
      'drivers/unit/unit_impl.c': driver('unit'),
    });
    const loaded = await loadTree(options(root, CONFIG));
    assert.deepEqual(loaded.defineScopes?.partial, ['drivers/unit/unit_impl.c']);
    const report = await scan(options(root, CONFIG));
    assert.ok(report.findings.some((f) => f.location.file === 'drivers/unit/unit_impl.c'));
  });

  it('scopes a name only a Makefile defines, and leaves a name nothing defines undefined everywhere', async () => {
    const root = tree({
      ...TREE,
      'drivers/flags/Makefile': 'obj-y += flags.o\nccflags-y += -DFLAGS_TRACE\n',
      'drivers/flags/flags.c': driver('flags', '#ifdef FLAGS_TRACE\nstatic void trace_on(void) {}\n#endif\n'),
      'drivers/other/other.c': driver('other', '#ifdef FLAGS_TRACE\nstatic void trace_on(void) {}\n#endif\n#include <linux/arch_hook.h>\n'),
      'include/linux/arch_hook.h': '#ifndef ARCH_HAS_HOOK\nstatic inline void arch_hook(void) {}\n#endif\n',
    });
    const scopes = (await loadTree(options(root, CONFIG))).defineScopes;
    assert.deepEqual(scopes?.scoped, ['DEBUG', 'FLAGS_TRACE']);
    assert.deepEqual(scopes?.visible['drivers/flags/flags.c'], ['FLAGS_TRACE']);
    assert.deepEqual(scopes?.visible['drivers/other/other.c'], []);
  });

  it('leaves every arm possible without a config, as for any macro', async () => {
    const report = await scan(options(tree(TREE), null));
    assert.equal(new Set(report.findings.map((f) => f.location.file)).size, 5);
  });

  it('takes a name some shared header defines as defined everywhere', async () => {
    const root = tree({ ...TREE, 'include/linux/debug_all.h': '#define DEBUG\n', 'drivers/other/other.c': driver('other', '#include <linux/debug_all.h>\n') });
    const loaded = await loadTree(options(root, CONFIG));
    assert.deepEqual(loaded.defineScopes?.scoped, []);
    const report = await scan(options(root, CONFIG));
    assert.equal(new Set(report.findings.map((f) => f.location.file)).size, 5);
  });

  it('leaves a header\'s test unknown when the header does not see the name itself', () => {
    const scopes = { scoped: ['DEBUG'], visible: { 'a/a.c': [], 'a/a.h': [], 'b/b.h': ['DEBUG'], 'c/c.c': [] }, partial: ['c/c.c'] };
    const c = new ConditionEvaluator(parseKconfig('CONFIG_A=y\n'), new Map([['DEBUG', ['']]]), undefined, null, scopes);
    assert.equal(c.evaluate('defined(DEBUG)', 'a/a.c'), false);
    assert.equal(c.evaluate('defined(DEBUG)', 'a/a.h'), null);
    assert.equal(c.evaluate('defined(DEBUG)', 'b/b.h'), true);
    assert.equal(c.evaluate('!defined(DEBUG) && CONFIG_A', 'a/a.c'), true);
    // c.c includes a header we could not find (through a Makefile's -I): it may define it.
    assert.equal(c.evaluate('defined(DEBUG)', 'c/c.c'), null);
    // Without a file, as before: some file defines it.
    assert.equal(c.evaluate('defined(DEBUG)'), true);
  });
});
