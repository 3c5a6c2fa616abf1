// Re-keyed objects kept in a field. ocfs2 keeps the truncate log's system inode in
// `osb->osb_tl_inode`, set from `ocfs2_get_system_file_inode()`, whose `i_rwsem` has the system
// file's lockdep key (given in `ocfs2_iget()`'s iget5_locked() callback). `inode_lock(osb->osb_tl_inode)`
// takes that class, not the one of the inode a VFS call holds.
//
// The answer is the program's: every write into a field of that name and struct (or of a struct
// the code does not say) is read. Each must store a re-keyed object (a local the storing function
// re-keys, or gets from a callee that returns it re-keyed or stores it through a pointer argument)
// or NULL, and all of them the same fields under the same keys. What a callee hands out is worked
// out here from bodies alone, following only the values it hands out, so the answer does not
// depend on which summaries exist yet (nor on `--jobs`).
import { forEachFieldWrite } from '../facts/outline.js';
import type { Expr, FunctionFacts } from '../facts/types.js';
import type { ConditionEvaluator } from '../program/conditions.js';
import { LockIdentity } from '../program/lock-identity.js';
import { type FieldIndex, fieldIndexOf } from '../program/field-index.js';
import { type FnId, type Program, calleeName, resolveCallee, unwrapCasts } from '../program/program.js';
import { type Summary, paramIndexOf } from './domain.js';
import { isNoObject } from './zeroed-objects.js';
import { type CalleeRekeys, type InstanceField, type SubclassLabel, instanceClasses, instanceOf, namesAmong, rekeyingHelper, valuesOut } from './rekeyed-instances.js';

type Call = Extract<Expr, { k: 'call' }>;

/** The re-keyed fields of the objects a field holds: field → class suffix. */
export type StoredFields = ReadonlyMap<string, string>;

/** Past this many functions writing a field of that name, the answer is not worked out. */
const MAX_STORERS = 2000;

/**
 * What a function returns re-keyed, and the bodies read to know it; `cyclic`: its value chain
 * returns into itself, so nothing is known.
 */
interface Returned { fields: readonly InstanceField[]; cyclic: boolean; read: readonly FnId[] }

const NO_STRUCTS: ReadonlySet<string> = new Set();
const NOTHING: Returned = { fields: [], cyclic: false, read: [] };

/** A field's answer, and the bodies read for it (they count as read by the function that asks: check-patch). */
interface Answer { fields: StoredFields | null; read: readonly FnId[] }

export class StoredInstances {
  private readonly rekeyableBySummary = new WeakMap<Summary, ReadonlySet<string>>();
  private readonly answers = new Map<string, Answer>();
  /** By `fn:argIndex` (or `fn:return`): what that function hands out re-keyed. */
  private readonly returns = new Map<string, Returned>();
  private readonly inProgress = new Set<string>();
  /** Types of other functions' bodies, asked of a lock identity of its own (as place-fields.ts does). */
  private readonly types: LockIdentity;

  constructor(private readonly program: Program, private readonly conditions: ConditionEvaluator, private readonly fields: FieldIndex) {
    this.types = new LockIdentity(program);
  }

  /**
   * The structs whose locks a summary's events take where the lock may be one the program
   * re-keys somewhere (its last name is the lock argument of a `lockdep_set_class()`-like call):
   * only arguments of those structs are asked about.
   */
  rekeyableStructs(summary: Summary): ReadonlySet<string> {
    let structs = this.rekeyableBySummary.get(summary);
    if (structs) return structs;
    const found = new Set<string>();
    for (const ev of summary.events) {
      const dot = ev.lock.lastIndexOf('.');
      if (dot > 0 && paramIndexOf(ev.lock) === null && this.isRekeyedName(ev.lock.slice(dot + 1))) found.add(ev.lock.slice(0, dot));
    }
    structs = found.size ? found : NO_STRUCTS;
    this.rekeyableBySummary.set(summary, structs);
    return structs;
  }

  /** Whether some `lockdep_set_class()`-like call re-keys a lock of that last name (`i_rwsem`). */
  isRekeyedName(field: string): boolean {
    return this.fields.isRekeyedName(field);
  }

  /**
   * The re-keyed fields of every object the program stores into `struct.field`, or null; `read`
   * hears of each body the answer reads.
   */
  fieldsOf(struct: string, field: string, read: (fn: FnId) => void): StoredFields | null {
    const key = `${struct}.${field}`;
    let answer = this.answers.get(key);
    if (!answer) this.answers.set(key, (answer = this.work(struct, field)));
    answer.read.forEach(read);
    return answer.fields;
  }

  private work(struct: string, field: string): Answer {
    const storers = this.fields.storers(field);
    const read = new Set<FnId>();
    if (storers.length > MAX_STORERS) return { fields: null, read: [] };
    let found: StoredFields | null | undefined;
    for (const fn of storers) {
      const facts = this.program.functions[fn] as FunctionFacts;
      forEachFieldWrite(facts.body, (w) => {
        if (found === null || w.field !== field) return;
        // A store through an object of unknown type may be into this struct's field.
        const target = this.types.structOf(fn, w.base);
        if (target !== null && target !== struct) return;
        read.add(fn);
        if (target === null) { found = null; return; }
        const fields = w.value === null ? null : this.storedValue(fn, facts, w.value, read);
        if (fields === 'none') return;
        found = fields && (found === undefined || sameFields(found, fields)) ? fields : null;
      });
      if (found === null) break;
    }
    return { fields: found ?? null, read: [...read].sort((a, b) => a - b) };
  }

  /** The re-keyed fields of a stored value; `none` for NULL. */
  private storedValue(fn: FnId, facts: FunctionFacts, value: Expr, read: Set<FnId>): StoredFields | 'none' | null {
    const v = unwrapCasts(value);
    if (isNoObject(v)) return 'none';
    const callees = this.calleesOf(fn, facts, read);
    if (v.k === 'call') return asMap(callees.returned(v));
    if (v.k !== 'id') return null;
    return instanceClasses(facts.body, this.label, callees, new Set([v.name])).get(v.name) ?? null;
  }

  /** How the bodies `fn`'s calls reach re-key what they hand out, each body read counted in `read`. */
  private calleesOf(fn: FnId, facts: FunctionFacts, read: Set<FnId>, onCycle?: () => void): CalleeRekeys {
    const take = (r: Returned): readonly InstanceField[] => {
      if (r.cyclic) onCycle?.();
      for (const f of r.read) read.add(f);
      return r.fields;
    };
    return {
      helperNamed: (name) => {
        const found = rekeyingHelper(this.program, facts, name, this.label);
        if (found) read.add(found.def);
        return found?.helper ?? null;
      },
      returned: (call) => take(this.handedOutBy(fn, facts, call, null)),
      handedOut: (call, i) => take(this.handedOutBy(fn, facts, call, i)),
    };
  }

  /** What the one function a call reaches returns (`argIndex` null) or stores through a pointer argument, re-keyed. */
  private handedOutBy(from: FnId, facts: FunctionFacts, c: Call, argIndex: number | null): Returned {
    const defs = resolveCallee(this.program, facts, calleeName(c) ?? '');
    if (defs.length !== 1) return NOTHING;
    const fn = defs[0] as FnId;
    const key = `${fn}:${argIndex ?? 'return'}`;
    const known = this.returns.get(key);
    if (known) return known;
    if (this.inProgress.has(key) || fn === from) return { ...NOTHING, cyclic: true };
    const callee = this.program.functions[fn] as FunctionFacts;
    const param = argIndex === null ? null : callee.params[argIndex]?.name;
    if (param === undefined) return NOTHING;
    const values = valuesOut(callee.body, param);
    const names = namesAmong(values);
    if (names.size === 0) return NOTHING;
    this.inProgress.add(key);
    let cyclic = false;
    const read = new Set<FnId>([fn]);
    const classes = instanceClasses(callee.body, this.label, this.calleesOf(fn, callee, read, () => { cyclic = true; }), names);
    this.inProgress.delete(key);
    const answer = { fields: cyclic ? [] : instanceOf(values, classes), cyclic, read: [...read].sort((a, b) => a - b) };
    // A value found while its chain was still open depends on where the question started: not kept.
    if (!cyclic) this.returns.set(key, answer);
    return answer;
  }

  /** A subclass argument's label, as the analysis gives it: its number where the config has one, else its name. */
  private readonly label: SubclassLabel = (arg) => {
    const value = arg.k === 'num' ? arg.value : arg.k === 'id' ? this.conditions.numeric(arg.name) : null;
    if (value === 0) return null;
    return value !== null ? String(value) : arg.k === 'id' ? arg.name : '?';
  };
}

const asMap = (fields: readonly InstanceField[]): StoredFields | null => (fields.length ? new Map(fields.map((f) => [f.field, f.suffix])) : null);

/** Whether two objects' re-keyed fields are the same. */
export function sameFields(a: StoredFields, b: StoredFields): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

const byIdentity = new WeakMap<LockIdentity, StoredInstances>();

/** The stored-instance answers of one program state (a new lock identity after check-patch starts afresh). */
export function storedInstancesOf(program: Program, identity: LockIdentity, conditions: ConditionEvaluator): StoredInstances {
  let stored = byIdentity.get(identity);
  if (!stored) byIdentity.set(identity, (stored = new StoredInstances(program, conditions, fieldIndexOf(program, identity))));
  return stored;
}
