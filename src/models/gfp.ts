// GFP flags as data: whether an allocation may sleep. It may when its flags allow direct
// reclaim (`__GFP_DIRECT_RECLAIM`, part of GFP_KERNEL, GFP_NOFS, GFP_NOIO, GFP_USER); GFP_ATOMIC
// and GFP_NOWAIT never do. Flags are read by name at the call site, as code writes them
// (`GFP_KERNEL | __GFP_ZERO`); a mask taken away (`& ~__GFP_DIRECT_RECLAIM`) or a value from
// elsewhere (`mapping_gfp_mask(m)`) is not known.
import type { Expr } from '../facts/types.js';

/** Names whose value includes `__GFP_DIRECT_RECLAIM`. */
const SLEEPING = new Set([
  'GFP_KERNEL', 'GFP_KERNEL_ACCOUNT', 'GFP_NOFS', 'GFP_NOIO', 'GFP_USER', 'GFP_HIGHUSER', 'GFP_HIGHUSER_MOVABLE',
  'GFP_TRANSHUGE', '__GFP_DIRECT_RECLAIM', '__GFP_RECLAIM',
]);

/** Names that add no direct reclaim: the atomic sets and the modifiers combined with them. */
const NOT_SLEEPING = new Set([
  'GFP_ATOMIC', 'GFP_NOWAIT', 'GFP_DMA', 'GFP_DMA32', 'GFP_TRANSHUGE_LIGHT', '__GFP_HIGH', '__GFP_ATOMIC', '__GFP_NOWARN',
  '__GFP_ZERO', '__GFP_COMP', '__GFP_NORETRY', '__GFP_RETRY_MAYFAIL', '__GFP_NOFAIL', '__GFP_NOMEMALLOC', '__GFP_MEMALLOC',
  '__GFP_DMA', '__GFP_DMA32', '__GFP_HIGHMEM', '__GFP_MOVABLE', '__GFP_ACCOUNT', '__GFP_THISNODE', '__GFP_HARDWALL',
  '__GFP_KSWAPD_RECLAIM', '__GFP_RECLAIMABLE', '__GFP_WRITE', '__GFP_NOLOCKDEP', '__GFP_SKIP_ZERO', '__GFP_IO', '__GFP_FS',
]);

/**
 * The flag a guard tests for "these GFP flags may sleep" (`{ test: 'flag' }`): an allocation
 * with a parameter's flags, `gfpflags_allow_blocking(gfp)`, `gfp & __GFP_DIRECT_RECLAIM`. Call
 * sites decide it with `gfpMaySleep` (GFP_KERNEL names no such flag but has it).
 */
export const GFP_MAY_SLEEP = '__GFP_DIRECT_RECLAIM';

/**
 * Single-bit flags: two different ones share no bit, whatever their values in the tree
 * (`__GFP_RECLAIM` is two bits, so it is not here).
 */
const SINGLE_BITS = new Set([
  '__GFP_DMA', '__GFP_HIGHMEM', '__GFP_DMA32', '__GFP_MOVABLE', '__GFP_RECLAIMABLE', '__GFP_HIGH', '__GFP_IO', '__GFP_FS',
  '__GFP_ZERO', '__GFP_ATOMIC', '__GFP_DIRECT_RECLAIM', '__GFP_KSWAPD_RECLAIM', '__GFP_WRITE', '__GFP_NOWARN',
  '__GFP_RETRY_MAYFAIL', '__GFP_NOFAIL', '__GFP_NORETRY', '__GFP_MEMALLOC', '__GFP_COMP', '__GFP_NOMEMALLOC',
  '__GFP_HARDWALL', '__GFP_THISNODE', '__GFP_ACCOUNT', '__GFP_NOLOCKDEP',
]);

/** Whether two GFP flags are known to share no bit. */
export function gfpFlagsDisjoint(a: string, b: string): boolean {
  return a !== b && SINGLE_BITS.has(a) && SINGLE_BITS.has(b);
}

/**
 * Functions that return their GFP argument with only some flags changed: the task's scope
 * (`memalloc_noio_save()`, `memalloc_nofs_save()`, pinning) takes I/O, FS and movable away,
 * never direct reclaim, so `gfp = current_gfp_context(gfp)` may still sleep as the caller's.
 */
const FLAGS_CHANGED_BY: Record<string, { arg: number; changes: readonly string[] }> = {
  current_gfp_context: { arg: 0, changes: ['__GFP_IO', '__GFP_FS', '__GFP_MOVABLE'] },
};

/** The flags `e` may change of its argument named `name`, when `e` is such a call of it; else null. */
export function gfpFlagsChanged(e: Expr, name: string): readonly string[] | null {
  if (e.k !== 'call' || e.callee.k !== 'id') return null;
  const model = Object.hasOwn(FLAGS_CHANGED_BY, e.callee.name) ? FLAGS_CHANGED_BY[e.callee.name] : undefined;
  const arg = model ? e.args[model.arg] : undefined;
  return model && arg?.k === 'id' && arg.name === name ? model.changes : null;
}

/** Flag tests that are GFP_MAY_SLEEP's. */
export function isGfpSleepFlag(flag: string): boolean {
  return flag === GFP_MAY_SLEEP || flag === '__GFP_RECLAIM';
}

/** Whether flags written as `e` allow direct reclaim: true, false, or null when not known. */
export function gfpMaySleep(e: Expr): boolean | null {
  const names: string[] = [];
  if (!collectNames(e, names) || names.length === 0) return null;
  if (names.some((n) => SLEEPING.has(n))) return true;
  return names.every((n) => NOT_SLEEPING.has(n)) ? false : null;
}

/** The names or-ed together in `e`; false if `e` is anything else (a mask, a call, a field). */
function collectNames(e: Expr, out: string[]): boolean {
  switch (e.k) {
    case 'id': out.push(e.name); return true;
    case 'cast': return collectNames(e.arg, out);
    case 'bin': return e.op === '|' && collectNames(e.left, out) && collectNames(e.right, out);
    default: return false;
  }
}
