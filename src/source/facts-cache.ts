// A persistent facts cache: one entry per (analyzer version, path, content), appended to packs
// (source/pack-store.ts). An entry that does not parse or names another key is ignored.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { type FileOutline, outlineOf } from '../facts/outline.js';
import type { FileFacts, Stmt } from '../facts/types.js';
import { factsFingerprint } from '../version.js';
import { type PackLocation, PackStore } from './pack-store.js';

export function defaultCacheDir(): string {
  if (process.env.KDEADLOCK_CACHE) return process.env.KDEADLOCK_CACHE;
  const base = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(base, 'kdeadlock');
}

let scratch: string | null = null;

/**
 * A facts directory for runs without a cache (bodies are read back from disk), removed at exit,
 * also on Ctrl-C or SIGTERM (a whole tree's facts are over a gigabyte).
 */
export function scratchFactsDir(): string {
  if (!scratch) {
    const dir = mkdtempSync(path.join(tmpdir(), 'kdeadlock-facts-'));
    scratch = dir;
    const remove = (): void => rmSync(dir, { recursive: true, force: true });
    process.on('exit', remove);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      // Once: after removing, the signal is sent again and ends the process as it would have.
      process.once(signal, () => { remove(); process.kill(process.pid, signal); });
    }
  }
  return scratch;
}

/** Content address of a file's facts: what they depend on, and nothing else. */
export function factsKey(rel: string, text: string): string {
  return createHash('sha256').update(`facts\0${factsFingerprint()}\0${rel}\0`).update(text).digest('hex');
}

interface Entry<T> { key: string; value: T }

/**
 * Small JSON values by key, one file each (the stat index of a tree): written to a temp file and
 * renamed into place, so concurrent runs and a crash mid-write never leave a torn entry.
 */
export class ContentCache {
  constructor(private readonly dir: string) {}

  private file(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  get<T>(key: string): T | null {
    const bytes = this.readBytes(key);
    if (!bytes) return null;
    try {
      const entry = JSON.parse(bytes.toString('utf8')) as Entry<T>;
      return entry.key === key ? entry.value : null;
    } catch {
      return null;
    }
  }

  put<T>(key: string, value: T): void {
    this.putBytes(key, Buffer.from(JSON.stringify({ key, value } satisfies Entry<T>)));
  }

  /** An entry's raw bytes; null when there is none. */
  private readBytes(key: string): Buffer | null {
    try {
      return readFileSync(this.file(key));
    } catch {
      return null;
    }
  }

  private putBytes(key: string, bytes: Buffer): void {
    const target = this.file(key);
    const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(tmp, bytes);
      renameSync(tmp, target);
    } catch {
      // A cache that cannot be written only costs time.
      rmSync(tmp, { force: true });
    }
  }
}

/** This analyzer version's facts under a cache directory. */
function versionDir(dir: string): string {
  return path.join(dir, 'facts', factsFingerprint().slice(0, 16));
}

/** Analyzer versions whose facts are kept: two checkouts sharing a cache do not evict each other. */
const KEEP_VERSIONS = 3;

/**
 * Facts by content key, one directory per analyzer version (facts of another version are never
 * read: their keys differ), so that the versions not used lately can be dropped whole.
 */
export class FactsCache {
  private readonly store: PackStore;

  constructor(dir: string) {
    this.store = new PackStore(versionDir(dir));
  }

  /** Makes entries this run's threads appended readable by later stores of `dir` (see PackStore). */
  static recordLocations(dir: string, entries: readonly [string, PackLocation][]): void {
    PackStore.writeIndex(versionDir(dir), entries);
  }

  /** Marks this version's facts as used now and drops those of versions not used lately. */
  static pruneVersions(dir: string): void {
    const root = path.join(dir, 'facts');
    const mine = factsFingerprint().slice(0, 16);
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

  /**
   * Stores a file's facts as its outline and its function bodies apart, so that one body can be
   * read without parsing the rest: `{"key","bodies":[offsets]}` NL outline NL bodies. Returns the
   * outline as written (JSON), and where the entry lies (null: not stored) for the run's index.
   */
  put(key: string, facts: FileFacts): { outline: string; stored: PackLocation | null } {
    const outline = JSON.stringify(outlineOf(facts));
    const bodies = facts.functions.map((fn) => Buffer.from(JSON.stringify(fn.body)));
    const offsets = [0];
    for (const b of bodies) offsets.push((offsets[offsets.length - 1] as number) + b.length);
    const head = Buffer.from(`${JSON.stringify({ key, bodies: offsets })}\n${outline}\n`);
    const stored = this.store.append(key, Buffer.concat([head, ...bodies]));
    return { outline, stored };
  }

  /** The entry of `key`, split; null when there is none or it is not one this code wrote. */
  entry(key: string): FactsEntry | null {
    const bytes = this.store.read(key, (b) => splitEntry(key, b) !== null);
    return bytes ? splitEntry(key, bytes) : null;
  }

  outline(key: string): FileOutline | null {
    const text = this.outlineText(key);
    if (text === null) return null;
    try {
      return JSON.parse(text) as FileOutline;
    } catch {
      return null;
    }
  }

  /** The outline of `key` as stored (JSON), unparsed: parser threads hand it on as it is. */
  outlineText(key: string): string | null {
    const e = this.entry(key);
    return e ? e.bytes.toString('utf8', e.outlineAt[0], e.outlineAt[1]) : null;
  }
}

/** An entry's parts, when its bytes are an entry of `key` as `put` writes them. */
function splitEntry(key: string, bytes: Buffer): FactsEntry | null {
  try {
    const first = bytes.indexOf(10);
    const second = bytes.indexOf(10, first + 1);
    if (first < 0 || second < 0) return null;
    const head = JSON.parse(bytes.toString('utf8', 0, first)) as { key?: unknown; bodies?: unknown };
    if (head.key !== key || !Array.isArray(head.bodies)) return null;
    return { bytes, outlineAt: [first + 1, second], bodiesAt: second + 1, offsets: head.bodies as number[] };
  } catch {
    return null;
  }
}

/** A facts entry's bytes and where its parts are. */
export interface FactsEntry { bytes: Buffer; outlineAt: [number, number]; bodiesAt: number; offsets: number[] }

/** Body `index` of an entry, parsed. */
export function bodyOf(e: FactsEntry, index: number): Stmt[] | null {
  const start = e.offsets[index];
  const end = e.offsets[index + 1];
  if (start === undefined || end === undefined) return null;
  return JSON.parse(e.bytes.toString('utf8', e.bodiesAt + start, e.bodiesAt + end)) as Stmt[];
}
