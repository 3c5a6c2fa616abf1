// What a field may hold in every object at one place, where the object's initialiser sets it
// from its arguments. btrfs embeds an `extent_io_tree` in several structs and initialises each
// with `extent_io_tree_init(fs_info, &dev->alloc_state, IO_TREE_DEVICE_ALLOC_STATE, NULL)`, which
// stores its arguments into `tree->owner` and `tree->private_data`: every `btrfs_device.alloc_state`
// has a NULL `private_data`, so `if (tree->private_data)` in a callee handed `&device->alloc_state`
// is false there, while for `&inode->io_tree` (given the inode) it is not known.
//
// A place is a struct member that embeds an object (`btrfs_device.alloc_state`), named as lock
// identity names the object (program/lock-identity.ts: `objectsPointedBy()`). The answer is the
// program's: every store into a field of that name is read. Each must be an initialiser's
// (`p->f = q`, both its parameters), whose calls that may be handed an object at that place (at
// it, or at no known place) pass constants; or a constant stored through an object that may be
// at that place; or a store at another place. The answer is the constants found.
import { CONSTANT_NAME, forEachFieldWrite, functionIndex, isConstantExpr } from '../facts/outline.js';
import type { Expr } from '../facts/types.js';
import { fieldIndexOf } from './field-index.js';
import { LockIdentity } from './lock-identity.js';
import { type FnId, type Program, baseName, calleeName, forEachExpr, getOrInit, structName, variablesOf } from './program.js';
import { plainName } from './scope.js';

/** A member that embeds an object: `btrfs_device.alloc_state`. */
export interface Place { struct: string; member: string }

/** The constants a field may hold at a place (null: not known), and the bodies that answer reads. */
interface Answer { values: Expr[] | null; read: FnId[] }

/**
 * A write into a field: the struct of its object (null: not known), and an initialiser's `p->f = q`
 * (its parameters' indexes), or a value (a constant, or null for another) at a place (null: none known).
 */
type Write = { target: string | null; member?: string } & ({ fn: FnId; init: { objectParam: number; valueParam: number } } | { fn: FnId; at: Place | null; value: Expr | null; compound?: Compound });

/** A compound assignment's operator and constant operand (null: another value): `|=` and `F` of `x->flags |= F`. */
interface Compound { op: string; right: Expr | null }

/**
 * What the program may store into a field of a global object after its static initialiser: the
 * values of `=`, the flags of `|=`, and whether some `&=` may clear flags.
 */
export interface GlobalStores { values: Expr[]; added: Expr[]; clears: boolean }

/** An initialiser's `p->f = q`: the struct written and its parameters' indexes. */
interface InitWrite { target: string; objectParam: number; valueParam: number }

/** A call of an initialiser: the place of the object it is handed (null: none known), and the constant it passes (null: another value). */
interface InitCall { caller: FnId; at: Place | null; value: Expr | null }

/** Past this many functions writing a field of that name, the answer is not worked out. */
const MAX_STORERS = 5000;

/**
 * The same for a global object's field: asked only where a callee tests a field of `&global`, and
 * a global's field has a common name (`flags`: 6.1's whole tree has more than 5,000 writers).
 */
const MAX_GLOBAL_STORERS = 50_000;

export class PlaceFields {
  /** By member name: the type names structs give it. */
  private memberTypes: Map<string, Set<string>> | null = null;
  private readonly answers = new Map<string, Answer>();
  /** By struct and field: storesIntoGlobal()'s answers, with the bodies they read. */
  private readonly globalAnswers = new Map<string, { stores: GlobalStores | null; read: FnId[] }>();
  /** By field name: every write into a field of that name, once read (writesOf()). */
  private readonly writes = new Map<string, Write[]>();
  /** By initialiser name: the functions that call it. */
  private initCallers: Map<string, FnId[]> | null = null;
  /**
   * Types and objects of other functions' bodies are asked of a lock identity of its own: the
   * thousands of bodies read would crowd out the analysis's (its cache is bounded).
   */
  private readonly types: LockIdentity;
  /** By place: whether some code assigns the object there whole. */
  private readonly wholeAssigned = new Map<string, boolean>();
  /** By initialiser and field: its stores of that field from its parameters (`initWritesIn()`). */
  private readonly initWrites = new Map<string, InitWrite[]>();
  /** By initialiser and parameters: its calls (null: its address is taken). */
  private readonly initCalls = new Map<string, InitCall[] | null>();

  constructor(private readonly program: Program, private readonly identity: LockIdentity) {
    this.types = new LockIdentity(program);
  }

  /** The one place a pointer expression points into (`&X->member`, or a local given only that), or null. */
  placeOf(fn: FnId, pointer: Expr, identity: LockIdentity = this.identity): Place | null {
    const objects = identity.objectsPointedBy(fn, pointer);
    const only = objects.length === 1 ? objects[0] : undefined;
    const dot = only?.k === 'lock' ? only.cls.lastIndexOf('.') : -1;
    return only?.k === 'lock' && dot > 0 ? { struct: only.cls.slice(0, dot), member: only.cls.slice(dot + 1) } : null;
  }

  /**
   * The constants `field` of the `objectStruct` object at `place` may hold, wherever the program
   * sets it, or null. The bodies the answer reads count as read by the function analysed (check-patch).
   */
  valuesAt(place: Place, objectStruct: string, field: string): readonly Expr[] | null {
    const key = `${placeKey(place)}\0${objectStruct}.${field}`;
    let answer = this.answers.get(key);
    if (!answer) {
      answer = this.work(place, objectStruct, field);
      this.answers.set(key, answer);
    }
    for (const fn of answer.read) this.identity.consult(fn);
    return answer.values;
  }

  private work(place: Place, objectStruct: string, field: string): Answer {
    const read: FnId[] = [];
    const unknown = { values: null, read: [] };
    const writes = this.writesInto(place, objectStruct, field);
    if (!writes || this.assignsWhole(place)) return unknown;
    const values: Expr[] = [];
    for (const w of writes) {
      if ('init' in w) {
        const calls = this.callsOf(w.fn, w.init.objectParam, w.init.valueParam);
        if (!calls) return unknown;
        read.push(w.fn);
        for (const c of calls.filter((x) => mayBeAt(x.at, place))) {
          if (!c.value) return unknown;
          read.push(c.caller);
          values.push(c.value);
        }
      } else if (mayBeAt(w.at, place)) {
        if (!w.value) return unknown;
        read.push(w.fn);
        values.push(w.value);
      }
    }
    return { values: distinct(values), read: [...new Set(read)].sort((a, b) => a - b) };
  }

  /**
   * What the program may store into `field` of a global object of `objectStruct` (`direct_ops.flags`):
   * every store through an object of that struct at no known place, as a store at an embedded place
   * (`&klp->fops`) is another object's. Null where one is not a constant, or past `MAX_STORERS`.
   * A store through an object of no known type is not counted (a macro's parameter, a macro's
   * result: `(child)->flags |= …`, `PF_ANY(page)->flags`): a common field name has some in every
   * tree, and a global of a struct that C makes code name to write it is written through that name.
   */
  storesIntoGlobal(objectStruct: string, field: string): GlobalStores | null {
    const key = `${objectStruct}\0${field}`;
    let answer = this.globalAnswers.get(key);
    if (!answer) {
      answer = this.globalWork(objectStruct, field);
      this.globalAnswers.set(key, answer);
    }
    for (const fn of answer.read) this.identity.consult(fn);
    return answer.stores;
  }

  private globalWork(objectStruct: string, field: string): { stores: GlobalStores | null; read: FnId[] } {
    const unknown = { stores: null, read: [] };
    const writes = this.writesOf(field, MAX_GLOBAL_STORERS)?.filter((w) => w.target === objectStruct);
    if (!writes) return unknown;
    const stores: GlobalStores = { values: [], added: [], clears: false };
    const read = new Set<FnId>();
    for (const w of writes) {
      if ('init' in w) {
        const calls = this.callsOf(w.fn, w.init.objectParam, w.init.valueParam);
        if (!calls) return unknown;
        for (const c of calls.filter((x) => x.at === null)) {
          if (!c.value) return unknown;
          stores.values.push(c.value);
          read.add(c.caller);
        }
        read.add(w.fn);
        continue;
      }
      if (w.at !== null) continue;
      read.add(w.fn);
      if (w.compound?.op === '|=' && w.compound.right) stores.added.push(w.compound.right);
      else if (w.compound?.op === '&=') stores.clears = true;
      else if (!w.compound && w.value) stores.values.push(w.value);
      else return unknown;
    }
    return { stores, read: [...read].sort((a, b) => a - b) };
  }

  /** Every write into `objectStruct.field` the program makes (an untyped object may be of that struct); null: not known. */
  private writesInto(place: Place, objectStruct: string, field: string): Write[] | null {
    // No answer is decided but where an initialiser of that struct's field is handed the place
    // and a constant: the field's other writers (thousands, for a common name) are read only then.
    const initialised = this.initialisersOf(field).some((fn) => this.initWritesIn(fn, field).some((w) => w.target === objectStruct
      && this.callsOf(fn, w.objectParam, w.valueParam)?.some((c) => c.value !== null && c.at !== null && mayBeAt(c.at, place))));
    if (!initialised) return null;
    return this.writesOf(field)?.filter((w) => (w.target !== null ? w.target === objectStruct : this.mayHold(w, objectStruct))) ?? null;
  }

  /** The initialiser stores of `field` in `fn` (`p->f = q`): the struct written and the parameters' indexes. */
  private initWritesIn(fn: FnId, field: string): InitWrite[] {
    return getOrInit(this.initWrites, `${fn}\0${field}`, () => this.initWritesNow(fn, field));
  }

  private initWritesNow(fn: FnId, field: string): InitWrite[] {
    const facts = this.program.functions[fn];
    const out: InitWrite[] = [];
    const param = (x: Expr | null): number => (x?.k === 'id' ? facts?.params.findIndex((p) => p.name === x.name) ?? -1 : -1);
    if (facts) {
      forEachFieldWrite(facts.body, (w) => {
        const target = w.field === field && w.arrow && param(w.base) >= 0 && param(w.value) >= 0 ? this.types.structOf(fn, w.base) : null;
        if (target) out.push({ target, objectParam: param(w.base), valueParam: param(w.value) });
      });
    }
    return out;
  }

  /** Functions that set a field of that name from a parameter (`FunctionIndex.initStoredFields`). */
  private initialisersOf(field: string): readonly FnId[] {
    return fieldIndexOf(this.program, this.identity).initialisers(field);
  }

  /**
   * Every write into a field of that name, read once for every struct; null past `limit` writers.
   */
  private writesOf(field: string, limit = MAX_STORERS): Write[] | null {
    const storers = this.storers(field);
    if (storers.length > limit) return null;
    const known = this.writes.get(field);
    if (known !== undefined) return known;
    const out: Write[] = [];
    this.identity.placeReads.fields.add(field);
    for (const fn of storers) {
      const facts = this.program.functions[fn];
      if (!facts) continue;
      const param = (x: Expr | null): number => (x?.k === 'id' ? facts.params.findIndex((p) => p.name === x.name) : -1);
      forEachFieldWrite(facts.body, (w) => {
        if (w.field !== field) return;
        // `{ .owner = …, }` in an initialiser macro is no store into an object that exists; a
        // macro stores into one only through its parameters.
        if (facts.isMacro && !facts.params.some((p) => p.name === baseName(w.base))) return;
        const target = this.types.structOf(fn, w.base);
        const member = target === null && w.base.k === 'field' ? { member: w.base.field } : {};
        if (w.arrow && param(w.base) >= 0 && param(w.value) >= 0) {
          out.push({ fn, target, ...member, init: { objectParam: param(w.base), valueParam: param(w.value) } });
          return;
        }
        const at = this.placeOf(fn, w.arrow ? w.base : { k: 'addr', arg: w.base }, this.types);
        const variables = variablesOf(facts);
        const compound = w.compound ? { compound: { op: w.compound.op, right: isConstantExpr(w.compound.right, variables) ? w.compound.right : null } } : {};
        out.push({ fn, target, ...member, at, value: w.value ? constantOf(w.value, variables) : null, ...compound });
      });
    }
    this.writes.set(field, out);
    return out;
  }

  /**
   * Whether a write's object of no known type may be of `struct`: one reached as a member
   * (`ev->param.conn` in a union) is only where some struct has a member of that name of that type.
   */
  private mayHold(write: { member?: string }, struct: string): boolean {
    if (write.member === undefined) return true;
    if (!this.memberTypes) {
      this.memberTypes = new Map();
      for (const fields of this.program.structs.values()) {
        for (const [name, type] of Object.entries(fields)) getOrInit(this.memberTypes, name, () => new Set()).add(type.name);
      }
    }
    const wanted = plainName(struct);
    return [...(this.memberTypes.get(write.member) ?? [])].some((t) => t === wanted || structName(this.program, { name: t, pointer: 0 }, '') === struct);
  }

  /** Whether some code assigns the object at the place whole (`dev->alloc_state = other->alloc_state`). */
  private assignsWhole(place: Place): boolean {
    const key = placeKey(place);
    const known = this.wholeAssigned.get(key);
    if (known !== undefined) return known;
    this.identity.placeReads.fields.add(place.member);
    const storers = this.storers(place.member);
    const found = storers.length > MAX_STORERS || storers.some((fn) => {
      const facts = this.program.functions[fn];
      let whole = false;
      if (facts) {
        forEachFieldWrite(facts.body, (w) => {
          if (w.field === place.member && w.value !== null && this.types.structOf(fn, w.base) === place.struct) whole = true;
        });
      }
      return whole;
    });
    this.wholeAssigned.set(key, found);
    return found;
  }

  /** The calls of initialiser `fn`: the place of the object each hands it and the constant it passes for the value. */
  private callsOf(fn: FnId, objectParam: number, valueParam: number): InitCall[] | null {
    const key = `${fn}:${objectParam}:${valueParam}`;
    const known = this.initCalls.get(key);
    if (known !== undefined) return known;
    const facts = this.program.functions[fn];
    let out: InitCall[] | null = null;
    if (facts && !functionIndex(facts).addressTaken) {
      this.identity.placeReads.initialisers.add(facts.name);
      out = [];
      for (const caller of this.callersOf(facts.name)) {
        const body = this.program.functions[caller];
        if (!body) continue;
        forEachExpr(body.body, (e) => {
          if (e.k !== 'call' || calleeName(e) !== facts.name) return;
          const object = e.args[objectParam];
          const value = e.args[valueParam];
          out?.push({ caller, at: object ? this.placeOf(caller, object, this.types) : null, value: value ? constantOf(value, variablesOf(body)) : null });
        });
      }
    }
    this.initCalls.set(key, out);
    return out;
  }

  /** Functions that write a field of that name, from the function index. */
  private storers(field: string): readonly FnId[] {
    return fieldIndexOf(this.program, this.identity).storers(field);
  }

  /** Functions that call `name`, an initialiser: callers of every initialiser are listed in one pass. */
  private callersOf(name: string): FnId[] {
    if (!this.initCallers) {
      const initialisers = fieldIndexOf(this.program, this.identity).initialiserNames;
      const callers = new Map<string, FnId[]>();
      this.program.functions.forEach((f, id) => {
        for (const callee of functionIndex(f).calls) if (initialisers.has(callee)) getOrInit(callers, callee, () => []).push(id);
      });
      this.initCallers = callers;
    }
    return this.initCallers.get(name) ?? [];
  }
}

const placeKey = (p: Place): string => `${p.struct}.${p.member}`;

/** Whether an object at `at` (null: no known place) may be the one at `place`. */
const mayBeAt = (at: Place | null, place: Place): boolean => at === null || (at.struct === place.struct && at.member === place.member);

const byIdentity = new WeakMap<LockIdentity, PlaceFields>();

/** The place answers of one program state (a new lock identity after check-patch starts afresh). */
export function placeFieldsOf(program: Program, identity: LockIdentity): PlaceFields {
  let places = byIdentity.get(identity);
  if (!places) byIdentity.set(identity, (places = new PlaceFields(program, identity)));
  return places;
}

/** A value no run can change: a number, `NULL`, `false`/`true`, or a constant's name (not a variable). */
function constantOf(e: Expr, variables: ReadonlySet<string>): Expr | null {
  if (e.k === 'cast') return constantOf(e.arg, variables);
  if (e.k === 'num') return e;
  if (e.k === 'id' && (e.name === 'NULL' || e.name === 'false' || e.name === 'true' || CONSTANT_NAME.test(e.name)) && !variables.has(e.name)) return e;
  return null;
}

/** The values, each written once; null when there are none. */
function distinct(values: readonly Expr[]): Expr[] | null {
  const byText = new Map(values.map((v) => [JSON.stringify(v), v]));
  return byText.size ? [...byText.keys()].sort().map((k) => byText.get(k) as Expr) : null;
}
