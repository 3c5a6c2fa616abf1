// Instances the code gives a lockdep class of their own. ext4 makes a new EA inode's `i_rwsem`
// subclass 1 (`lockdep_set_subclass(&ea_inode->i_rwsem, 1)`, in a helper it calls on the inode),
// ocfs2 keys a system inode's by its type (`lockdep_set_class(&inode->i_rwsem, &key[type])`).
// Locks taken through that name in the function that does it are of that class, not of the
// field's: the inode its caller holds is another one.
import { functionIndex } from '../facts/outline.js';
import type { Expr, FunctionFacts, Stmt } from '../facts/types.js';
import { initialisingCallbackArg, instanceReclassing } from '../models/kernel-api.js';
import { lastName } from '../program/lock-identity.js';
import { isNoObject } from './zeroed-objects.js';
import { type FnId, type Program, calleeName, forEachDecl, forEachExpr, forEachReturn, resolveCallee, unwrapCasts } from '../program/program.js';

type Call = Extract<Expr, { k: 'call' }>;

/** A lock of one object re-keyed: the name it is reached by, its field, and the class's suffix. */
interface Rekeyed { name: string; field: string; suffix: string }

/** Names a subclass argument (`1`, `I_DATA_SEM_EA`), or null for subclass 0 (the class itself). */
export type SubclassLabel = (arg: Expr) => string | null;

/** Where a body re-keys: by object name, the suffix of each re-keyed field's class. */
export type InstanceClasses = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** A re-keyed lock of an object a function returns: its field, and its class's suffix. */
export interface InstanceField { field: string; suffix: string }

const NONE: InstanceClasses = new Map();

/** `x` and `f` of `&x->f`. */
export function objectField(e: Expr | undefined): { name: string; field: string } | null {
  const field = e?.k === 'addr' ? e.arg : null;
  return field?.k === 'field' && field.arrow && field.base.k === 'id' ? { name: field.base.name, field: field.field } : null;
}

/** What a lockdep call re-keys, or null. */
function directly(c: Call, label: SubclassLabel): Rekeyed | null {
  const entry = instanceReclassing(calleeName(c) ?? '');
  const target = entry ? objectField(c.args[entry.lockArg]) : null;
  if (!entry || !target) return null;
  const keyArg = entry.keyArg === undefined ? undefined : c.args[entry.keyArg];
  const key = keyArg ? lastName(keyArg) : null;
  const sub = entry.subclassArg === undefined ? null : label(c.args[entry.subclassArg] as Expr);
  const parts = [key === null ? null : `key:${key}`, sub].filter((x): x is string => x !== null);
  return parts.length ? { ...target, suffix: parts.join(',') } : null;
}

const ownByBody = new WeakMap<Stmt[], Rekeyed[]>();

/** What a body re-keys through lockdep's own calls. */
function ownRekeys(body: Stmt[], label: SubclassLabel): Rekeyed[] {
  const known = ownByBody.get(body);
  if (known) return known;
  const out: Rekeyed[] = [];
  forEachExpr(body, (e) => {
    const r = e.k === 'call' ? directly(e, label) : null;
    if (r) out.push(r);
  });
  ownByBody.set(body, out);
  return out;
}

/** A helper whose own code re-keys its parameters' locks (`ext4_xattr_inode_set_class(inode)`). */
export interface Helper { body: Stmt[]; params: string[]; label: SubclassLabel }

/** How a body's calls re-key: a helper's own code, or the object a callee returns re-keyed. */
export interface CalleeRekeys {
  /** The one function a name reaches from here, when its own code re-keys its parameters' locks. */
  helperNamed(name: string): Helper | null;
  /** What the callee re-keyed of the object it returns (`ext4_xattr_inode_create()`'s new inode). */
  returned(c: Call): readonly InstanceField[];
  /** What the callee re-keyed of the object it stores through a pointer argument (`&tl_inode`). */
  handedOut?(c: Call, argIndex: number): readonly InstanceField[];
}

/**
 * The objects `body` re-keys, by the name it reaches them by: with lockdep's calls, by passing
 * them to a helper that does, or by taking them from a callee that returns them re-keyed (or
 * stores them so through a pointer argument). Only those of `names` when given: stored-instances.ts
 * asks only about the values a function hands out.
 */
export function instanceClasses(body: Stmt[], label: SubclassLabel, callees: CalleeRekeys, names?: ReadonlySet<string>): InstanceClasses {
  const found = [...ownRekeys(body, label)];
  const fromCall = (name: string, value: Expr): void => {
    const call = value.k === 'cast' ? value.arg : value;
    if (call.k !== 'call' || (names && !names.has(name))) return;
    for (const r of callees.returned(call)) found.push({ ...r, name });
    found.push(...initialisedBy(call, callees).map((r) => ({ ...r, name })));
  };
  forEachDecl(body, (d) => { if (d.init) fromCall(d.name, d.init); });
  forEachExpr(body, (e) => {
    if (e.k === 'assign' && e.op === '=' && e.left.k === 'id') fromCall(e.left.name, e.right);
    if (e.k !== 'call' || instanceReclassing(calleeName(e) ?? '')) return;
    e.args.forEach((a, i) => {
      const local = a.k === 'addr' && a.arg.k === 'id' ? a.arg.name : null;
      if (!callees.handedOut || local === null || (names && !names.has(local))) return;
      for (const r of callees.handedOut(e, i)) found.push({ ...r, name: local });
    });
    const helper = mayRekey(e, names) ? callees.helperNamed(calleeName(e) ?? '') : null;
    if (!helper) return;
    for (const r of ownRekeys(helper.body, helper.label)) {
      const arg = e.args[helper.params.indexOf(r.name)];
      if (arg?.k === 'id') found.push({ ...r, name: arg.name });
    }
  });
  return found.length ? group(found) : NONE;
}

/** What the callback an initialising call runs on its new object re-keys of it (`iget5_locked()`'s `set`). */
function initialisedBy(c: Call, callees: CalleeRekeys): Rekeyed[] {
  const arg = initialisingCallbackArg(calleeName(c) ?? '');
  const callback = arg === null ? undefined : c.args[arg];
  const helper = callback?.k === 'id' ? callees.helperNamed(callback.name) : null;
  const object = helper?.params[0];
  return helper && object !== undefined ? ownRekeys(helper.body, helper.label).filter((r) => r.name === object) : [];
}

/**
 * What a function re-keyed of the object it returns: every return gives one re-keyed local (or
 * `ERR_PTR()`/NULL, after which the caller has no object).
 */
export function returnedInstance(body: Stmt[], instances: InstanceClasses): InstanceField[] {
  return instanceOf(valuesOut(body, null), instances);
}

/** What one re-keyed local all of `values` are (NULL and `ERR_PTR()` aside) is re-keyed as, or nothing. */
export function instanceOf(values: readonly Expr[], instances: InstanceClasses): InstanceField[] {
  if (instances.size === 0) return [];
  let fields: ReadonlyMap<string, string> | null | undefined;
  for (const value of values) {
    const v = unwrapCasts(value);
    if (isNoObject(v)) continue;
    const own = v.k === 'id' ? instances.get(v.name) : undefined;
    fields = own && (fields === undefined || fields === own) ? own : null;
    if (fields === null) break;
  }
  return fields ? [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([field, suffix]) => ({ field, suffix })) : [];
}

/**
 * The values a body hands its caller: what it returns (`param` null), or what it stores through
 * its pointer parameter `param` (`*tl_inode = inode`).
 */
export function valuesOut(body: Stmt[], param: string | null): Expr[] {
  const out: Expr[] = [];
  if (param === null) forEachReturn(body, (r) => { if (r.value) out.push(r.value); });
  else {
    forEachExpr(body, (e) => {
      if (e.k === 'assign' && e.op === '=' && e.left.k === 'deref' && e.left.arg.k === 'id' && e.left.arg.name === param) out.push(e.right);
    });
  }
  return out;
}

/** The local names among `values` (`return inode;`). */
export function namesAmong(values: readonly Expr[]): Set<string> {
  const out = new Set<string>();
  for (const value of values) {
    const v = unwrapCasts(value);
    if (v.k === 'id') out.add(v.name);
  }
  return out;
}

/** Only calls with a plain name as an argument (one of `names`, when given) can re-key it for us. */
const mayRekey = (c: Call, names: ReadonlySet<string> | undefined): boolean => c.args.some((a) => a.k === 'id' && (!names || names.has(a.name)));

/** The one function `name` reaches from `from`, when its own code re-keys locks: its body and parameters. */
export function rekeyingHelper(program: Program, from: FunctionFacts, name: string, label: SubclassLabel): { helper: Helper; def: FnId } | null {
  const defs = name ? resolveCallee(program, from, name) : [];
  const def = defs.length === 1 ? defs[0] as FnId : undefined;
  const helper = def === undefined ? undefined : program.functions[def];
  if (def === undefined || !helper || !functionIndex(helper)?.reclasses) return null;
  return { helper: { body: helper.body, params: helper.params.map((x) => x.name), label }, def };
}

function group(found: Rekeyed[]): InstanceClasses {
  const out = new Map<string, Map<string, string>>();
  for (const r of found) {
    const fields = out.get(r.name) ?? new Map<string, string>();
    // Two keys for one field on different paths: neither is the field's class, either may be.
    fields.set(r.field, fields.has(r.field) && fields.get(r.field) !== r.suffix ? '?' : r.suffix);
    out.set(r.name, fields);
  }
  return out;
}
