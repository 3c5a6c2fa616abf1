// The task's transaction handle, `current->journal_info` (btrfs, jbd2, gfs2, reiserfs): a
// filesystem nests a transaction its task already has instead of starting one. btrfs's
// `start_transaction()` takes the transaction's locks only for the outermost handle, and
// `find_free_extent()` joins a transaction only when the task has none
// (`trans = current->journal_info; if (!trans) trans = btrfs_join_transaction(root);`). The
// handle is the task's, so a test of it in a callee is the caller's to decide, like a
// parameter's: it is a guard on a pseudo-parameter, decided where the caller knows the state
// (after its `btrfs_start_transaction()`), passed up where it is still the state at entry.
import type { Expr } from '../facts/types.js';

/** The pseudo-parameter a test of `current->journal_info` is a guard on (guard.ts); parameters count from 0. */
export const JOURNAL_PARAM = -2;

/**
 * `current->journal_info` at a point of a function: as at its `entry`, `set` to a handle,
 * `clear`ed, or `unknown` (paths disagree, or a callee leaves it either way).
 */
export type JournalState = 'entry' | 'set' | 'clear' | 'unknown';

/** `current->journal_info` itself. */
export function isJournalSlot(e: Expr): boolean {
  return e.k === 'field' && e.field === 'journal_info' && e.arrow && e.base.k === 'id' && e.base.name === 'current';
}

/** The state after two paths meet. */
export function joinJournal(a: JournalState, b: JournalState): JournalState {
  return a === b ? a : 'unknown';
}

/**
 * The state on a path inside a function: also `entryOrSet`, as at entry on some paths and a handle
 * on the others. btrfs's `btrfs_inc_block_group_ro()` joins a transaction and ends it only on the
 * branch that waits for a commit; a join after that is nested over the caller's state, or over
 * this function's own handle, and its end is the outermost only where the caller had none.
 */
export type PathJournal = JournalState | 'entryOrSet';

export function joinPathJournal(a: PathJournal, b: PathJournal): PathJournal {
  if (a === b) return a;
  const entryOrSet = (x: PathJournal): boolean => x === 'entry' || x === 'set' || x === 'entryOrSet';
  return entryOrSet(a) && entryOrSet(b) ? 'entryOrSet' : 'unknown';
}

/** A path's state as a summary says it: where a path may be either, callers cannot tell which. */
export const summaryJournal = (j: PathJournal): JournalState => (j === 'entryOrSet' ? 'unknown' : j);

/**
 * Whether a handle was taken inside another, as a test's subject: a pseudo-field of the handle
 * parameter (guard.ts). A nested start only counts a user more (`refcount_inc(&h->use_count)`),
 * and ending such a handle only counts one less: btrfs's `__btrfs_end_transaction()` returns
 * early `if (refcount_read(&trans->use_count) > 1)`, before the work (pending block groups, a
 * commit) that only the outermost handle's end does. Where the handle was taken decides the test:
 * inside a transaction the task already had, or not.
 */
export const NESTED_HANDLE = '#nested';

/** A handle's count of its users, as a filesystem keeps it (data): `more` users than this mean nesting. */
interface NestingCount { field: string; reader: string | null; more: number }

const NESTING_COUNTS: readonly NestingCount[] = [
  // btrfs_trans_handle
  { field: 'use_count', reader: 'refcount_read', more: 1 },
];

/** The handle (a name) whose nesting `e` tests (`refcount_read(&trans->use_count) > 1`), or null. */
export function nestedHandleTested(e: Expr): string | null {
  if (e.k !== 'bin' || e.op !== '>' || e.right.k !== 'num') return null;
  const bound = e.right.value;
  for (const row of NESTING_COUNTS) {
    const read = row.reader ? readThrough(e.left, row.reader) : e.left;
    if (bound === row.more && read?.k === 'field' && read.arrow && read.field === row.field && read.base.k === 'id') return read.base.name;
  }
  return null;
}

/** `x` of `reader(&x)`. */
function readThrough(e: Expr, reader: string): Expr | null {
  if (e.k !== 'call' || e.callee.k !== 'id' || e.callee.name !== reader) return null;
  const arg = e.args[0];
  return arg?.k === 'addr' ? arg.arg : null;
}
