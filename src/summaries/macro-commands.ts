// Macros that run an argument as a statement. `wait_event_lock_irq_cmd(wq, cond, lock, cmd)`
// drops `lock`, runs `cmd`, sleeps and takes `lock` again; jfs's `__SLEEP_COND(wq, cond,
// lock_cmd, unlock_cmd)` runs its two commands around the sleep. A call evaluates its arguments
// before the callee runs, which would run `flush_pending_writes(conf)` under `resync_lock`: a
// call passing something to such a parameter is expanded in place instead, as the preprocessor
// does, the argument written where the body names the parameter.
import type { Expr, FunctionFacts, Pos, Stmt } from '../facts/types.js';
import { type FnId, type Program, calleeName, forEachExpr, forEachStmt, resolveCallee, walkExpr } from '../program/program.js';

type Call = Extract<Expr, { k: 'call' }>;

/** The one macro a call reaches, if any: to ask whether it runs a parameter as a statement. */
export type MacroOf = (c: Call, from: FunctionFacts) => FunctionFacts | null;

/** The one function-like macro a call from `from` reaches, by the program's call resolution. */
export function macroCalled(program: Program, c: Call, from: FunctionFacts): FnId | null {
  const name = calleeName(c);
  const defs = name === null ? [] : resolveCallee(program, from, name);
  return defs.length === 1 && program.functions[defs[0] as FnId]?.isMacro ? (defs[0] as FnId) : null;
}

/** `MacroOf` by the program's call resolution. */
export function macroIn(program: Program): MacroOf {
  return (c, from) => {
    const id = macroCalled(program, c, from);
    return id === null ? null : program.functions[id] ?? null;
  };
}

const MAX_HANDOFFS = 4;
const NONE: ReadonlySet<number> = new Set();
const known = new WeakMap<FunctionFacts, ReadonlySet<number>>();

/**
 * Indices of a macro's parameters it runs as a statement (`cmd;`), or hands on bare to such a
 * parameter of another macro (`__wait_event_lock_irq(wq_head, condition, lock, cmd)`).
 */
export function commandParams(macro: FunctionFacts, macroOf: MacroOf, depth = 0): ReadonlySet<number> {
  if (!macro.isMacro || depth > MAX_HANDOFFS) return NONE;
  const cached = known.get(macro);
  if (cached) return cached;
  const out = new Set<number>();
  const index = new Map(macro.params.map((p, i) => [p.name, i] as [string, number]));
  forEachStmt(macro.body, (s) => {
    const at = s.k === 'expr' && s.e.k === 'id' ? index.get(s.e.name) : undefined;
    if (at !== undefined) out.add(at);
  });
  forEachExpr(macro.body, (e) => {
    if (e.k !== 'call' || !e.args.some((a) => a.k === 'id' && index.has(a.name))) return;
    const inner = macroOf(e, macro);
    if (!inner) return;
    const commands = commandParams(inner, macroOf, depth + 1);
    e.args.forEach((a, i) => {
      const at = a.k === 'id' ? index.get(a.name) : undefined;
      if (at !== undefined && commands.has(i)) out.add(at);
    });
  });
  const found = out.size ? out : NONE;
  known.set(macro, found);
  return found;
}

/** Whether an argument does something when run (a call or an assignment in it). */
export function hasEffects(e: Expr): boolean {
  let found = false;
  walkExpr(e, (x) => { if (x.k === 'call' || x.k === 'assign') found = true; });
  return found;
}

/**
 * The macro's body with each parameter replaced by its argument, as the caller runs it: at the
 * call's position (the arguments keep theirs), its labels its own, and a top-level `return v`
 * (the macro's value) a plain statement.
 */
export function expandMacro(macro: FunctionFacts, args: readonly Expr[], at: Pos): Stmt[] {
  const bound = new Map<string, Expr>();
  macro.params.forEach((p, i) => { const a = args[i]; if (a && p.name) bound.set(p.name, a); });
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const o = node as Record<string, unknown>;
    if (o.k === 'id' && typeof o.name === 'string' && bound.has(o.name)) return bound.get(o.name);
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(o)) copy[key] = key === 'pos' ? at : rewrite(value);
    // Each expansion's labels are its own (`goto __out` in two `wait_event_cmd()`s of a function).
    if (o.k === 'label' && typeof o.name === 'string') copy.name = `${o.name}@${at.line}:${at.col}`;
    if (o.k === 'goto' && typeof o.label === 'string') copy.label = `${o.label}@${at.line}:${at.col}`;
    return copy;
  };
  return (rewrite(macro.body) as Stmt[]).map((s) => (s.k === 'return' ? (s.value ? { k: 'expr', e: s.value, pos: at } : { k: 'block', body: [] }) : s));
}
