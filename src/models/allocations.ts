// Allocators whose memory comes zeroed, as data: a field of a fresh object from one of them is 0
// until the code sets it (`btrfs_alloc_path()` → `kmem_cache_zalloc()`: `path->need_commit_sem`
// is 0 in every caller that never sets it).
import type { Expr } from '../facts/types.js';

/** `always`: zeroed whatever the flags; a number: zeroed when that argument's GFP flags name `__GFP_ZERO`. */
type Zeroing = 'always' | number;

const ZEROING = new Map<string, Zeroing>([
  ['kzalloc', 'always'], ['kzalloc_node', 'always'], ['kcalloc', 'always'], ['kcalloc_node', 'always'],
  ['kvzalloc', 'always'], ['kvzalloc_node', 'always'], ['kvcalloc', 'always'], ['kmem_cache_zalloc', 'always'],
  ['devm_kzalloc', 'always'], ['devm_kcalloc', 'always'], ['vzalloc', 'always'], ['vzalloc_node', 'always'],
  ['kmalloc', 1], ['kmalloc_node', 1], ['kmalloc_array', 2], ['kvmalloc', 1], ['kvmalloc_node', 1],
  ['kmem_cache_alloc', 1], ['kmem_cache_alloc_node', 1], ['devm_kmalloc', 2],
]);

/** Whether `name` is a known allocator: what it returns is a new object. */
export function isAllocator(name: string): boolean {
  return ZEROING.has(name);
}

/** Whether a call to `name` with `args` returns zeroed memory (null when it is no known allocator). */
export function allocatesZeroed(name: string, args: readonly Expr[]): boolean | null {
  const zeroing = ZEROING.get(name);
  if (zeroing === undefined) return null;
  if (zeroing === 'always') return true;
  const flags = args[zeroing];
  return flags !== undefined && namesFlag(flags, '__GFP_ZERO');
}

/** Whether flags written as `e` (`GFP_NOFS | __GFP_ZERO`) include the flag `flag` by name. */
function namesFlag(e: Expr, flag: string): boolean {
  if (e.k === 'id') return e.name === flag;
  return e.k === 'bin' && e.op === '|' && (namesFlag(e.left, flag) || namesFlag(e.right, flag));
}
