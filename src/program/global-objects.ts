// Global objects defined with a designated initialiser: what a field of one may hold, for a
// callee's test of the object it is handed. ftrace's `direct_ops` is defined `{ .flags =
// FTRACE_OPS_FL_DIRECT | FTRACE_OPS_FL_SAVE_REGS | … }` and the program only ever adds ENABLED-like
// flags to an ftrace_ops through a pointer: `unregister_ftrace_function(&direct_ops)` never
// passes the `ops->flags & FTRACE_OPS_FL_IPMODIFY` test of its cleanup, which takes the
// `direct_mutex` its caller holds. What the initialiser leaves out is zero (static storage).
import type { Expr, FunctionFacts } from '../facts/types.js';
import type { LockIdentity } from './lock-identity.js';
import { type GlobalStores, placeFieldsOf } from './place-fields.js';
import { type Program, ZERO, structName, variablesOf } from './program.js';
import { lookupScoped } from './scope.js';

/** A field of a global object: what its initialiser gives it, and what the program may store into it later. */
export interface GlobalField { initial: Expr; stores: GlobalStores }

/**
 * The field `field` of the global object `pointer` points to (`&direct_ops`, as `fn` spells it),
 * where its definition's designated initialiser says what it starts as; null otherwise.
 */
export function globalFieldAt(program: Program, identity: LockIdentity, fn: FunctionFacts, pointer: Expr, field: string): GlobalField | null {
  if (pointer.k !== 'addr' || pointer.arg.k !== 'id' || variablesOf(fn).has(pointer.arg.name)) return null;
  const global = lookupScoped(program.globals, pointer.arg.name, fn.file);
  if (!global?.constants || global.pointer !== 0 || global.others?.split(' ').includes(field)) return null;
  const struct = structName(program, global, fn.file);
  const stores = struct ? placeFieldsOf(program, identity).storesIntoGlobal(struct, field) : null;
  return stores ? { initial: global.constants[field] ?? ZERO, stores } : null;
}
