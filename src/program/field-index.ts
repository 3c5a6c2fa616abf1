// Which functions name each field, and how, from one pass over every function's index.
//
// Several questions (where an object is stored, which structs re-keyed locks live in, whether a
// field only holds new objects) start from the functions that write a field. Over a whole tree
// from an image, every pass over the function index reads each file's outline again (its cache
// holds a few thousand files), so each index is built once per program state, all in one pass.
import { type FunctionIndex, functionIndex } from '../facts/outline.js';
import { type LockIdentity, lastName } from './lock-identity.js';
import { type FnId, type Program, getOrInit } from './program.js';

export interface FieldIndex {
  /** Functions that write a field of that name (`FunctionIndex.storedFields`). */
  storers(field: string): readonly FnId[];
  /** Functions that set a field of that name from a parameter (`FunctionIndex.initStoredFields`). */
  initialisers(field: string): readonly FnId[];
  /** Functions whose initialiser lists name the field (`FunctionIndex.listedFields`). */
  listers(field: string): readonly FnId[];
  /** Functions that set some field from a parameter, by name: initialisers whose callers say where objects go. */
  readonly initialiserNames: ReadonlySet<string>;
  /** The last names of the locks some `lockdep_set_class()`-like call re-keys (`i_rwsem`). */
  isRekeyedName(field: string): boolean;
}

const NONE: readonly FnId[] = [];

class ProgramFieldIndex implements FieldIndex {
  private readonly stored = new Map<string, FnId[]>();
  private readonly initStored = new Map<string, FnId[]>();
  private readonly listed = new Map<string, FnId[]>();
  private readonly rekeyed = new Set<string>();
  readonly initialiserNames = new Set<string>();

  constructor(program: Program) {
    program.functions.forEach((f, id) => {
      const index = functionIndex(f);
      addUnder(this.stored, index.storedFields, id);
      addUnder(this.initStored, index.initStoredFields, id);
      addUnder(this.listed, index.listedFields, id);
      if (index.initStoredFields) this.initialiserNames.add(f.name);
      for (const arg of index.reclasses ?? []) this.rekeyed.add(lastName(arg) ?? '');
    });
  }

  storers(field: string): readonly FnId[] {
    return this.stored.get(field) ?? NONE;
  }

  initialisers(field: string): readonly FnId[] {
    return this.initStored.get(field) ?? NONE;
  }

  listers(field: string): readonly FnId[] {
    return this.listed.get(field) ?? NONE;
  }

  isRekeyedName(field: string): boolean {
    return this.rekeyed.has(field);
  }
}

function addUnder(byName: Map<string, FnId[]>, names: FunctionIndex['storedFields'], id: FnId): void {
  for (const name of names ?? []) getOrInit(byName, name, () => []).push(id);
}

/** One index per program state: check-patch replaces bodies in place and makes a new lock identity. */
const byIdentity = new WeakMap<LockIdentity, FieldIndex>();

export function fieldIndexOf(program: Program, identity: LockIdentity): FieldIndex {
  let index = byIdentity.get(identity);
  if (!index) byIdentity.set(identity, (index = new ProgramFieldIndex(program)));
  return index;
}
