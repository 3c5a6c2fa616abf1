// Bit operations on a word in a struct (`test_bit(B, &x->flags)`, `set_bit(B, &x->flags)`). The
// analysis reads them as the flag tests and writes the code spells with `&` and `|=`: bit `B` is
// the flag `BIT(B)` of the field, so a callee's `if (test_bit(ABORT_ACTIVE, &ha->flags)) return;`
// is decided where the caller did `set_bit(ABORT_ACTIVE, &ha->flags)`, as `ha->flags |= F` would.
// A test-and-set that lets one task at a time through, and the clears that let the next one in,
// are a bit gate's (models/bit-gates.ts).
//
// Name → which argument is the bit and which the word; what the call reads and writes; its gate role.
import type { Expr } from '../facts/types.js';
import { unwrapCasts } from '../program/program.js';
import { entryOf } from './kernel-api.js';

/** `change`: the bit is toggled or given a value the call does not name (`assign_bit()`). */
export type BitWrite = 'set' | 'clear' | 'change';

/**
 * `take`: passes the bit's gate where it returns zero; `open`: opens it again. Only the atomic
 * forms: a non-atomic `__clear_bit()` is no hand-over to another task.
 */
export type GateRole = 'take' | 'open';

export interface BitOp { bitArg: number; wordArg: number; reads: boolean; writes: BitWrite | null; gate?: GateRole }

const op = (reads: boolean, writes: BitWrite | null, gate?: GateRole): BitOp => ({ bitArg: 0, wordArg: 1, reads, writes, ...(gate ? { gate } : {}) });

const BIT_OPS: Readonly<Record<string, BitOp>> = {
  test_bit: op(true, null),
  test_bit_acquire: op(true, null),
  set_bit: op(false, 'set'),
  __set_bit: op(false, 'set'),
  clear_bit: op(false, 'clear', 'open'),
  __clear_bit: op(false, 'clear'),
  clear_bit_unlock: op(false, 'clear', 'open'),
  __clear_bit_unlock: op(false, 'clear', 'open'),
  clear_and_wake_up_bit: op(false, 'clear', 'open'),
  change_bit: op(false, 'change'),
  __change_bit: op(false, 'change'),
  assign_bit: op(false, 'change'),
  __assign_bit: op(false, 'change'),
  test_and_set_bit: op(true, 'set', 'take'),
  __test_and_set_bit: op(true, 'set'),
  test_and_set_bit_lock: op(true, 'set', 'take'),
  test_and_clear_bit: op(true, 'clear'),
  __test_and_clear_bit: op(true, 'clear'),
  test_and_change_bit: op(true, 'change'),
  __test_and_change_bit: op(true, 'change'),
};

/** The bit operation a call names, or undefined. */
export const bitOpOf = (name: string): BitOp | undefined => entryOf(BIT_OPS, name);

/** The word a bit operation's call names (`x->f` of `set_bit(B, &x->f)` or of `(unsigned long *)&x->f`), casts taken off. */
export function bitWordOf(op: BitOp, args: readonly Expr[]): Expr | null {
  const word = args[op.wordArg];
  if (!word) return null;
  const pointee = unwrapCasts(word);
  return unwrapCasts(pointee.k === 'addr' ? pointee.arg : pointee);
}

/** The bit a bit operation names, as a constant's name or a number; null for a bit it computes. */
export function bitNameOf(op: BitOp, args: readonly Expr[]): string | null {
  const bit = args[op.bitArg];
  return bit?.k === 'id' ? bit.name : bit?.k === 'num' ? String(bit.value) : null;
}

/** The flag bit `bit` (a constant's name, or a number) is in its word: `BIT(ABORT_ISP_ACTIVE)`. */
export const bitFlag = (bit: string): string => `BIT(${bit})`;

const BIT_FLAG = /^BIT\((\w+)\)$/;

/** The bit number a bitFlag() names (`ABORT_ISP_ACTIVE` of `BIT(ABORT_ISP_ACTIVE)`), or null for another flag. */
export function bitOfFlag(flag: string): string | null {
  return BIT_FLAG.exec(flag)?.[1] ?? null;
}
