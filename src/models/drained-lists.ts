// Lists a lock's holder drains before it releases the lock. `rtnl_unlock()` runs
// `netdev_run_todo()`, which takes the unregistered devices off `net_todo_list` while it still
// holds rtnl, drops rtnl, and only for each device taken off waits for its references, taking
// rtnl again. So the list is empty wherever rtnl is taken (`__rtnl_unlock()` WARNs otherwise),
// and the wait runs only after a section that queued a device (`unregister_netdevice()`).
// cfg80211 relies on it: `rtnl_lock(); wiphy_lock(); …; rtnl_unlock();` retakes nothing.
// The emptiness of such a list is a guard on a pseudo-parameter (guard.ts), as
// `current->journal_info` is (task-journal.ts): decided where a caller took the lock since.
import type { Expr } from '../facts/types.js';
import type { ParamTest } from '../summaries/guard.js';

/** The pseudo-parameter a test of a drained list is a guard on (`field`: the list); parameters count from 0. */
export const DRAINED_LIST_PARAM = -4;

/** A global list that whoever releases `lock` has emptied first: empty where `lock` is taken. */
interface DrainedList { list: string; lock: string }

const DRAINED_LISTS: readonly DrainedList[] = [
  { list: 'net_todo_list', lock: 'rtnl_mutex' },
];

/** A drained list on a path: as at `entry`, known `empty`, or `unknown` (an entry may have been queued). */
export type ListState = 'entry' | 'empty' | 'unknown';

/**
 * What a path knows of the drained lists: their states when not as at entry, and locals that
 * took a list's entries over (`list_replace_init(&net_todo_list, &list)`), with the state the
 * list had then.
 */
export interface ListFacts {
  lists: Readonly<Record<string, ListState>>;
  copies: Readonly<Record<string, { list: string; state: ListState }>>;
}

export const NO_LIST_FACTS: ListFacts = { lists: {}, copies: {} };

/**
 * The list calls that move entries: the argument that receives them, and the one they come from
 * when the call moves a whole list (`from`; `init`: the source is left empty).
 */
const LIST_MOVES: Readonly<Record<string, { to: number; from?: number; init?: true }>> = {
  list_add: { to: 1 }, list_add_tail: { to: 1 }, list_add_rcu: { to: 1 }, list_add_tail_rcu: { to: 1 },
  list_move: { to: 1 }, list_move_tail: { to: 1 },
  list_splice: { from: 0, to: 1 }, list_splice_tail: { from: 0, to: 1 },
  list_splice_init: { from: 0, to: 1, init: true }, list_splice_tail_init: { from: 0, to: 1, init: true },
  list_replace_init: { from: 0, to: 1, init: true },
};

/** The tests of a list's emptiness. */
const EMPTINESS_TESTS: ReadonlySet<string> = new Set(['list_empty', 'list_empty_careful']);

const drainedNames: ReadonlySet<string> = new Set(DRAINED_LISTS.map((d) => d.list));

/** `x` of `&x`. */
function listName(e: Expr | undefined): string | null {
  return e?.k === 'addr' && e.arg.k === 'id' ? e.arg.name : null;
}

/** The drained lists a lock class empties when it is taken. */
export function listsEmptiedBy(lock: string): string[] {
  return DRAINED_LISTS.filter((d) => d.lock === lock).map((d) => d.list);
}

export function withList(f: ListFacts, list: string, state: ListState): ListFacts {
  if ((f.lists[list] ?? 'entry') === state) return f;
  return { ...f, lists: { ...f.lists, [list]: state } };
}

/** The facts after the list call `name(args)`, or null when it moves no drained list's entries. */
export function afterListCall(name: string, args: readonly Expr[], f: ListFacts): ListFacts | null {
  const move = LIST_MOVES[name];
  if (!move) return null;
  const to = listName(args[move.to]);
  const from = move.from === undefined ? null : listName(args[move.from]);
  if (to !== null && drainedNames.has(to)) return withList(f, to, 'unknown');
  if (from === null || !drainedNames.has(from)) return null;
  const state = f.lists[from] ?? 'entry';
  const copies = to === null ? f.copies : { ...f.copies, [to]: { list: from, state } };
  return { lists: move.init ? { ...f.lists, [from]: 'empty' } : f.lists, copies };
}

/**
 * A test of a drained list's emptiness (`list_empty(&net_todo_list)`, or of a local that took its
 * entries over): the list and its state then, or null when the call tests no such list.
 */
export function testedList(name: string, args: readonly Expr[], f: ListFacts): { list: string; state: ListState } | null {
  if (!EMPTINESS_TESTS.has(name)) return null;
  const tested = listName(args[0]);
  if (tested === null) return null;
  if (drainedNames.has(tested)) return { list: tested, state: f.lists[tested] ?? 'entry' };
  return f.copies[tested] ?? null;
}

/** The guard that a list was empty (`empty`) or not at entry. */
export function listGuard(list: string, empty: boolean): ParamTest[] {
  return [{ param: DRAINED_LIST_PARAM, field: list, test: empty ? 'in' : 'notIn', values: ['0'] }];
}

function joinState(a: ListState, b: ListState): ListState {
  return a === b ? a : 'unknown';
}

/** Where two paths meet: a list's state where they agree, else unknown. */
export function joinListFacts(a: ListFacts, b: ListFacts): ListFacts {
  if (a === b) return a;
  const lists: Record<string, ListState> = {};
  for (const list of new Set([...Object.keys(a.lists), ...Object.keys(b.lists)])) {
    const state = joinState(a.lists[list] ?? 'entry', b.lists[list] ?? 'entry');
    if (state !== 'entry') lists[list] = state;
  }
  const copies: Record<string, { list: string; state: ListState }> = {};
  for (const [local, x] of Object.entries(a.copies)) {
    const y = b.copies[local];
    if (y && y.list === x.list) copies[local] = { list: x.list, state: joinState(x.state, y.state) };
  }
  return { lists, copies };
}

/** The lists whose state at a function's exit is not as at its entry, sorted (`Summary.listsExit`). */
export function listsAtExit(f: ListFacts): [string, ListState][] {
  return Object.entries(f.lists).filter(([, state]) => state !== 'entry').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
