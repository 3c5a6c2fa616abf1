// A persistent facts cache: one JSON file per (analyzer version, path, content). Entries are
// written to a temp file and renamed into place, so concurrent runs and a crash mid-write never
// leave a torn entry; an entry that does not parse or names another key is ignored.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { FileFacts } from '../facts/types.js';
import { codeFingerprint } from '../version.js';

export function defaultCacheDir(): string {
  if (process.env.KDEADLOCK_CACHE) return process.env.KDEADLOCK_CACHE;
  const base = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(base, 'kdeadlock');
}

/** Content address of a file's facts: what they depend on, and nothing else. */
export function factsKey(rel: string, text: string): string {
  return createHash('sha256').update(`facts\0${codeFingerprint()}\0${rel}\0`).update(text).digest('hex');
}

interface Entry<T> { key: string; value: T }

export class ContentCache {
  constructor(private readonly dir: string) {}

  private file(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  has(key: string): boolean {
    return existsSync(this.file(key));
  }

  get<T>(key: string): T | null {
    try {
      const entry = JSON.parse(readFileSync(this.file(key), 'utf8')) as Entry<T>;
      return entry.key === key ? entry.value : null;
    } catch {
      return null;
    }
  }

  put<T>(key: string, value: T): void {
    const target = this.file(key);
    const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(tmp, JSON.stringify({ key, value } satisfies Entry<T>));
      renameSync(tmp, target);
    } catch {
      // A cache that cannot be written only costs time.
      rmSync(tmp, { force: true });
    }
  }
}

/** Analyzer versions whose facts are kept: two checkouts sharing a cache do not evict each other. */
const KEEP_VERSIONS = 3;

/**
 * Facts by content key, one directory per analyzer version (facts of another version are never
 * read: their keys differ), so that the versions not used lately can be dropped whole.
 */
export class FactsCache {
  private readonly store: ContentCache;

  constructor(dir: string) {
    this.store = new ContentCache(path.join(dir, 'facts', codeFingerprint().slice(0, 16)));
  }

  /** Marks this version's facts as used now and drops those of versions not used lately. */
  static pruneVersions(dir: string): void {
    const root = path.join(dir, 'facts');
    const mine = codeFingerprint().slice(0, 16);
    try {
      mkdirSync(path.join(root, mine), { recursive: true });
      utimesSync(path.join(root, mine), new Date(), new Date());
      const versions = readdirSync(root).filter((n) => /^[0-9a-f]{16}$/.test(n))
        .map((n) => ({ n, t: statSync(path.join(root, n)).mtimeMs })).sort((a, b) => b.t - a.t);
      for (const { n } of versions.slice(KEEP_VERSIONS)) if (n !== mine) rmSync(path.join(root, n), { recursive: true, force: true });
    } catch {
      // Another run pruning at the same moment, or a read-only cache: only costs disk space.
    }
  }

  has(key: string): boolean {
    return this.store.has(key);
  }

  get(key: string): FileFacts | null {
    return this.store.get<FileFacts>(key);
  }

  put(key: string, facts: FileFacts): void {
    this.store.put(key, facts);
  }
}
