// A stat-keyed index of a tree (like git's index, or ccache's direct mode): for each file, the
// stat it had when it was last read, its facts key and its read problems. A later run whose stats
// all match learns every key without reading or hashing a single file.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Problem } from '../report/types.js';
import { factsFingerprint } from '../version.js';
import { ContentCache } from './facts-cache.js';
import { readIncludeRefs } from './includes.js';

/** The stat fields that must all be unchanged for a file to count as unchanged. */
export interface FileStamp { size: number; mtimeMs: number; ctimeMs: number; ino: number }

export interface TreeEntry extends FileStamp {
  /** Facts key as extract-file computes it; null when the file could not be read or decoded. */
  key: string | null;
  /** The file's problems exactly as collectFacts reports them. */
  problems: Problem[];
  /** Its include refs (includes.ts), when they were read under this same stamp. */
  includes?: string[] | null;
}

/** A stamp and when it was taken (Date.now() at or before the stat). */
export interface Observed { stamp: FileStamp; statAtMs: number }

/** A file read in this run: what it looked like before the read, and what the read gave. */
export interface Recorded { observed: Observed; key: string | null; problems: Problem[]; includes: string[] | null }

/** A file's include refs and the stamp it had before they were read. */
export interface KnownIncludes { stamp: FileStamp; refs: string[] }

interface TreeIndex { entries: Record<string, TreeEntry> }

/**
 * A file changed less than this before its stat may change again within the same timestamp
 * (coarse clocks, FAT's 2 s): its stamp would not tell the two contents apart.
 */
export const RACY_MS = 2000;

function store(cacheDir: string): ContentCache {
  return new ContentCache(path.join(cacheDir, 'trees'));
}

function indexKey(root: string): string {
  return createHash('sha256').update(`tree-index\0${factsFingerprint()}\0${path.resolve(root)}`).digest('hex');
}

function isTreeIndex(value: unknown): value is TreeIndex {
  if (typeof value !== 'object' || value === null) return false;
  const entries = (value as { entries?: unknown }).entries;
  return typeof entries === 'object' && entries !== null && !Array.isArray(entries);
}

/** The stored entries (a Map: paths are data, never object keys); empty when none or damaged. */
function readEntries(root: string, cacheDir: string): Map<string, TreeEntry> {
  const value = store(cacheDir).get<unknown>(indexKey(root));
  return new Map(isTreeIndex(value) ? Object.entries(value.entries) : []);
}

/** An entry only if it has the shape this code writes; anything else counts as absent. */
function entryFor(entries: ReadonlyMap<string, TreeEntry>, rel: string): TreeEntry | null {
  const e = entries.get(rel);
  return typeof e === 'object' && e !== null && (typeof e.key === 'string' || e.key === null) && Array.isArray(e.problems) ? e : null;
}

function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

function stampOf(root: string, rel: string): FileStamp | null {
  try {
    const st = statSync(path.join(root, rel), { throwIfNoEntry: false });
    return st ? { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino } : null;
  } catch {
    return null;
  }
}

/**
 * Stats of many files (null: no stat), in order. Synchronous on purpose: on a warm dentry cache
 * a stat is a microsecond syscall, and 7,700 of them take ~25 ms this way against 60-110 ms
 * through the thread pool (promises or callbacks, batched or not) on a loaded 2-CPU machine.
 * The clock is read once, before the first stat: an earlier time only makes more files racy.
 */
export function observeFiles(root: string, files: readonly string[]): (Observed | null)[] {
  const statAtMs = Date.now();
  return files.map((f) => {
    const stamp = stampOf(root, f);
    return stamp && { stamp, statAtMs };
  });
}

function isRacy({ stamp, statAtMs }: Observed): boolean {
  return statAtMs - stamp.mtimeMs < RACY_MS || statAtMs - stamp.ctimeMs < RACY_MS;
}

/**
 * Every file's facts key and problems (in the order of `files`) from the index alone, or null
 * at the first file missing from it or whose stat differs: the caller then reads the tree.
 * Async so that the stats can move to the thread pool if that ever pays (see observeFiles).
 */
export async function lookupTreeKeys(root: string, files: string[], cacheDir: string): Promise<{ keys: Map<string, string>; problems: Problem[] } | null> {
  const entries = readEntries(root, cacheDir);
  const keys = new Map<string, string>();
  const problems: Problem[] = [];
  for (const f of files) {
    const e = entryFor(entries, f);
    const now = e && stampOf(root, f);
    if (!e || !now || !sameStamp(now, e)) return null;
    if (e.key !== null) keys.set(f, e.key);
    for (const p of e.problems) problems.push(p);
  }
  return { keys, problems };
}

function toEntry({ observed, key, problems, includes }: Recorded): TreeEntry {
  const { size, mtimeMs, ctimeMs, ino } = observed.stamp;
  return { size, mtimeMs, ctimeMs, ino, key, problems, includes };
}

function sameEntry(a: TreeEntry | null, b: TreeEntry): boolean {
  return a !== null && sameStamp(a, b) && a.key === b.key && JSON.stringify(a.problems) === JSON.stringify(b.problems)
    && JSON.stringify(a.includes ?? null) === JSON.stringify(b.includes ?? null);
}

/**
 * A reader of include refs: the index's when the file's stat still matches its entry (no read),
 * else the file's own, under the stamp taken before reading it. Null for a file with no stat.
 */
export function includesReader(root: string, cacheDir: string | null): (rel: string) => KnownIncludes | null {
  const entries = cacheDir ? readEntries(root, cacheDir) : new Map<string, TreeEntry>();
  return (rel) => {
    const stamp = stampOf(root, rel);
    if (!stamp) return null;
    const e = entryFor(entries, rel);
    if (e && Array.isArray(e.includes) && sameStamp(e, stamp)) return { stamp, refs: e.includes };
    return { stamp, refs: readIncludeRefs(root, rel) };
  };
}

/** The refs of `known` if they were read under `stamp` (the file has not changed since). */
export function includesUnder(known: KnownIncludes | undefined, stamp: FileStamp): string[] | null {
  return known && sameStamp(known.stamp, stamp) ? known.refs : null;
}

/**
 * Merges what this run read into the stored index (other paths' entries are kept) and writes it
 * back, unless nothing changed. Racy stamps are left out: those files are read again next time.
 * Two runs writing at once lose one run's additions, which only costs a re-read.
 */
export function recordTreeKeys(root: string, cacheDir: string, recorded: ReadonlyMap<string, Recorded>): void {
  const entries = readEntries(root, cacheDir);
  let changed = false;
  for (const [rel, r] of recorded) {
    if (isRacy(r.observed)) continue;
    const entry = toEntry(r);
    if (sameEntry(entryFor(entries, rel), entry)) continue;
    entries.set(rel, entry);
    changed = true;
  }
  if (changed) store(cacheDir).put(indexKey(root), { entries: Object.fromEntries(entries) } satisfies TreeIndex);
}
