// Static classes that stand for several lockdep classes. Lockdep keys a lock by where it is
// initialised (`spin_lock_init()` declares a key at each call site) or by what the code gives it
// (`lockdep_set_class(&x->lock, &key)`, `lockdep_set_novalidate_class()`). A struct field
// initialised at two places, or re-keyed anywhere, is one class here and several at run time:
// taking it twice is not known to be lockdep's recursive locking.
//
// Linking notes only where such calls are and the last name of their lock argument (`lock` in
// `&x->y.lock`), from the function index; the classes are worked out when a report asks about a
// class taken twice, for the few calls whose argument ends in that class's field.
import { functionIndex } from '../facts/outline.js';
import type { Expr } from '../facts/types.js';
import { UNCHECKED_ELSEWHERE } from '../models/kernel-api.js';
import { lockOfKey } from '../summaries/domain.js';
import { type LockIdentity, absKey, lastName } from './lock-identity.js';
import type { FnId, Program } from './program.js';
import { hasFileScope, plainName } from './scope.js';

/**
 * A function that re-keys or initialises locks: their arguments' last names, one per call
 * (`unchecked`: those it makes lockdep's unvalidated class, among `rekeys` too).
 */
export interface KeySite { by: FnId; rekeys: string[]; inits: string[]; unchecked: string[] }

/** The key sites among `functions` (by their index: no body is read). */
export function keySitesIn(program: Program, functions: Iterable<FnId>): KeySite[] {
  const out: KeySite[] = [];
  for (const by of functions) {
    const fn = program.functions[by];
    const index = fn ? functionIndex(fn) : null;
    if (!index?.reclasses && !index?.lockInits) continue;
    const names = (args: Expr[] | undefined): string[] => (args ?? []).flatMap((a) => lastName(a) ?? []);
    out.push({ by, rekeys: names(index.reclasses), inits: names(index.lockInits), unchecked: names(index.unchecked) });
  }
  return out;
}

/** The last name of a class key: `lock` for `udp_hslot.lock`, `inode_lock` for `f2fs_sb_info.inode_lock[]` or `[DIRTY_META]`. */
function lastNameOfClass(key: string): string {
  return (plainName(lockOfKey(key)).split('.').pop() ?? '').replace(/\[[^\]]*\]$/, '');
}

/**
 * Which of `classes` stand for several lockdep classes: re-keyed somewhere, initialised at two
 * call sites or more, or at one in a header's inline function (a key per file that uses it), or
 * a struct's lock keyed per place that embeds it, where the place is not known.
 */
export function multiKeyed(program: Program, identity: LockIdentity, sites: readonly KeySite[], classes: readonly string[]): Set<string> {
  const wanted = new Map<string, string[]>();
  for (const c of classes) {
    const name = lastNameOfClass(c);
    wanted.set(name, [...(wanted.get(name) ?? []), lockOfKey(c)]);
  }
  const rekeyed = new Set<string>([...wanted.values()].flat().filter((c) => identity.standsForPlaces(c)));
  const initSites = new Map<string, number>();
  for (const site of sites) {
    if (!site.rekeys.some((n) => wanted.has(n)) && !site.inits.some((n) => wanted.has(n))) continue;
    const index = functionIndex(program.functions[site.by] as NonNullable<Program['functions'][number]>);
    const classesOf = (args: Expr[] | undefined): string[] => (args ?? [])
      .filter((a) => wanted.has(lastName(a) ?? ''))
      .flatMap((a) => identity.valueOf(site.by, a).flatMap((v) => (v.k === 'unknown' ? [] : [absKey(v)])));
    for (const c of classesOf(index.reclasses)) rekeyed.add(c);
    const perFile = !hasFileScope(program.functions[site.by]?.file ?? '');
    for (const c of classesOf(index.lockInits)) {
      if (perFile) rekeyed.add(c);
      else initSites.set(c, (initSites.get(c) ?? 0) + 1);
    }
  }
  return new Set([...wanted.values()].flat().filter((c) => rekeyed.has(c) || (initSites.get(c) ?? 0) > 1));
}

/**
 * The classes lockdep never validates (`lockdep_set_novalidate_class()`: a `struct device`'s
 * mutex, bcache's btree node locks): lockdep records no order through them, and neither do we.
 */
export function uncheckedClasses(program: Program, identity: LockIdentity, sites: readonly KeySite[]): Set<string> {
  const out = new Set(UNCHECKED_ELSEWHERE);
  for (const site of sites) {
    if (site.unchecked.length === 0) continue;
    const index = functionIndex(program.functions[site.by] as NonNullable<Program['functions'][number]>);
    for (const arg of index.unchecked ?? []) {
      for (const v of identity.valueOf(site.by, arg)) if (v.k !== 'unknown') out.add(absKey(v));
    }
  }
  return out;
}
