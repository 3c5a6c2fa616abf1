// GFP flags read by name at an allocation's call site (models/gfp.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Expr } from '../src/facts/types.js';
import { gfpMaySleep } from '../src/models/gfp.js';

const id = (name: string): Expr => ({ k: 'id', name });
const or = (left: Expr, right: Expr): Expr => ({ k: 'bin', op: '|', left, right });

describe('GFP flags', () => {
  it('sleep when they allow direct reclaim, alone or with modifiers', () => {
    assert.equal(gfpMaySleep(id('GFP_KERNEL')), true);
    assert.equal(gfpMaySleep(or(id('GFP_NOFS'), id('__GFP_ZERO'))), true);
    assert.equal(gfpMaySleep(or(id('__GFP_NOWARN'), id('__GFP_DIRECT_RECLAIM'))), true);
  });

  it('never sleep for the atomic sets and their modifiers', () => {
    assert.equal(gfpMaySleep(id('GFP_ATOMIC')), false);
    assert.equal(gfpMaySleep(or(id('GFP_NOWAIT'), id('__GFP_NOWARN'))), false);
  });

  it('are not known when masked, computed or named by nothing here', () => {
    assert.equal(gfpMaySleep({ k: 'bin', op: '&', left: id('GFP_KERNEL'), right: { k: 'not', arg: id('__GFP_DIRECT_RECLAIM') } }), null);
    assert.equal(gfpMaySleep(id('gfp')), null);
    assert.equal(gfpMaySleep(or(id('GFP_NOWAIT'), id('MY_DRIVER_GFP'))), null);
    assert.equal(gfpMaySleep({ k: 'num', value: 0 }), null);
  });
});
