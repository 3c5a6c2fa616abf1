// Summaries of a whole program. Hundreds of thousands of them do not fit in memory as objects:
// each is kept as a few bytes (varints; strings by their index in one shared table), and the
// ones in use (callees of the functions being analysed now) as objects in a bounded LRU.
// Summaries are values: nobody changes one after it is set.
import { LRUCache } from 'lru-cache';
import type { FnId } from '../program/program.js';
import type { SummaryStore } from './analyze-function.js';
import type { EventKind, Guard, HeldLock, IrqState, LockEvent, LockPair, Summary } from './domain.js';
import type { CmpOp, ParamTest } from './guard.js';

const GUARD_TESTS = ['in', 'notIn', 'flag', 'cmp', 'noFlag'] as const;
/** Set in a packed test's kind when it reads a field through its parameter. */
const WITH_FIELD = 16;
import type { LockMode, LockQueue } from '../models/kernel-api.js';
import type { ListState } from '../models/drained-lists.js';
import type { JournalState } from '../models/task-journal.js';
import { Interner } from './interner.js';
import { DEFAULT_RESIDENT_BYTES, SpillingBytes } from './spilling-bytes.js';

/** Parsed summaries kept, counted in events: a caller near the top of the call graph has a thousand. */
const PARSED_EVENTS_KEPT = 262_144;

/** An event's queue in its flags word, beside the four booleans. */
const QUEUE_BITS: Record<LockQueue, number> = { plain: 0, 'fair-writer': 16, 'recursive-reader': 32 };
const queueOf = (flags: number): LockQueue => ((flags & 16) !== 0 ? 'fair-writer' : (flags & 32) !== 0 ? 'recursive-reader' : 'plain');

export class CompactSummaries implements SummaryStore {
  private readonly packed: SpillingBytes;
  private readonly parsed: LRUCache<FnId, Summary>;
  private readonly codec = new SummaryCodec();

  constructor(parsedEventsKept = PARSED_EVENTS_KEPT, packedBytesInMemory = DEFAULT_RESIDENT_BYTES) {
    this.packed = new SpillingBytes(packedBytesInMemory);
    this.parsed = new LRUCache<FnId, Summary>({ maxSize: parsedEventsKept, sizeCalculation: (s) => 1 + s.events.length + s.pairs.length + s.returnsHeld.length });
  }

  get(fn: FnId): Summary | undefined {
    const hit = this.parsed.get(fn);
    if (hit) return hit;
    const packed = this.packed.get(fn);
    if (!packed) return undefined;
    const summary = this.codec.unpack(packed);
    this.parsed.set(fn, summary);
    return summary;
  }

  set(fn: FnId, summary: Summary): void {
    this.packed.set(fn, this.codec.pack(summary));
    this.parsed.set(fn, summary);
  }

  delete(fn: FnId): void {
    this.packed.delete(fn);
    this.parsed.delete(fn);
  }

  /** A function's summary as packed by `codec` (the summary image stores these). */
  packedOf(fn: FnId): Uint8Array | undefined {
    return this.packed.get(fn);
  }

  /** The length of `packedOf(fn)`, without reading it. */
  packedSize(fn: FnId): number {
    return this.packed.sizeOf(fn);
  }

  get strings(): readonly string[] {
    return this.codec.strings;
  }

}

/** Summaries as varint bytes, strings by their index in one table that only grows. */
export class SummaryCodec {
  private readonly table = new Interner();

  get strings(): readonly string[] {
    return this.table.strings;
  }

  /** A codec reading arrays packed with `strings` (a summary image's table). */
  static reading(strings: readonly string[]): SummaryCodec {
    const codec = new SummaryCodec();
    for (const s of strings) codec.id(s);
    if (codec.strings.length !== strings.length) throw new Error('summary strings repeat');
    return codec;
  }

  private id(s: string): number {
    return this.table.id(s);
  }

  /** A summary as bytes: its numbers (strings by id) as zigzag varints, mostly one or two bytes each. */
  pack(s: Summary): Uint8Array {
    return encodeVarints(this.numbers(s));
  }

  private numbers(s: Summary): number[] {
    const out: number[] = [
      this.id(s.irqExit), this.id(s.journalExit), s.irqExitWitness, s.irqSavesTo, s.irqRestoresFrom, (s.trylock ? 1 : 0) | (s.returnsZeroed !== null ? 2 : 0) | (s.nonZeroExact ? 4 : 0) | (s.neverZero ? 8 : 0), s.events.length, s.releases.length, s.returnsHeld.length, s.pairs.length, s.requires.length, s.returnsInstance.length, s.listsExit.length,
    ];
    if (s.nonZeroWhen === 'never') out.push(-1);
    else this.packGuard(s.nonZeroWhen, out);
    for (const e of s.events) {
      out.push(this.id(e.kind), this.id(e.lock), this.id(e.mode), this.id(e.irq), e.witness,
        (e.spins ? 1 : 0) | (e.afterSleep ? 2 : 0) | (e.viaIndirect ? 4 : 0) | (e.nestingAnnotated ? 8 : 0) | QUEUE_BITS[e.queue]);
      this.packGuard(e.guard, out);
      out.push(e.released.length);
      for (const r of e.released) out.push(this.id(r));
      out.push(e.gates?.length ?? 0);
      for (const g of e.gates ?? []) out.push(this.id(g));
    }
    for (const r of s.releases) out.push(this.id(r));
    for (const h of s.returnsHeld) out.push(this.id(h.lock), this.id(h.mode), h.spins ? 1 : 0, h.witness);
    for (const p of s.pairs) {
      out.push(this.id(p.from), this.id(p.to), this.id(p.holdMode), this.id(p.waitMode), this.id(p.irq), p.hold, p.wait,
        (p.waitSpins ? 1 : 0) | (p.afterSleep ? 2 : 0) | (p.viaIndirect ? 4 : 0));
      this.packGuard(p.guard, out);
      out.push(p.alsoHeld.length);
      for (const h of p.alsoHeld) out.push(this.id(h.lock), this.id(h.mode));
    }
    for (const r of s.requires) out.push(this.id(r.lock), this.id(r.mode));
    for (const f of s.returnsInstance) out.push(this.id(f.field), this.id(f.suffix));
    for (const [list, state] of s.listsExit) out.push(this.id(list), this.id(state));
    if (s.returnsZeroed !== null) {
      out.push(s.returnsZeroed.length);
      for (const f of s.returnsZeroed) out.push(this.id(f));
    }
    return out;
  }

  /** Guard as its number of tests (0 for none), then each test: its kind, the parameter, its operands. */
  private packGuard(g: Guard, out: number[]): void {
    out.push(g ? g.length : 0);
    for (const t of g ?? []) {
      out.push(GUARD_TESTS.indexOf(t.test) | (t.field === undefined ? 0 : WITH_FIELD), t.param);
      if (t.field !== undefined) out.push(this.id(t.field));
      switch (t.test) {
        case 'in': case 'notIn': out.push(t.values.length); for (const v of t.values) out.push(this.id(v)); break;
        case 'flag': case 'noFlag': out.push(this.id(t.flag)); break;
        case 'cmp': out.push(this.id(t.op), t.bound); break;
      }
    }
  }

  unpack(p: Uint8Array): Summary {
    let at = 0;
    const next = (): number => {
      let value = 0;
      let scale = 1;
      for (;;) {
        if (at >= p.length) throw new Error('packed summary torn');
        const byte = p[at++] as number;
        value += (byte & 0x7f) * scale;
        if (byte < 0x80) break;
        scale *= 0x80;
        // Zigzag doubles a safe integer: its varint takes at most eight bytes.
        if (scale > 2 ** 56) throw new Error('packed summary: number too long');
      }
      // zigzag: 0, -1, 1, -2, … as 0, 1, 2, 3, …
      return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    };
    const str = (): string => {
      const s = this.strings[next()];
      if (s === undefined) throw new Error('packed summary names no string');
      return s;
    };
    const irqExit = str() as IrqState;
    const journalExit = str() as JournalState;
    const irqExitWitness = next();
    const irqSavesTo = next();
    const irqRestoresFrom = next();
    const bits = next();
    const trylock = (bits & 1) !== 0;
    const nonZeroExact = (bits & 4) !== 0;
    const neverZero = (bits & 8) !== 0;
    const counts = [next(), next(), next(), next(), next(), next(), next()] as const;
    const nonZeroWhen = this.unpackReturnGuard(next, str);
    const events: LockEvent[] = [];
    for (let i = 0; i < counts[0]; i++) {
      const kind = str() as EventKind;
      const lock = str();
      const mode = str() as LockMode;
      const irq = str() as IrqState;
      const witness = next();
      const flags = next();
      const guard = this.unpackGuard(next, str);
      const released = Array.from({ length: next() }, str);
      const gates = Array.from({ length: next() }, str);
      events.push({
        kind, lock, mode, spins: (flags & 1) !== 0, irq, guard, released, afterSleep: (flags & 2) !== 0, viaIndirect: (flags & 4) !== 0,
        nestingAnnotated: (flags & 8) !== 0, queue: queueOf(flags), ...(gates.length ? { gates } : {}), witness,
      });
    }
    const releases = Array.from({ length: counts[1] }, str);
    const returnsHeld: HeldLock[] = Array.from({ length: counts[2] }, () => ({ lock: str(), mode: str() as LockMode, spins: next() === 1, witness: next() }));
    const pairs: LockPair[] = Array.from({ length: counts[3] }, () => {
      const [from, to, holdMode, waitMode, irq] = [str(), str(), str() as LockMode, str() as LockPair['waitMode'], str() as IrqState];
      const [hold, wait, flags] = [next(), next(), next()];
      const guard = this.unpackGuard(next, str);
      const alsoHeld = Array.from({ length: next() }, () => ({ lock: str(), mode: str() as LockMode }));
      return { from, to, holdMode, waitMode, waitSpins: (flags & 1) !== 0, irq, guard, afterSleep: (flags & 2) !== 0, viaIndirect: (flags & 4) !== 0, hold, wait, alsoHeld };
    });
    const requires = Array.from({ length: counts[4] }, () => ({ lock: str(), mode: str() as LockMode }));
    const returnsInstance = Array.from({ length: counts[5] }, () => ({ field: str(), suffix: str() }));
    const listsExit = Array.from({ length: counts[6] }, (): [string, ListState] => [str(), str() as ListState]);
    const returnsZeroed = (bits & 2) !== 0 ? Array.from({ length: next() }, str) : null;
    if (at !== p.length) throw new Error('packed summary too long');
    return { events, pairs, releases, returnsHeld, irqExit, journalExit, listsExit, returnsInstance, returnsZeroed, irqExitWitness, irqSavesTo, irqRestoresFrom, nonZeroWhen, nonZeroExact, neverZero, trylock, requires };
  }

  /** A return guard: -1 for `never`, else a guard. */
  private unpackReturnGuard(next: () => number, str: () => string): Guard | 'never' {
    const count = next();
    return count === -1 ? 'never' : this.tests(count, next, str);
  }

  private unpackGuard(next: () => number, str: () => string): Guard {
    return this.tests(next(), next, str);
  }

  /** `count` tests, their count already read. */
  private tests(count: number, next: () => number, str: () => string): Guard {
    if (count === 0) return null;
    return Array.from({ length: count }, (): ParamTest => {
      const kind = next();
      const test = GUARD_TESTS[kind & ~WITH_FIELD];
      const param = next();
      const field = kind & WITH_FIELD ? { field: str() } : {};
      switch (test) {
        case 'in': case 'notIn': return { param, test, values: Array.from({ length: next() }, str), ...field };
        case 'flag': case 'noFlag': return { param, test, flag: str(), ...field };
        case 'cmp': return { param, test, op: str() as CmpOp, bound: next(), ...field };
        default: throw new Error('packed summary: unknown guard test');
      }
    });
  }
}

/** Numbers as zigzag LEB128 varints (witness ids and -1 alike take few bytes). */
function encodeVarints(numbers: readonly number[]): Uint8Array {
  const zigzag = (n: number): number => (n >= 0 ? n * 2 : -n * 2 - 1);
  let size = 0;
  for (const n of numbers) for (let v = zigzag(n); ; v = Math.floor(v / 0x80)) { size++; if (v < 0x80) break; }
  const out = new Uint8Array(size);
  let at = 0;
  for (const n of numbers) {
    let v = zigzag(n);
    while (v >= 0x80) {
      out[at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    out[at++] = v;
  }
  return out;
}
