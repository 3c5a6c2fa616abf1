// Function bodies on demand. A whole kernel's bodies as objects would not fit in memory, and
// each is read a few times at most (its own analysis, lock-identity questions from callers):
// they stay in the facts cache, one entry per file, and are parsed one function at a time.
// Both caches are bounded; what they evict is read again from disk.
import { LRUCache } from 'lru-cache';
import type { FunctionOutline, LoadedFile, FileOutline } from '../facts/outline.js';
import type { FunctionFacts, Stmt } from '../facts/types.js';
import { type FactsCache, type FactsEntry, bodyOf } from './facts-cache.js';

/** Facts the analysis reads are not there or not readable: the data's trouble, not the analysis's. */
export class FactsUnavailable extends Error {}

/** A body that should be in the facts cache is not (pruned by another run, disk trouble). */
export class BodyMissing extends FactsUnavailable {}

/** Raw entries kept: enough for the files one component of the call graph spans. */
const ENTRY_BYTES = 24 * 1024 * 1024;
/** Parsed bodies kept, by their JSON length (objects take several times that). */
const BODY_CHARS = 4 * 1024 * 1024;

export class BodyStore {
  private readonly entries = new LRUCache<string, FactsEntry>({ maxSize: ENTRY_BYTES, sizeCalculation: (e) => Math.max(1, e.bytes.length) });
  private readonly bodies = new LRUCache<string, { body: Stmt[]; size: number }>({ maxSize: BODY_CHARS, sizeCalculation: (b) => Math.max(1, b.size) });

  constructor(readonly cache: FactsCache) {}

  body(key: string, index: number): Stmt[] {
    const id = `${key}:${index}`;
    const hit = this.bodies.get(id);
    if (hit) return hit.body;
    const entry = this.entry(key);
    const body = bodyOf(entry, index);
    if (!body) throw new BodyMissing(`no function ${index} in facts ${key.slice(0, 12)}`);
    const size = (entry.offsets[index + 1] as number) - (entry.offsets[index] as number);
    this.bodies.set(id, { body, size });
    return body;
  }

  private entry(key: string): FactsEntry {
    let e = this.entries.get(key);
    if (!e) {
      e = this.cache.entry(key) ?? undefined;
      if (!e) throw new BodyMissing(`facts ${key.slice(0, 12)} are gone from the cache`);
      this.entries.set(key, e);
    }
    return e;
  }

  /** A file whose functions read their bodies from this store. */
  file(outline: FileOutline, key: string): LoadedFile {
    return { ...outline, functions: outline.functions.map((fn, i) => new StoredFunction(fn, () => this.body(key, i))) };
  }
}

/** A function whose body is read from the store when asked for; the rest is its outline's. */
class StoredFunction implements FunctionFacts {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly isStatic: boolean;
  readonly conditions: string[];
  readonly params: FunctionFacts['params'];
  readonly returnType: FunctionFacts['returnType'];
  readonly isMacro: boolean;
  readonly errors: number;
  readonly index: FunctionOutline['index'];

  constructor(outline: FunctionOutline, private readonly load: () => Stmt[]) {
    this.name = outline.name;
    this.file = outline.file;
    this.line = outline.line;
    this.isStatic = outline.isStatic;
    this.conditions = outline.conditions;
    this.params = outline.params;
    this.returnType = outline.returnType;
    this.isMacro = outline.isMacro;
    this.errors = outline.errors;
    this.index = outline.index;
  }

  get body(): Stmt[] {
    return this.load();
  }
}
