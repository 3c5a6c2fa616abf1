// Guards: an event that happens only when parameters pass tests (`if (wait)`,
// `flush != BTRFS_RESERVE_NO_FLUSH`, `case BTRFS_RESERVE_FLUSH_LIMIT:`, `ins_len > 0`). A guard is
// a conjunction of such tests. A call site decides a test when its argument is a constant
// (`btrfs_block_rsv_add(…, BTRFS_RESERVE_NO_FLUSH)`), passes it up when the argument is the
// caller's own parameter, and otherwise drops it (the analysis over-approximates).

/** A constant as code names it: an enumerator or macro (`TRANS_JOIN`), or a number in decimal. */
export type ConstName = string;

export type CmpOp = '<' | '<=' | '>' | '>=';

/**
 * A test of a parameter, or of one field of the struct a pointer parameter points to (`field`:
 * `i->in_inode`), decided where the caller passes `&local` whose field is a constant.
 */
export type ParamTest = ParamTestKind & { field?: string };

/**
 * The `field` of a test of the struct that embeds what a pointer parameter points to:
 * `container_of(id, struct rdma_id_private, id)->reuseaddr` as `id<reuseaddr`. Decided only
 * where the caller passes `&local->id`; never passed further up.
 */
export const containerField = (member: string, field: string): string => `${member}${CONTAINER}${field}`;
const CONTAINER = '<';

/** The member and field of a containerField(), or null for another field. */
export function containerOf(field: string | undefined): { member: string; field: string } | null {
  const at = field?.indexOf(CONTAINER) ?? -1;
  return field !== undefined && at > 0 ? { member: field.slice(0, at), field: field.slice(at + 1) } : null;
}

/** The `field` of a test of what a pointer parameter points to itself: `if (!*timeo)`. */
export const POINTEE = '*';

type ParamTestKind =
  /** The parameter is one of `values`: `p == A`, `case A: case B:`, and `!p` as `0`. */
  | { param: number; test: 'in'; values: ConstName[] }
  /** None of `values`: `p != A`, `default:`, and `if (p)` as not `0`. */
  | { param: number; test: 'notIn'; values: ConstName[] }
  /** `p & FLAG` is non-zero. */
  | { param: number; test: 'flag'; flag: string }
  /** `p & FLAG` is zero: `if (!(flags & ORANGEFS_OP_NO_MUTEX))`. */
  | { param: number; test: 'noFlag'; flag: string }
  /** `p > 0` and the like, against a number. */
  | { param: number; test: 'cmp'; op: CmpOp; bound: number };

/** Tests that all hold, sorted by parameter then key, never empty; null when nothing is tested. */
export type Guard = ParamTest[] | null;

export const whenSet = (param: number): Guard => [{ param, test: 'notIn', values: ['0'] }];
export const whenZero = (param: number): Guard => [{ param, test: 'in', values: ['0'] }];

/** A single truth test of a parameter (`if (p)` / `if (!p)`): which one, or null. */
export function truthTest(t: ParamTest): 'set' | 'zero' | null {
  if ((t.test !== 'in' && t.test !== 'notIn') || t.values.length !== 1 || t.values[0] !== '0') return null;
  return t.test === 'in' ? 'zero' : 'set';
}

const FLIPPED: Record<CmpOp, CmpOp> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<' };

/** The other branch of a single test. */
export function negateTest(t: ParamTest): Guard {
  const subject = t.field === undefined ? { param: t.param } : { param: t.param, field: t.field };
  switch (t.test) {
    case 'in': return [{ ...subject, test: 'notIn', values: t.values }];
    case 'notIn': return [{ ...subject, test: 'in', values: t.values }];
    case 'cmp': return [{ ...subject, test: 'cmp', op: FLIPPED[t.op], bound: t.bound }];
    case 'flag': return [{ ...subject, test: 'noFlag', flag: t.flag }];
    case 'noFlag': return [{ ...subject, test: 'flag', flag: t.flag }];
  }
}

/** Whether two tests read the same thing: one parameter, or one field through it. */
export const sameSubject = (a: ParamTest, b: ParamTest): boolean => a.param === b.param && a.field === b.field;

const subjectKey = (t: ParamTest): string => (t.field === undefined ? `${t.param}` : `${t.param}->${t.field}`);

export function testKey(t: ParamTest): string {
  const subject = subjectKey(t);
  switch (t.test) {
    case 'in': case 'notIn': return `${subject}${t.test}${t.values.join(',')}`;
    case 'flag': return `${subject}&${t.flag}`;
    case 'noFlag': return `${subject}!&${t.flag}`;
    case 'cmp': return `${subject}${t.op}${t.bound}`;
  }
}

export function guardKey(g: Guard): string {
  return g ? g.map(testKey).join('&&') : '';
}

function sameTest(a: ParamTest, b: ParamTest): boolean {
  if (a === b) return true;
  if (!sameSubject(a, b) || a.test !== b.test) return false;
  switch (a.test) {
    case 'in': case 'notIn': return sameNames(a.values, (b as typeof a).values);
    case 'flag': case 'noFlag': return a.flag === (b as typeof a).flag;
    case 'cmp': return a.op === (b as typeof a).op && a.bound === (b as typeof a).bound;
  }
}

const sameNames = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Compared field by field: the analysis compares guards on its hottest path. */
export function sameGuard(a: Guard, b: Guard): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((t, i) => sameTest(t, b[i] as ParamTest));
}

const union = (a: ConstName[], b: ConstName[]): ConstName[] => [...new Set([...a, ...b])].sort();
const common = (a: ConstName[], b: ConstName[]): ConstName[] => a.filter((x) => b.includes(x));
const minus = (a: ConstName[], b: ConstName[]): ConstName[] => a.filter((x) => !b.includes(x));

/** One test implied by either of two tests of one parameter (`case A: case B:` is `in [A, B]`), or null. */
function joinTests(a: ParamTest, b: ParamTest): ParamTest | null {
  if (sameTest(a, b)) return a;
  if (!sameSubject(a, b)) return null;
  const param = a.param;
  const subject = a.field === undefined ? { param } : { param, field: a.field };
  const notIn = (values: ConstName[]): ParamTest | null => (values.length ? { ...subject, test: 'notIn', values } : null);
  if (a.test === 'in' && b.test === 'in') return { ...subject, test: 'in', values: union(a.values, b.values) };
  if (a.test === 'notIn' && b.test === 'notIn') return notIn(common(a.values, b.values));
  if (a.test === 'in' && b.test === 'notIn') return notIn(minus(b.values, a.values));
  if (a.test === 'notIn' && b.test === 'in') return notIn(minus(a.values, b.values));
  return null;
}

/** Where two paths meet: the tests that hold on either. */
export function joinGuards(a: Guard, b: Guard): Guard {
  if (sameGuard(a, b)) return a;
  if (!a || !b) return null;
  const out: ParamTest[] = [];
  for (const x of a) for (const y of b) { const j = joinTests(x, y); if (j) out.push(j); }
  return normalize(out);
}

/** Both hold: every test of either, two value tests of one parameter combined into one. */
export function meetGuards(a: Guard, b: Guard): Guard {
  if (!a || !b) return a ?? b;
  if (sameGuard(a, b)) return a;
  return normalize([...a, ...b]);
}

/** Sorted, duplicates dropped, `in`/`notIn` tests of one parameter combined. */
function normalize(tests: ParamTest[]): Guard {
  const merged: ParamTest[] = [];
  for (const t of tests) {
    const at = merged.findIndex((m) => sameSubject(m, t) && (m.test === 'in' || m.test === 'notIn') && (t.test === 'in' || t.test === 'notIn'));
    const m = merged[at];
    if (!m || (m.test !== 'in' && m.test !== 'notIn') || (t.test !== 'in' && t.test !== 'notIn')) {
      if (!merged.some((x) => sameTest(x, t))) merged.push(t);
      continue;
    }
    merged[at] = meetValueTests(m, t);
  }
  if (merged.length <= 1) return merged.length ? merged : null;
  const contradiction = merged.find((t) => t.test === 'flag' && merged.some((x) => x.test === 'noFlag' && x.flag === t.flag && sameSubject(x, t)));
  // `p & F` and `!(p & F)` together: no value passes (an empty `in`, as `isImpossible` reads it).
  if (contradiction) return [{ param: contradiction.param, ...(contradiction.field === undefined ? {} : { field: contradiction.field }), test: 'in', values: [] }];
  // Keys made once, not per comparison: guards are met on the analysis's hottest path.
  const keyed = merged.map((t) => ({ t, key: testKey(t) }));
  keyed.sort((x, y) => x.t.param - y.t.param || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return keyed.map((k) => k.t);
}

type ValueTest = Extract<ParamTest, { test: 'in' | 'notIn' }>;

function meetValueTests(a: ValueTest, b: ValueTest): ValueTest {
  const subject = a.field === undefined ? { param: a.param } : { param: a.param, field: a.field };
  if (a.test === 'in' && b.test === 'in') return { ...subject, test: 'in', values: common(a.values, b.values) };
  if (a.test === 'in') return { ...subject, test: 'in', values: minus(a.values, b.values) };
  if (b.test === 'in') return { ...subject, test: 'in', values: minus(b.values, a.values) };
  return { ...subject, test: 'notIn', values: union(a.values, b.values) };
}

/**
 * `A && x` or `A && !x`: `A`, the one guard both ways say together; undefined when two guards
 * differ in more than one test, or not by a test and its negation.
 */
export function resolveGuards(a: Guard, b: Guard): Guard | undefined {
  if (!a || !b || a.length !== b.length) return undefined;
  const onlyA = a.filter((x) => !b.some((y) => sameTest(x, y)));
  const onlyB = b.filter((y) => !a.some((x) => sameTest(x, y)));
  const [x] = onlyA;
  const [y] = onlyB;
  if (onlyA.length !== 1 || onlyB.length !== 1 || !x || !y) return undefined;
  const negated = negateTest(x);
  if (!negated || negated.length !== 1 || !sameTest(negated[0] as ParamTest, y)) return undefined;
  const rest = a.filter((t) => t !== x);
  return rest.length ? rest : null;
}

/**
 * Whether guards taken together say no more than `joined`: merged where one implies another
 * (`[]` or `A` with `A && x`) or two differ by a test and its negation (`A && x`, `A && !x`),
 * until one is left that is `joined` (`[x]`, `[!x]` together say nothing).
 */
export function sayNoMoreThan(guards: readonly Guard[], joined: Guard): boolean {
  const left = [...guards];
  for (let merged = true; merged && left.length > 1;) {
    merged = false;
    for (let i = 0; i < left.length && !merged; i++) {
      for (let j = i + 1; j < left.length && !merged; j++) {
        const r = mergedGuard(left[i] as Guard, left[j] as Guard);
        if (r === undefined) continue;
        left.splice(j, 1);
        left[i] = r;
        merged = true;
      }
    }
  }
  return left.length === 1 && sameGuard(left[0] as Guard, joined);
}

/** The one guard that holds exactly where `a` or `b` holds, when one of the two rules gives it. */
function mergedGuard(a: Guard, b: Guard): Guard | undefined {
  if (implies(a, b)) return b;
  if (implies(b, a)) return a;
  return resolveGuards(a, b);
}

/** Every test of `b` is one of `a`'s (`b` is `[]`, or `a` is `b && more`). */
const implies = (a: Guard, b: Guard): boolean => !b || (!!a && b.every((y) => a.some((x) => sameTest(x, y))));

/** A guard no value passes (`p == A` inside `case B:`): the path cannot run. */
export function isImpossible(g: Guard): boolean {
  return !!g && g.some((t) => t.test === 'in' && t.values.length === 0);
}

/**
 * What is known of an argument at a call site: a constant's name, its value, or both; or only
 * that it is not zero (`&x`, a pointer the caller checked with `IS_ERR()`).
 */
export interface ArgConstant { name: ConstName | null; value: number | null; nonZero?: true }

const NUMBER = /^-?\d+$/;

/**
 * Whether a test holds for a constant argument: true, false, or null (not known). Names are
 * compared first; values when both sides have one (`0` against `NULL`, a macro's number); two
 * names without values are two enumerators, so different names are different values.
 */
export function decideTest(t: ParamTest, arg: ArgConstant, valueOf: (name: ConstName) => number | null): boolean | null {
  switch (t.test) {
    case 'flag': case 'noFlag': return null;
    case 'cmp': {
      if (arg.value === null) return null;
      const v = arg.value;
      return t.op === '<' ? v < t.bound : t.op === '<=' ? v <= t.bound : t.op === '>' ? v > t.bound : v >= t.bound;
    }
    case 'in': case 'notIn': {
      const found = anyEqual(t.values, arg, valueOf);
      if (found === null) return null;
      return t.test === 'in' ? found : !found;
    }
  }
}

function anyEqual(values: ConstName[], arg: ArgConstant, valueOf: (name: ConstName) => number | null): boolean | null {
  let unknown = false;
  for (const v of values) {
    if (arg.name !== null && v === arg.name) return true;
    const known = NUMBER.test(v) ? Number(v) : valueOf(v);
    if (arg.nonZero && known === 0) continue;
    if (arg.value !== null && known !== null) { if (arg.value === known) return true; continue; }
    if (arg.name !== null && arg.value === null && known === null && !NUMBER.test(v)) continue;
    unknown = true;
  }
  return unknown ? null : false;
}
