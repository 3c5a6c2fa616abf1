// A persistent facts cache: one JSON file per (analyzer version, path, content). Entries are
// written to a temp file and renamed into place, so concurrent runs and a crash mid-write never
// leave a torn entry; an entry that does not parse or names another key is ignored.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

export class FactsCache {
  private readonly store: ContentCache;

  constructor(dir: string) {
    this.store = new ContentCache(path.join(dir, 'facts'));
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
