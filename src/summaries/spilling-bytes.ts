// Byte strings by id (packed summaries), appended to one log in fixed pages. Past a memory
// budget the oldest pages are written to a temporary file and dropped: a whole kernel's packed
// summaries (over half a GiB for 6.12) would otherwise stay in the process to the end, while the
// bottom-up pass mostly reads the summaries it made last (and keeps those it reads as objects).
import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const PAGE_BYTES = 1 << 20;
/** Pages kept in memory by default: enough for a subsystem never to touch the disk. */
export const DEFAULT_RESIDENT_BYTES = 128 * 1024 * 1024;

const ABSENT = -1;

/** A spill file, closed when its store is collected (a store is dropped, never closed, by its users). */
const spillFiles = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});

export class SpillingBytes {
  /** Log pages in order; null once written to the spill file. */
  private readonly pages: (Buffer | null)[] = [];
  private firstResident = 0;
  /** Bytes appended to the log: the next entry's offset. */
  private end = 0;
  private offsets = new Float64Array(1024).fill(ABSENT);
  private lengths = new Int32Array(1024);
  private fd: number | null = null;
  /** The spill file could not be written: everything stays in memory. */
  private spillFailed = false;

  constructor(private readonly residentBytes = DEFAULT_RESIDENT_BYTES) {}

  /** Bytes the log holds in memory (for tests and memory accounting). */
  get bytesInMemory(): number {
    return this.pages.reduce((n, p) => n + (p ? p.length : 0), 0);
  }

  has(id: number): boolean {
    return id >= 0 && id < this.offsets.length && (this.offsets[id] as number) !== ABSENT;
  }

  sizeOf(id: number): number {
    return this.has(id) ? this.lengths[id] as number : 0;
  }

  set(id: number, bytes: Uint8Array): void {
    this.reserve(id);
    this.offsets[id] = this.end;
    this.lengths[id] = bytes.length;
    for (let done = 0; done < bytes.length;) {
      const page = this.end % PAGE_BYTES === 0 ? this.newPage() : this.pages[this.pages.length - 1] as Buffer;
      const at = this.end % PAGE_BYTES;
      const n = Math.min(bytes.length - done, PAGE_BYTES - at);
      page.set(bytes.subarray(done, done + n), at);
      done += n;
      this.end += n;
    }
  }

  delete(id: number): void {
    if (this.has(id)) this.offsets[id] = ABSENT;
  }

  /** The bytes of `id`: a view when they sit in one page in memory, else a copy. */
  get(id: number): Uint8Array | undefined {
    if (!this.has(id)) return undefined;
    const start = this.offsets[id] as number;
    const length = this.lengths[id] as number;
    const first = Math.floor(start / PAGE_BYTES);
    const page = this.pages[first];
    const at = start % PAGE_BYTES;
    if (page && at + length <= PAGE_BYTES) return page.subarray(at, at + length);
    const out = Buffer.allocUnsafe(length);
    for (let done = 0; done < length;) {
      const offset = start + done;
      const index = Math.floor(offset / PAGE_BYTES);
      const within = offset % PAGE_BYTES;
      const n = Math.min(length - done, PAGE_BYTES - within);
      const resident = this.pages[index];
      if (resident) resident.copy(out, done, within, within + n);
      else this.readSpilled(out, done, n, offset);
      done += n;
    }
    return out;
  }

  private readSpilled(out: Buffer, at: number, length: number, position: number): void {
    for (let done = 0; done < length;) {
      const n = readSync(this.fd as number, out, at + done, length - done, position + done);
      if (n <= 0) throw new Error('summary spill file is shorter than written');
      done += n;
    }
  }

  private reserve(id: number): void {
    if (id < this.offsets.length) return;
    let size = this.offsets.length;
    while (size <= id) size *= 2;
    const offsets = new Float64Array(size).fill(ABSENT);
    offsets.set(this.offsets);
    const lengths = new Int32Array(size);
    lengths.set(this.lengths);
    this.offsets = offsets;
    this.lengths = lengths;
  }

  private newPage(): Buffer {
    const page = Buffer.alloc(PAGE_BYTES);
    this.pages.push(page);
    this.spillOldPages();
    return page;
  }

  /** Writes out the oldest full pages while the log holds more than its budget in memory. */
  private spillOldPages(): void {
    const budgetPages = Math.max(1, Math.floor(this.residentBytes / PAGE_BYTES));
    while (!this.spillFailed && this.pages.length - this.firstResident > budgetPages) {
      const index = this.firstResident;
      const page = this.pages[index] as Buffer;
      try {
        const fd = this.spillFile();
        for (let done = 0; done < page.length;) done += writeSync(fd, page, done, page.length - done, index * PAGE_BYTES + done);
      } catch {
        // No room for the spill file: the summaries stay in memory, as they would without one.
        this.spillFailed = true;
        return;
      }
      this.pages[index] = null;
      this.firstResident++;
    }
  }

  /** The spill file, opened and unlinked at once (the descriptor keeps it; nothing is left behind). */
  private spillFile(): number {
    if (this.fd !== null) return this.fd;
    const dir = mkdtempSync(path.join(tmpdir(), 'kdeadlock-summaries-'));
    const file = path.join(dir, 'spill');
    this.fd = openSync(file, 'w+');
    spillFiles.register(this, this.fd);
    try {
      unlinkSync(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return this.fd;
  }
}
