// Functions with a known execution context: those some code registers to run in one context
// (models/contexts.ts) and that no function of the program calls, directly or through an ops
// field (a function also called directly may run in its caller's context too, so it gets none),
// and those the models declare.
import { DECLARED_CONTEXTS, type ExecContext } from '../models/contexts.js';
import { functionIndex } from '../facts/outline.js';
import { type FnId, type Program, resolveCallee } from './program.js';

export function entryContexts(program: Program, callGraph: readonly FnId[][]): Map<FnId, ExecContext> {
  const registered = new Map<FnId, Set<ExecContext>>();
  program.functions.forEach((fn) => {
    for (const [name, context] of functionIndex(fn).registers ?? []) {
      for (const id of resolveCallee(program, fn, name)) {
        const set = registered.get(id) ?? new Set<ExecContext>();
        set.add(context);
        registered.set(id, set);
      }
    }
  });
  const called = new Set<FnId>();
  for (const callees of callGraph) for (const c of callees) if (registered.has(c)) called.add(c);
  const out = new Map<FnId, ExecContext>();
  for (const [id, contexts] of [...registered].sort(([a], [b]) => a - b)) {
    const [only] = contexts;
    if (contexts.size === 1 && only && !called.has(id)) out.set(id, only);
  }
  program.functions.forEach((fn, id) => {
    const declared = DECLARED_CONTEXTS.find((d) => d.fn === fn.name && d.file === fn.file);
    if (declared) out.set(id, declared.context);
  });
  return out;
}
