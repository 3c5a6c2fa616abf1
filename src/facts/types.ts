// Per-file facts: what the parser understood of a file, as plain JSON-serialisable data.
// Statements and expressions are a small IR, enough to follow lock pointers and control flow.

import type { FunctionIndex } from './outline.js';

export interface Pos { line: number; col: number }

/** A type as far as this analysis cares: the struct/union/typedef name and pointer depth. */
export interface TypeRef { name: string; pointer: number }

export type Expr =
  | { k: 'id'; name: string }
  | { k: 'num'; value: number }
  | { k: 'str' }
  | { k: 'field'; base: Expr; field: string; arrow: boolean }
  | { k: 'addr'; arg: Expr }
  | { k: 'deref'; arg: Expr }
  | { k: 'index'; base: Expr; index: Expr }
  | { k: 'call'; callee: Expr; args: Expr[]; pos: Pos; text: string }
  /**
   * `=` and compound ops as written (`|=`); `++`/`--` as `pre++`, `post--` (right: the number 1):
   * a counter's update is an assignment (`i++` is no local assigned once; `x->f--` writes `f`).
   */
  | { k: 'assign'; op: string; left: Expr; right: Expr }
  | { k: 'not'; arg: Expr }
  /** `-x`, `~x`, `+x`: arithmetic on one operand (`flags &= ~F` clears `F`). */
  | { k: 'unary'; op: '-' | '~' | '+'; arg: Expr }
  | { k: 'logic'; op: '&&' | '||'; left: Expr; right: Expr }
  | { k: 'bin'; op: string; left: Expr; right: Expr }
  | { k: 'cond'; test: Expr; then: Expr; else: Expr }
  | { k: 'cast'; type: TypeRef; arg: Expr }
  /** A sequence; an initialiser list's `fields` name the field each item sets (`''`: positional). */
  | { k: 'seq'; items: Expr[]; fields?: string[] }
  | { k: 'stmt'; body: Stmt[] }
  | { k: 'type'; type: TypeRef }
  | { k: 'other' };

export type Stmt =
  | { k: 'expr'; e: Expr; pos: Pos }
  /** `isStatic`: a `static` local, one object for every call (and a lock class of its own). */
  | { k: 'decl'; name: string; type: TypeRef; init: Expr | null; pos: Pos; isStatic?: true }
  | { k: 'block'; body: Stmt[] }
  | { k: 'if'; cond: Expr; then: Stmt[]; else: Stmt[]; pos: Pos }
  /** A preprocessor conditional inside a body: `cond` is the condition text of the `then` arm. */
  | { k: 'pp'; cond: string; then: Stmt[]; else: Stmt[] }
  /**
   * `init` runs once; `test`, `body`, `update` run zero or more times, the body at least once
   * in a `do … while` (`doWhile`, tested after the body). `macro`: a `for_each_*` loop.
   */
  | { k: 'loop'; init: Expr | null; test: Expr | null; update: Expr | null; body: Stmt[]; macro: string | null; pos: Pos; doWhile?: true }
  | { k: 'switch'; value: Expr; cases: SwitchCase[]; pos: Pos }
  | { k: 'return'; value: Expr | null; pos: Pos }
  | { k: 'goto'; label: string; pos: Pos }
  | { k: 'label'; name: string }
  | { k: 'break' }
  | { k: 'continue' };

/** A `case` and the statements under it up to the next one; `label` null for `default:`. */
export interface SwitchCase { label: Expr | null; body: Stmt[] }

export interface Param { name: string; type: TypeRef }

export interface FunctionFacts {
  name: string;
  file: string;
  line: number;
  isStatic: boolean;
  /** `#if` conditions enclosing the definition, outermost first (`!X` for an `#else` arm). */
  conditions: string[];
  params: Param[];
  returnType: TypeRef;
  body: Stmt[];
  /** Function-like macro rather than a C function. */
  isMacro: boolean;
  /** ERROR or MISSING nodes inside the definition. */
  errors: number;
  /** What whole-program passes read of the body, when computed where the body was parsed. */
  index?: FunctionIndex;
  /**
   * A function of a `.c` file whose name its file mentions other than in a call (an ops
   * initialiser, a callback argument, `EXPORT_SYMBOL`): code the analysis does not see may call it.
   */
  addressTaken?: true;
}

export interface StructFacts { name: string; fields: Record<string, TypeRef> }

/**
 * `.field = function` in an initialiser, or `x->field = function` in code. `struct` is the type
 * (as written) of the object initialised, and `via` the fields from it down to the struct that has
 * `field` (`.inner = { .field = f }`); no `struct` when the initialiser does not say.
 */
export interface FieldFunctionBinding { field: string; fn: string; file: string; line: number; struct?: string; via?: string[] }

/**
 * A global's type and, where its definition has a designated initialiser (`struct ftrace_ops
 * direct_ops = { .flags = A | B, .func = f }`), the fields that initialiser gives: a field it leaves
 * out is zero (static storage).
 */
export interface GlobalFacts extends TypeRef {
  /** Fields set to a constant expression (numbers, constants' names, `|`, `BIT()`). */
  constants?: Record<string, Expr>;
  /** Fields set to anything else (a function, an address, a nested list), space-separated. */
  others?: string;
}

export interface ObjectMacro { name: string; value: string; conditions: string[] }

/** What a guard's lock or unlock call is passed. */
export type GuardArg =
  /** The guard's n-th argument (`_T`, `_T->lock`, `_T->lock2`), dereferenced for `*_T->lock`. */
  | { arg: number; deref?: true }
  /** A name as written (`SINGLE_DEPTH_NESTING`). */
  | { name: string }
  /** Private guard state (`&_T->rf`, `_T->flags`): nothing the analysis follows. */
  | { slot: string };

export interface GuardCall { fn: string; args: GuardArg[] }

/** A scope-based lock class the code defines (`DEFINE_LOCK_GUARD_1(rq_lock, …)`), and the `#if` conditions around it. */
export interface GuardDefinition { name: string; lock: GuardCall; unlock: GuardCall; line: number; conditions: string[] }

export interface FileFacts {
  path: string;
  functions: FunctionFacts[];
  structs: StructFacts[];
  typedefs: Record<string, TypeRef>;
  globals: Record<string, GlobalFacts>;
  /** Globals declared `static`: the file's own, whatever other files call the same name. */
  staticGlobals: string[];
  bindings: FieldFunctionBinding[];
  /** Work items defined bound to a function (`DECLARE_WORK(frob_work, frob_fn)`): [the global, the function]. */
  declaredRuns?: [string, string][];
  /** Object-like macros, their (short) values and the `#if` conditions around each definition. */
  objectMacros: ObjectMacro[];
  guards: GuardDefinition[];
  errorNodes: number;
  rewrites: number;
}
