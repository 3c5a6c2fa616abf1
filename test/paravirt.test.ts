import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backendOf, oneBackend } from '../src/deadlock/paravirt.js';
import type { ChainStep } from '../src/report/types.js';

const step = (fn: string, file: string, event = `${fn}()`): ChainStep => ({ function: fn, file, line: 1, col: 1, event, kind: 'call', depth: 0 });

describe('paravirt backends', () => {
  const xen = [step('pin', 'arch/x86/xen/mmu_pv.c')];
  const native = [step('__flush_tlb_multi', 'arch/x86/include/asm/paravirt.h', 'PVOP_VCALL2(mmu.flush_tlb_multi, m, i)'), step('native_flush_tlb_multi', 'arch/x86/mm/tlb.c')];
  const neutral = [step('move_ptes', 'mm/mremap.c')];

  it('names the backend a path assumes', () => {
    assert.equal(backendOf(xen), 'xen');
    assert.equal(backendOf(native), 'native');
    assert.equal(backendOf(neutral), null);
  });

  it('refuses paths that need two backends on one machine', () => {
    assert.equal(oneBackend([xen, native]), false);
    assert.equal(oneBackend([xen, neutral, xen]), true);
    assert.equal(oneBackend([native, neutral]), true);
  });
});
