// Entries by content key, appended to pack files rather than written one file each: a cold scan
// of a whole tree makes tens of thousands of entries, and making a file costs the kernel a
// fraction of a millisecond (seconds of system time per parser thread) where an append costs
// microseconds. Each thread of a run appends to a pack of its own; where each entry lies is in
// index files, written by the run's main thread once its threads are done. An entry no index
// names is never read, so a run killed midway leaves only unreferenced bytes.
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';

/** Where an entry lies: a pack of the store's directory, and a byte range in it. */
export interface PackLocation { pack: string; offset: number; length: number }

interface IndexFile { format: typeof INDEX_FORMAT; entries: [string, string, number, number][] }

const INDEX_FORMAT = 1;
let indexesWritten = 0;
const PACK = /^[\w-]+\.pack$/;
const INDEX = /^[\w-]+\.idx$/;

export class PackStore {
  /**
   * Locations by key, newest first: the index files read at first use, and what this store
   * appended since. Keys are content addresses, so any location holds the same entry; an older
   * one serves when a newer one no longer reads.
   */
  private locations: Map<string, PackLocation[]> | null = null;
  private writer: { pack: string; size: number } | null = null;

  constructor(private readonly dir: string) {}

  has(key: string): boolean {
    return this.index().has(key);
  }

  /** An entry's bytes, the newest that `valid` accepts; null when no index names one, or no pack holds it (any more). */
  read(key: string, valid: (bytes: Buffer) => boolean = () => true): Buffer | null {
    for (const at of this.index().get(key) ?? []) {
      const bytes = this.readAt(at);
      if (bytes && valid(bytes)) return bytes;
    }
    return null;
  }

  private readAt(at: PackLocation): Buffer | null {
    if (!PACK.test(at.pack)) return null;
    let fd: number | null = null;
    try {
      fd = openSync(path.join(this.dir, at.pack), 'r');
      const out = Buffer.allocUnsafe(at.length);
      for (let done = 0; done < at.length;) {
        const n = readSync(fd, out, done, at.length - done, at.offset + done);
        if (n <= 0) return null;
        done += n;
      }
      return out;
    } catch {
      return null;
    } finally {
      if (fd !== null) closeSync(fd);
    }
  }

  /**
   * Appends an entry to this thread's pack; its location, for the run's index (null when the
   * store cannot be written: a cache that cannot be written only costs time).
   */
  append(key: string, bytes: Buffer): PackLocation | null {
    try {
      if (!this.writer) {
        mkdirSync(this.dir, { recursive: true });
        this.writer = { pack: `${process.pid}-${threadId}-${randomBytes(6).toString('hex')}.pack`, size: 0 };
      }
      const fd = openSync(path.join(this.dir, this.writer.pack), 'a');
      try {
        for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
      } finally {
        closeSync(fd);
      }
      const at = { pack: this.writer.pack, offset: this.writer.size, length: bytes.length };
      this.writer.size += bytes.length;
      this.index().set(key, [at, ...(this.index().get(key) ?? [])]);
      return at;
    } catch {
      // A failed append may have left some bytes: start a new pack, so offsets stay true.
      this.writer = null;
      return null;
    }
  }

  /** Records where entries lie, for every later reader of the directory; false when it cannot. */
  static writeIndex(dir: string, entries: readonly [string, PackLocation][]): boolean {
    if (entries.length === 0) return true;
    // Named by time (and order within this process) first: a reader takes later indexes' locations first.
    const name = `${Date.now().toString(36).padStart(10, '0')}-${String(indexesWritten++).padStart(6, '0')}-${process.pid}-${randomBytes(6).toString('hex')}.idx`;
    const tmp = path.join(dir, `${name}.tmp`);
    const file: IndexFile = { format: INDEX_FORMAT, entries: entries.map(([key, at]) => [key, at.pack, at.offset, at.length]) };
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(tmp, JSON.stringify(file));
      renameSync(tmp, path.join(dir, name));
      return true;
    } catch {
      rmSync(tmp, { force: true });
      return false;
    }
  }

  private index(): Map<string, PackLocation[]> {
    if (this.locations) return this.locations;
    const locations = new Map<string, PackLocation[]>();
    let names: string[] = [];
    try {
      names = readdirSync(this.dir).filter((n) => INDEX.test(n)).sort().reverse();
    } catch {
      // No directory yet: nothing stored.
    }
    for (const name of names) {
      for (const [key, pack, offset, length] of readIndex(path.join(this.dir, name))) {
        const at = { pack, offset, length };
        const known = locations.get(key);
        if (known) known.push(at);
        else locations.set(key, [at]);
      }
    }
    this.locations = locations;
    return locations;
  }
}

/** An index file's entries; none when it does not read as one. */
function readIndex(file: string): IndexFile['entries'] {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<IndexFile>;
    if (parsed.format !== INDEX_FORMAT || !Array.isArray(parsed.entries)) return [];
    return parsed.entries.filter((e) => Array.isArray(e) && e.length === 4 && typeof e[0] === 'string' && typeof e[1] === 'string'
      && Number.isSafeInteger(e[2]) && Number.isSafeInteger(e[3]) && e[2] >= 0 && e[3] >= 0);
  } catch {
    return [];
  }
}
