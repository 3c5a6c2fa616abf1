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

/** Rows per page: pages never move, so the table grows without a doubling's copy and spare half. */
const PAGE_BITS = 16;
const PAGE_ROWS = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_ROWS - 1;

export class WitnessTable {
  private pages: Int32Array[] = [];
  private lengthPages: Uint16Array[] = [];
  private count = 0;
  /** Open addressing over link ids, keyed by a hash of the whole link (texts by their id); at most 5/8 full. */
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

  /** Column `k` of link `id`. */
  private cell(id: WitnessId, k: number): number {
    return (this.pages[id >>> PAGE_BITS] as Int32Array)[(id & PAGE_MASK) * WIDTH + k] as number;
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
    const page = this.pages[id >>> PAGE_BITS] as Int32Array;
    const base = (id & PAGE_MASK) * WIDTH;
    for (let k = 0; k < WIDTH; k++) if (page[base + k] !== row[k]) return false;
    return true;
  }

  private append(row: number[]): WitnessId {
    const id = this.count++;
    if ((id & PAGE_MASK) === 0) {
      this.pages.push(new Int32Array(PAGE_ROWS * WIDTH));
      this.lengthPages.push(new Uint16Array(PAGE_ROWS));
    }
    (this.pages[id >>> PAGE_BITS] as Int32Array).set(row, (id & PAGE_MASK) * WIDTH);
    const next = row[NEXT] as number;
    (this.lengthPages[id >>> PAGE_BITS] as Uint16Array)[id & PAGE_MASK] = Math.min(0xffff, 1 + (next >= 0 ? this.length(next) : 0));
    if (this.count * 8 > this.slots.length * 5) this.rehash(this.slots.length * 2);
    else this.slot(id);
    return id;
  }

  private slot(id: WitnessId): void {
    const mask = this.slots.length - 1;
    let s = hashRow(this.pages[id >>> PAGE_BITS] as Int32Array, (id & PAGE_MASK) * WIDTH) & mask;
    while (this.slots[s] !== EMPTY) s = (s + 1) & mask;
    this.slots[s] = id;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(0); // the old slots go before the new ones are made
    this.slots = new Int32Array(size).fill(EMPTY);
    for (let id = 0; id < this.count; id++) this.slot(id);
  }

  /** One link, as an object (made on demand). */
  link(id: WitnessId): WitnessLink | null {
    if (id < 0 || id >= this.count) return null;
    return {
      fn: this.cell(id, FN), line: this.cell(id, LINE), col: this.cell(id, COL),
      kind: this.kinds.strings[this.cell(id, KIND)] as StepKind, next: this.cell(id, NEXT),
      text: this.texts.strings[this.cell(id, TEXT)] as string, length: this.length(id),
    };
  }

  /** Links carried over to new function ids (check-patch added or removed functions); -1: gone. */
  renumberFunctions(newId: (old: number) => number): void {
    for (let id = 0; id < this.count; id++) {
      const page = this.pages[id >>> PAGE_BITS] as Int32Array;
      const at = (id & PAGE_MASK) * WIDTH + FN;
      page[at] = newId(page[at] as number);
    }
    this.rehash(this.slots.length);
  }

  length(id: WitnessId): number {
    return id >= 0 && id < this.count ? (this.lengthPages[id >>> PAGE_BITS] as Uint16Array)[id & PAGE_MASK] as number : 0;
  }

  /** The functions a chain runs through, outermost first (no objects made). */
  forEachFunction(id: WitnessId, visit: (fn: number) => void): void {
    for (let at = id, n = 0; at >= 0 && at < this.count && n < 64; n++) {
      visit(this.cell(at, FN));
      at = this.cell(at, NEXT);
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

  /** The table as stored: its string tables, and its links as rows of six int32 in id order, page by page (views, not copies). */
  exportColumns(): { kinds: string[]; texts: string[]; rows: Int32Array[] } {
    const rows = this.pages.map((page, i) => page.subarray(0, Math.min(PAGE_ROWS, this.count - i * PAGE_ROWS) * WIDTH));
    return { kinds: this.kinds.strings, texts: this.texts.strings, rows };
  }

  /** The table `exportColumns` gave, with the same ids. */
  static fromColumns(kinds: readonly string[], texts: readonly string[], rows: Int32Array): WitnessTable {
    if (rows.length % WIDTH !== 0) throw new Error('witness rows of odd length');
    const table = new WitnessTable();
    for (const k of kinds) table.kinds.id(k);
    for (const t of texts) table.texts.id(t);
    if (table.kinds.strings.length !== kinds.length || table.texts.strings.length !== texts.length) throw new Error('witness strings repeat');
    const count = rows.length / WIDTH;
    // Page by page as the rows lie (no row objects: an image holds millions of links), then the
    // slots once at their final size, in id order as appends would have left them.
    for (let id = 0; id < count; id++) {
      const at = id * WIDTH;
      if ((rows[at + KIND] as number) >= kinds.length || (rows[at + TEXT] as number) >= texts.length || (rows[at + NEXT] as number) >= id) {
        throw new Error('witness table out of order');
      }
    }
    for (let first = 0; first < count; first += PAGE_ROWS) {
      const page = new Int32Array(PAGE_ROWS * WIDTH);
      page.set(rows.subarray(first * WIDTH, Math.min(count, first + PAGE_ROWS) * WIDTH));
      table.pages.push(page);
      table.lengthPages.push(new Uint16Array(PAGE_ROWS));
    }
    table.count = count;
    for (let id = 0; id < count; id++) {
      const next = rows[id * WIDTH + NEXT] as number;
      (table.lengthPages[id >>> PAGE_BITS] as Uint16Array)[id & PAGE_MASK] = Math.min(0xffff, 1 + (next >= 0 ? table.length(next) : 0));
    }
    let size = table.slots.length;
    while (count * 8 > size * 5) size *= 2;
    table.rehash(size);
    return table;
  }
}

function hashRow(row: ArrayLike<number>, start = 0): number {
  let h = 0x811c9dc5;
  for (let k = start; k < start + WIDTH; k++) h = Math.imul(h ^ (row[k] as number), 0x9e3779b1) ^ (h >>> 15);
  return (h ^ (h >>> 13)) >>> 0;
}
