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
