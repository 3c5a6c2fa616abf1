// Which .c files a config builds, as the Kbuild Makefiles say: goal lists, composite objects,
// conditionals on config values, and a Makefile included from another directory's.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Kconfig } from '../src/source/kconfig.js';
import { treeFiles } from '../src/analysis/tree.js';
import { filterByKbuild, makeDefinesFor, readKbuildDir } from '../src/source/kbuild.js';

const work = mkdtempSync(path.join(tmpdir(), 'kdeadlock-kbuild-'));
after(() => rmSync(work, { recursive: true, force: true }));

let trees = 0;
/** A tree of the given files (Makefiles and empty .c files); returns its root. */
function tree(files: Record<string, string>): string {
  const root = path.join(work, `t${trees++}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

const config = (on: string[]): Kconfig => new Map([...on.map((c) => [c, 'y'] as const), ['CONFIG_OFF', 'n']]);
const keptOf = (root: string, files: string[], on: string[]): string[] => filterByKbuild(root, files, config(on)).kept;

describe('Kbuild filter', () => {
  it('builds what obj-$(CONFIG_X) enables and drops what it only mentions', () => {
    const root = tree({ 'drv/Makefile': 'obj-$(CONFIG_A) += a.o\nobj-$(CONFIG_OFF) += off.o\nobj-y += core.o\n' });
    const files = ['drv/a.c', 'drv/off.c', 'drv/core.c', 'drv/unmentioned.c', 'drv/a.h'];
    assert.deepEqual(keptOf(root, files, ['CONFIG_A']), ['drv/a.c', 'drv/core.c', 'drv/unmentioned.c', 'drv/a.h']);
    assert.deepEqual(keptOf(root, files, []), ['drv/core.c', 'drv/unmentioned.c', 'drv/a.h']);
  });

  it('follows composite objects and directories', () => {
    const root = tree({
      'Kbuild': 'obj-y += fs/\nobj-$(CONFIG_SND) += sound/\n',
      'fs/Makefile': 'obj-$(CONFIG_FOO) += foo.o\nfoo-y := super.o\nfoo-$(CONFIG_FOO_ACL) += acl.o\n',
      'sound/Makefile': 'obj-y += pcm.o\n',
    });
    const files = ['fs/super.c', 'fs/acl.c', 'fs/foo.c', 'sound/pcm.c'];
    assert.deepEqual(keptOf(root, files, ['CONFIG_FOO']), ['fs/super.c', 'fs/foo.c']);
    assert.deepEqual(keptOf(root, files, ['CONFIG_FOO', 'CONFIG_FOO_ACL', 'CONFIG_SND']), files);
    assert.deepEqual(keptOf(root, files, []), []);
  });

  it('takes the arm of ifeq/ifneq/ifdef/ifndef that the config selects', () => {
    const root = tree({
      'k/Makefile': [
        'ifeq ($(CONFIG_A),y)', 'obj-y += eq.o', 'else', 'obj-y += not_eq.o', 'endif',
        'ifneq ($(CONFIG_B),)', 'obj-y += b.o', 'else ifdef CONFIG_C', 'obj-y += c.o', 'else', 'obj-y += neither.o', 'endif',
        'ifndef CONFIG_A', 'obj-y += no_a.o', 'endif',
        'ifeq "$(CONFIG_A)" "y"', '  ifdef CONFIG_OFF', '  obj-y += nested_off.o', '  endif', 'obj-y += quoted.o', 'endif',
      ].join('\n'),
    });
    const files = ['eq', 'not_eq', 'b', 'c', 'neither', 'no_a', 'nested_off', 'quoted'].map((n) => `k/${n}.c`);
    assert.deepEqual(keptOf(root, files, ['CONFIG_A', 'CONFIG_C']), ['k/eq.c', 'k/c.c', 'k/quoted.c']);
    assert.deepEqual(keptOf(root, files, ['CONFIG_B']), ['k/not_eq.c', 'k/b.c', 'k/no_a.c']);
    assert.deepEqual(keptOf(root, files, []), ['k/not_eq.c', 'k/neither.c', 'k/no_a.c']);
  });

  it('keeps both arms of a condition on anything but the config', () => {
    const root = tree({
      'k/Makefile': 'ifeq ($(ARCH),x86)\nobj-y += x86.o\nelse\nobj-y += other.o\nendif\nifeq ($(call cc-option,-mfoo),)\nobj-y += cc.o\nendif\n',
    });
    const files = ['k/x86.c', 'k/other.c', 'k/cc.c'];
    assert.deepEqual(keptOf(root, files, []), files);
  });

  it('reads a Makefile another directory includes, for that directory\'s files', () => {
    const root = tree({
      'gpu/Makefile': 'obj-$(CONFIG_GPU) += gpu/\n',
      'gpu/gpu/Makefile': [
        'TOP := $(srctree)/$(src)/..', 'gpu-y := gpu_main.o',
        'ifneq ($(CONFIG_KFD),)', 'KFD_PATH := ../kfd', 'include $(TOP)/kfd/Makefile', 'gpu-y += $(KFD_FILES)', 'endif',
        'obj-$(CONFIG_GPU) += gpu.o',
      ].join('\n'),
      'gpu/kfd/Makefile': 'KFD_FILES := $(KFD_PATH)/kfd_core.o\nifneq ($(CONFIG_KFD_SVM),)\nKFD_FILES += $(KFD_PATH)/kfd_svm.o\nendif\n',
    });
    const files = ['gpu/gpu/gpu_main.c', 'gpu/kfd/kfd_core.c', 'gpu/kfd/kfd_svm.c'];
    assert.deepEqual(keptOf(root, files, ['CONFIG_GPU', 'CONFIG_KFD']), ['gpu/gpu/gpu_main.c', 'gpu/kfd/kfd_core.c']);
    assert.deepEqual(keptOf(root, files, ['CONFIG_GPU', 'CONFIG_KFD', 'CONFIG_KFD_SVM']), files);
    // Included in an arm not taken: its objects are mentioned, none built.
    assert.deepEqual(keptOf(root, files, ['CONFIG_GPU']), ['gpu/gpu/gpu_main.c']);
  });

  it('never follows an include into scripts/ or out of the tree', () => {
    const root = tree({
      'scripts/Makefile.lib': 'obj-y += ../k/trap.o\n',
      'k/Makefile': 'include $(srctree)/scripts/Makefile.lib\ninclude /etc/Makefile\nobj-$(CONFIG_OFF) += trap.o\n',
    });
    assert.deepEqual(keptOf(root, ['k/trap.c'], []), []);
  });

  it('reads any text without throwing, and never keeps what it was not given', () => {
    const line = fc.oneof(
      fc.constantFrom('ifeq ($(CONFIG_A),y)', 'ifneq (,$(CONFIG_B))', 'ifdef CONFIG_A', 'else', 'endif', 'define x', 'endef',
        'obj-y += a.o d/', 'obj-$(CONFIG_A) += b.o', 'X := $(X) c.o', 'X += $(X)', 'obj-y += $(X)', 'include $(srctree)/k/Makefile', 'a-y := b.o', '\\'),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
      const root = tree({ 'k/Makefile': lines.join('\n') });
      const files = ['k/a.c', 'k/b.c', 'k/c.c', 'k/d/e.c'];
      const once = filterByKbuild(root, files, config(['CONFIG_A']));
      assert.deepEqual(filterByKbuild(root, files, config(['CONFIG_A'])), once);
      assert.ok(once.kept.every((f) => files.includes(f)));
      assert.equal(once.kept.length + once.dropped, files.length);
      const verdict = readKbuildDir(root, 'k', config(['CONFIG_A']));
      assert.ok(verdict);
    }), { numRuns: 150 });
  });

  it('reads the -D flags a directory compiles with: its own, a parent\'s subdir-ccflags, one object\'s', () => {
    const root = tree({
      'net/Makefile': 'obj-y += wl/\nsubdir-ccflags-$(CONFIG_A) += -DNET_TRACE\n',
      'net/wl/Makefile': [
        'obj-y += main.o rx.o',
        'ccflags-y += $(call cc-disable-warning, unused) -DDEBUG',
        'ccflags-$(CONFIG_OFF) += -DVERBOSE_DEBUG',
        "CFLAGS_rx.o := -I$(src) -D'RX_NAME=\"rx\"'",
        'EXTRA_CFLAGS += -DLEGACY=1',
      ].join('\n'),
    });
    const files = ['net/wl/main.c', 'net/wl/rx.c'];
    const { defines } = filterByKbuild(root, files, config(['CONFIG_A']));
    assert.deepEqual(readKbuildDir(root, 'net/wl', config([]))?.defines, { dir: ['DEBUG', 'LEGACY'], subdirs: [], objects: { 'net/wl/rx.o': ['RX_NAME'] } });
    assert.deepEqual(makeDefinesFor(defines, 'net/wl/main.c').sort(), ['DEBUG', 'LEGACY', 'NET_TRACE']);
    assert.deepEqual(makeDefinesFor(defines, 'net/wl/rx.c').sort(), ['DEBUG', 'LEGACY', 'NET_TRACE', 'RX_NAME']);
    assert.deepEqual(makeDefinesFor(filterByKbuild(root, files, config([])).defines, 'net/wl/main.c').sort(), ['DEBUG', 'LEGACY']);
  });
});

describe('.c files another .c file #includes', () => {
  const unitTree = (): string => tree({
    'kernel/sched/Makefile': 'obj-y += build_policy.o\nobj-$(CONFIG_OFF) += old.o\n',
    'kernel/sched/build_policy.c': [
      '#include "idle.c"', '#ifdef CONFIG_SCHED_X', '# include "ext.c"', '#endif',
      '#if IS_ENABLED(CONFIG_DL) || defined(CONFIG_DL_MODULE)', '#include "dl.c"', '#endif', '',
    ].join('\n'),
    'kernel/sched/ext.c': '#include "ext_idle.c"\n',
    'kernel/sched/ext_idle.c': '',
    'kernel/sched/idle.c': '',
    'kernel/sched/dl.c': '',
    'kernel/sched/old.c': '#include "old_helpers.c"\n',
    'kernel/sched/old_helpers.c': '',
    'kernel/sched/alone.c': '',
  });
  const filesOf = async (root: string, on: string[] | null): Promise<string[]> => {
    const values = on && config(on);
    return (await treeFiles({ root, paths: [], arch: 'x86', config: values ? { path: '.config', values } : undefined })).files;
  };

  it('are built with their unit, under the #if around the #include line', async () => {
    const root = unitTree();
    const c = (names: string[]): string[] => names.map((n) => `kernel/sched/${n}.c`);
    assert.deepEqual(await filesOf(root, []), c(['alone', 'build_policy', 'idle']), 'ext.c and what it includes are out; so are dl.c and a unit whose includer is not built');
    assert.deepEqual(await filesOf(root, ['CONFIG_SCHED_X', 'CONFIG_DL']), c(['alone', 'build_policy', 'dl', 'ext', 'ext_idle', 'idle']));
    assert.equal((await filesOf(root, null)).length, 8, 'without a config every file stays');
  });

  it('stay when the #include line tests a header\'s macro, which is not read here', async () => {
    const root = tree({
      'drv/Makefile': 'obj-y += hw.o\n',
      'drv/hw.c': '#ifdef DOWNLOAD_SUPPORT\n#include "download.c"\n#endif\n',
      'drv/download.c': '',
    });
    assert.deepEqual(await filesOf(root, []), ['drv/download.c', 'drv/hw.c']);
  });
});
