// Witnesses: how an event was reached. Summaries never carry call chains; each entry keeps
// one link id into this shared table, and chains are expanded only when a finding is reported.
// A whole kernel makes millions of links: they live in typed columns (about 30 bytes a link,
// index included) with texts interned, not as one object each.
import type { StepKind } from '../report/types.js';
import { Interner } from './interner.js';

export type WitnessId = number;

export interface WitnessLink {
  fn: number;
  line: number;
  col: number;
  text: string;
  kind: StepKind;
  /** The callee's witness for a `call` link, -1 at the end of a chain. */
  next: WitnessId;
  /** Links in the chain from here to its end. */
  length: number;
}

/** Column order of a link in `WitnessTable.flat` (and in the summary image). */
const FN = 0;
const LINE = 1;
const COL = 2;
const KIND = 3;
const NEXT = 4;
const TEXT = 5;
const WIDTH = 6;

const EMPTY = -1;

export class WitnessTable {
  private columns = new Int32Array(WIDTH * 1024);
  private lengths = new Uint16Array(1024);
  private count = 0;
  /** Open addressing over link ids, keyed by a hash of the whole link (texts by their id). */
  private slots = new Int32Array(2048).fill(EMPTY);
  private readonly texts = new Interner();
  private readonly kinds = new Interner();

  get size(): number {
    return this.count;
  }

  add(link: Omit<WitnessLink, 'length'>): WitnessId {
    const row = [link.fn, link.line, link.col, this.kinds.id(link.kind), link.next, this.texts.id(link.text)];
    const found = this.find(row);
    if (found !== EMPTY) return found;
    return this.append(row);
  }

  private find(row: number[]): WitnessId {
    const mask = this.slots.length - 1;
    for (let s = hashRow(row) & mask; ; s = (s + 1) & mask) {
      const id = this.slots[s] as number;
      if (id === EMPTY) return EMPTY;
      if (this.sameRow(id, row)) return id;
    }
  }

  private sameRow(id: WitnessId, row: number[]): boolean {
    const base = id * WIDTH;
    for (let k = 0; k < WIDTH; k++) if (this.columns[base + k] !== row[k]) return false;
    return true;
  }

  private append(row: number[]): WitnessId {
    const id = this.count++;
    if (id >= this.lengths.length) this.grow();
    this.columns.set(row, id * WIDTH);
    const next = row[NEXT] as number;
    this.lengths[id] = Math.min(0xffff, 1 + (next >= 0 ? this.length(next) : 0));
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.slot(id);
    return id;
  }

  private grow(): void {
    const columns = new Int32Array(this.columns.length * 2);
    columns.set(this.columns);
    this.columns = columns;
    const lengths = new Uint16Array(this.lengths.length * 2);
    lengths.set(this.lengths);
    this.lengths = lengths;
  }

  private slot(id: WitnessId): void {
    const mask = this.slots.length - 1;
    let s = hashRow(this.columns, id * WIDTH) & mask;
    while (this.slots[s] !== EMPTY) s = (s + 1) & mask;
    this.slots[s] = id;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size).fill(EMPTY);
    for (let id = 0; id < this.count; id++) this.slot(id);
  }

  /** One link, as an object (made on demand). */
  link(id: WitnessId): WitnessLink | null {
    if (id < 0 || id >= this.count) return null;
    const c = this.columns;
    const base = id * WIDTH;
    return {
      fn: c[base + FN] as number, line: c[base + LINE] as number, col: c[base + COL] as number,
      kind: this.kinds.strings[c[base + KIND] as number] as StepKind, next: c[base + NEXT] as number,
      text: this.texts.strings[c[base + TEXT] as number] as string, length: this.lengths[id] as number,
    };
  }

  /** Links carried over to new function ids (check-patch added or removed functions); -1: gone. */
  renumberFunctions(newId: (old: number) => number): void {
    for (let id = 0; id < this.count; id++) this.columns[id * WIDTH + FN] = newId(this.columns[id * WIDTH + FN] as number);
    this.rehash(this.slots.length);
  }

  length(id: WitnessId): number {
    return id >= 0 && id < this.count ? this.lengths[id] as number : 0;
  }

  /** The functions a chain runs through, outermost first (no objects made). */
  forEachFunction(id: WitnessId, visit: (fn: number) => void): void {
    for (let at = id, n = 0; at >= 0 && at < this.count && n < 64; n++) {
      visit(this.columns[at * WIDTH + FN] as number);
      at = this.columns[at * WIDTH + NEXT] as number;
    }
  }

  chain(id: WitnessId): WitnessLink[] {
    const out: WitnessLink[] = [];
    for (let at = id; at >= 0 && out.length < 64;) {
      const link = this.link(at);
      if (!link) break;
      out.push(link);
      at = link.next;
    }
    return out;
  }

  /** The table as stored: its string tables, and its links as rows of six int32 (a view, not a copy). */
  exportColumns(): { kinds: string[]; texts: string[]; rows: Int32Array } {
    return { kinds: this.kinds.strings, texts: this.texts.strings, rows: this.columns.subarray(0, this.count * WIDTH) };
  }

  /** The table `exportColumns` gave, with the same ids. */
  static fromColumns(kinds: readonly string[], texts: readonly string[], rows: Int32Array): WitnessTable {
    if (rows.length % WIDTH !== 0) throw new Error('witness rows of odd length');
    const table = new WitnessTable();
    for (const k of kinds) table.kinds.id(k);
    for (const t of texts) table.texts.id(t);
    if (table.kinds.strings.length !== kinds.length || table.texts.strings.length !== texts.length) throw new Error('witness strings repeat');
    const count = rows.length / WIDTH;
    for (let id = 0; id < count; id++) {
      const row = Array.from(rows.subarray(id * WIDTH, id * WIDTH + WIDTH));
      const next = row[NEXT] as number;
      if ((row[KIND] as number) >= kinds.length || (row[TEXT] as number) >= texts.length || next >= id) throw new Error('witness table out of order');
      table.append(row);
    }
    return table;
  }
}

function hashRow(row: ArrayLike<number>, start = 0): number {
  let h = 0x811c9dc5;
  for (let k = start; k < start + WIDTH; k++) h = Math.imul(h ^ (row[k] as number), 0x9e3779b1) ^ (h >>> 15);
  return (h ^ (h >>> 13)) >>> 0;
}
