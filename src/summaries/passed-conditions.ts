// Tests a path has passed, known by how the code writes them (a parameter's guard says nothing of a local's):
// `if (!f2fs_sb_has_quota_ino(sbi)) inode_lock(q); … if (!f2fs_sb_has_quota_ino(sbi)) inode_unlock(q);`.
// Must-hold drops a lock taken under such a test where the paths join, so its unlock under the
// same test read as a release of the caller's lock of that class, and every event after it lost
// the caller's hold. Here a lock held on one side of a join, whose other side passed the test the
// other way, is held again where the same test is passed the same way. The test is taken to say
// the same thing each time until a name in it is assigned: a lock taken and released under one
// condition is paired by the code's author, and a second test of a changed value would not pair.
import type { Expr } from '../facts/types.js';
import { modelOf } from '../models/kernel-api.js';
import { type HeldLock, type LockKey, lockOfKey } from './domain.js';

/** A test passed: its text (a leading `!` taken off into `value`) and the names it reads. */
export interface PassedTest { text: string; value: boolean; names: readonly string[] }

/** A lock held only where `test` had its value on this path. */
export interface HeldWhere { lock: HeldLock; test: PassedTest }

export interface PassedTests {
  passed: readonly PassedTest[];
  heldWhere: readonly HeldWhere[];
}

/** The most recent tests kept: a pair of lock and unlock sits within a few tests of each other. */
const MAX_PASSED = 8;

export const NO_PASSED: readonly PassedTest[] = [];
export const NO_HELD_WHERE: readonly HeldWhere[] = [];
const NOTHING_PASSED: PassedTests = { passed: NO_PASSED, heldWhere: NO_HELD_WHERE };

/** `e` as a test to remember: its text without a leading `!`, which way `!` turns it, and its names; null for what may change as it runs. */
export function testOf(e: Expr): PassedTest | null {
  let value = true;
  let x = e;
  for (;;) {
    if (x.k === 'not') {
      value = !value;
      x = x.arg;
    } else if (x.k === 'call' && x.args[0] && isTransparent(x)) {
      x = x.args[0];
    } else break;
  }
  const names: string[] = [];
  const text = render(x, names);
  return text === null || names.length === 0 ? null : { text, value, names: [...new Set(names)].sort() };
}

/** Side-effect free C as text (`f2fs_sb_has_quota_ino(sbi)`); null where a part may change something (an assignment, a modelled call). */
function render(e: Expr, names: string[]): string | null {
  const all = (xs: readonly Expr[]): string[] | null => {
    const out: string[] = [];
    for (const x of xs) {
      const t = render(x, names);
      if (t === null) return null;
      out.push(t);
    }
    return out;
  };
  switch (e.k) {
    case 'id': names.push(e.name); return e.name;
    case 'num': return String(e.value);
    case 'field': { const b = render(e.base, names); return b === null ? null : `${b}${e.arrow ? '->' : '.'}${e.field}`; }
    case 'addr': { const a = render(e.arg, names); return a === null ? null : `&${a}`; }
    case 'deref': { const a = render(e.arg, names); return a === null ? null : `*${a}`; }
    case 'not': { const a = render(e.arg, names); return a === null ? null : `!${a}`; }
    case 'unary': { const a = render(e.arg, names); return a === null ? null : `${e.op}${a}`; }
    case 'cast': return render(e.arg, names);
    case 'index': { const p = all([e.base, e.index]); return p ? `${p[0]}[${p[1]}]` : null; }
    case 'logic': case 'bin': { const p = all([e.left, e.right]); return p ? `(${p[0]}${e.op}${p[1]})` : null; }
    case 'call': {
      // A modelled call acts (a trylock, a bit gate, a reference drop): testing it again is another act.
      if (e.callee.k !== 'id' || modelOf(e.callee.name)) return null;
      const args = all(e.args);
      return args ? `${e.callee.name}(${args.join(',')})` : null;
    }
    default: return null;
  }
}

/**
 * `s` on the branch where `test` has `value`: the test remembered, and the locks held where it
 * has that value held again (those where it has the other value are not: both are settled).
 */
export function passTest<S extends PassedTests & { held: HeldLock[]; dead: boolean }>(s: S, test: PassedTest, value: boolean): S {
  if (s.dead) return s;
  const was = s.passed.filter((p) => p.text !== test.text);
  const passed = [...(was.length >= MAX_PASSED ? was.slice(was.length - MAX_PASSED + 1) : was), { ...test, value }];
  if (!s.heldWhere.some((h) => h.test.text === test.text)) return { ...s, passed };
  let held = s.held;
  for (const h of s.heldWhere) {
    if (h.test.text === test.text && h.test.value === value && !held.some((x) => x.lock === h.lock.lock)) held = [...held, h.lock];
  }
  return { ...s, passed, held, heldWhere: s.heldWhere.filter((h) => h.test.text !== test.text) };
}

/**
 * Where two paths meet: the tests both passed alike, and the locks held where a test had one
 * value: one path holds the lock and passed a test the way the other did not, or both say so.
 * `held`: what both hold.
 */
export function joinPassedTests(a: PassedTests & { held: readonly HeldLock[] }, b: PassedTests & { held: readonly HeldLock[] }, held: readonly HeldLock[]): PassedTests {
  if (a.passed.length === 0 && b.passed.length === 0 && a.heldWhere.length === 0 && b.heldWhere.length === 0) return NOTHING_PASSED;
  const passed = a.passed === b.passed ? a.passed : a.passed.filter((p) => b.passed.some((q) => q.text === p.text && q.value === p.value));
  const heldWhere: HeldWhere[] = [];
  const add = (h: HeldWhere): void => {
    if (!heldWhere.some((x) => x.lock.lock === h.lock.lock)) heldWhere.push(h);
  };
  const oneSided = (x: PassedTests & { held: readonly HeldLock[] }, y: PassedTests): void => {
    for (const lock of x.held) {
      if (lock.gate || held.some((h) => h.lock === lock.lock)) continue;
      const split = lastWhere(x.passed, (p) => y.passed.some((q) => q.text === p.text && q.value !== p.value));
      if (split) add({ lock, test: split });
    }
    for (const h of x.heldWhere) {
      if (held.some((l) => l.lock === h.lock.lock)) continue;
      const agreed = y.heldWhere.some((o) => o.lock.lock === h.lock.lock && o.test.text === h.test.text && o.test.value === h.test.value);
      if (agreed || y.passed.some((q) => q.text === h.test.text && q.value !== h.test.value)) add(h);
    }
  };
  oneSided(a, b);
  oneSided(b, a);
  return { passed, heldWhere: heldWhere.length ? heldWhere : NO_HELD_WHERE };
}

/** After `name` is assigned: the tests that read it say nothing any more. */
export function forgetName<S extends PassedTests>(s: S, name: string): S {
  const reads = (t: PassedTest): boolean => t.names.includes(name);
  if (!s.passed.some(reads) && !s.heldWhere.some((h) => reads(h.test))) return s;
  return { ...s, passed: s.passed.filter((p) => !reads(p)), heldWhere: s.heldWhere.filter((h) => !reads(h.test)) };
}

/** After a release of `lock` (its class): it is held under no test any more. */
export function releasedWhere(heldWhere: readonly HeldWhere[], lock: LockKey): readonly HeldWhere[] {
  return heldWhere.some((h) => lockOfKey(h.lock.lock) === lock) ? heldWhere.filter((h) => lockOfKey(h.lock.lock) !== lock) : heldWhere;
}

/** `unlikely(x)`: the test of `x`. */
function isTransparent(c: Extract<Expr, { k: 'call' }>): boolean {
  const model = c.callee.k === 'id' ? modelOf(c.callee.name) : undefined;
  return model !== undefined && 'transparent' in model;
}

function lastWhere<T>(xs: readonly T[], ok: (x: T) => boolean): T | undefined {
  for (let i = xs.length - 1; i >= 0; i--) if (ok(xs[i] as T)) return xs[i];
  return undefined;
}
