// Static classes that stand for several lockdep classes. Lockdep keys a lock by where it is
// initialised (`spin_lock_init()` declares a key at each call site) or by what the code gives it
// (`lockdep_set_class(&x->lock, &key)`, `lockdep_set_novalidate_class()`). A struct field
// initialised at two places, or re-keyed anywhere, is one class here and several at run time:
// taking it twice is not known to be lockdep's recursive locking.
import { functionIndex } from '../facts/outline.js';
import type { Expr } from '../facts/types.js';
import { type LockIdentity, absKey } from './lock-identity.js';
import type { FnId, Program } from './program.js';
import { hasFileScope } from './scope.js';

/** The classes one function re-keys, and those it initialises (once per call). */
export interface Reclassing { by: FnId; rekeyed: string[]; initialised: string[] }

/** The re-keyings and initialisations in the bodies of `functions` (by their index: no other body is read). */
export function reclassingsIn(program: Program, identity: LockIdentity, functions: Iterable<FnId>): Reclassing[] {
  const out: Reclassing[] = [];
  for (const by of functions) {
    const fn = program.functions[by];
    const index = fn ? functionIndex(fn) : null;
    if (!index?.reclasses && !index?.lockInits) continue;
    const inits = (index.lockInits ?? []).flatMap((arg) => classesOf(identity, by, arg));
    // An initialiser in a header's inline function declares its key once per file that uses it.
    const perFile = !hasFileScope(fn?.file ?? '');
    const rekeyed = [...new Set([...(index.reclasses ?? []).flatMap((arg) => classesOf(identity, by, arg)), ...(perFile ? inits : [])])].sort();
    const initialised = perFile ? [] : inits.sort();
    if (rekeyed.length || initialised.length) out.push({ by, rekeyed, initialised });
  }
  return out;
}

/** The classes a lock argument points to; a parameter's lock is the callers' to name, and is left out. */
function classesOf(identity: LockIdentity, fn: FnId, arg: Expr): string[] {
  return identity.valueOf(fn, arg).flatMap((v) => {
    const key = v.k === 'unknown' ? null : absKey(v);
    return key === null || key.startsWith('#p') ? [] : [key];
  });
}

/** Classes that are several lockdep classes: re-keyed somewhere, or initialised at two places or more. */
export function multiKeyedClasses(reclassings: readonly Reclassing[]): Set<string> {
  const out = new Set<string>();
  const sites = new Map<string, number>();
  for (const r of reclassings) {
    for (const c of r.rekeyed) out.add(c);
    for (const c of r.initialised) sites.set(c, (sites.get(c) ?? 0) + 1);
  }
  for (const [c, n] of sites) if (n > 1) out.add(c);
  return out;
}
