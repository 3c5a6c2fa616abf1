// Which work item an expression names (`&dev->reset_work` → `frob_dev.reset_work`), and which
// items each function runs as (its `INIT_WORK()` bindings). An item is named like a lock class:
// the field of a struct type, a static instance's field, or a global.
import type { Expr } from '../facts/types.js';
import type { FnId, Program } from './program.js';
import { type Registration, registeredFunctions } from './contexts.js';
import type { LockIdentity } from './lock-identity.js';
import { workResource } from '../resources/work.js';

/** A delayed item's `work` member is the item: `&d->dwork.work` is `d->dwork`'s. */
const DELAYED_WORK = 'delayed_work';

/** The work item `&e`'s object is, or null when the code does not say which. */
export function workItemAt(identity: LockIdentity, fn: FnId, e: Expr): string | null {
  if (e.k === 'cast') return workItemAt(identity, fn, e.arg);
  return e.k === 'addr' ? itemOf(identity, fn, e.arg) : null;
}

function itemOf(identity: LockIdentity, fn: FnId, target: Expr): string | null {
  if (target.k === 'id') return identity.globalName(fn, target.name);
  if (target.k !== 'field') return null;
  if (target.field === 'work' && identity.lockTypeOf(fn, target.base) === DELAYED_WORK) return itemOf(identity, fn, target.base);
  const struct = identity.structOf(fn, target.base);
  if (!struct) return null;
  const instance = !target.arrow && target.base.k === 'id' ? identity.globalName(fn, target.base.name) : null;
  return instance ? `${instance}.${target.field}` : `${struct}.${target.field}`;
}

/** Per function, the work resources a worker holds while it runs (sorted, distinct). */
export function workFunctions(program: Program, identity: LockIdentity, registrations: readonly Registration[]): Map<FnId, string[]> {
  const out = new Map<FnId, Set<string>>();
  for (const r of registrations) {
    const item = r.item ? workItemAt(identity, r.by, r.item) : null;
    if (item === null) continue;
    for (const id of registeredFunctions(program, r)) {
      const items = out.get(id) ?? new Set<string>();
      items.add(workResource(item));
      out.set(id, items);
    }
  }
  return new Map([...out].map(([id, items]) => [id, [...items].sort()]));
}
