// File discovery under a kernel tree: which .c/.h files a scan reads, and the problems met
// on the way (unreadable directories, symlink loops). Nothing here is fatal.
import { readFileSync, readdirSync } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Problem } from '../report/types.js';
import { sharedHeaderDirs } from './includes.js';

export interface DiscoverOptions {
  root: string;
  /** Paths to scan, relative to root; empty = the whole tree. */
  paths: string[];
  arch: string;
}

export interface Discovered {
  /** The files under the scan's paths, relative to root, '/'-separated, sorted. */
  files: string[];
  /**
   * Headers of the shared include directories that no scan path names: read only when a file
   * includes them (see includes.ts). Sorted.
   */
  headers: string[];
  problems: Problem[];
}

const SKIPPED_TOP_DIRS = new Set(['Documentation', 'tools', 'scripts', 'samples', 'usr', 'LICENSES', '.git']);

export class InputError extends Error {}

export async function discoverFiles(opts: DiscoverOptions): Promise<Discovered> {
  const root = path.resolve(opts.root);
  const rootStat = await stat(root).catch(() => null);
  if (!rootStat?.isDirectory()) throw new InputError(`no such directory: ${opts.root}`);
  const found = new Set<string>();
  const problems: Problem[] = [];
  const seenDirs = new Set<string>();
  const starts = opts.paths.length ? opts.paths : ['.'];
  const sharedDirs = sharedHeaderDirs(opts.arch);
  const scope = archScope(root, opts.arch);
  // A path inside a shared include directory (`scan include/linux`) asks for its headers outright.
  const named: string[] = [];
  for (const p of starts) {
    const abs = path.resolve(root, p);
    if (!abs.startsWith(root)) throw new InputError(`path outside the root: ${p}`);
    const st = await stat(abs).catch(() => null);
    if (!st) throw new InputError(`no such path: ${p}`);
    const rel = relative(root, abs);
    if (sharedDirs.some((dir) => isWithin(rel, dir))) named.push(rel);
    if (st.isFile()) {
      if (isSource(abs)) found.add(rel);
      continue;
    }
    await walk(root, abs, scope, found, problems, seenDirs, false);
  }
  for (const dir of sharedDirs) {
    const abs = path.join(root, dir);
    if ((await stat(abs).catch(() => null))?.isDirectory()) await walk(root, abs, scope, found, problems, seenDirs, true);
  }
  const files: string[] = [];
  const headers: string[] = [];
  for (const rel of [...found].sort()) {
    const shared = rel.endsWith('.h') && sharedDirs.some((dir) => isWithin(rel, dir)) && !named.some((p) => isWithin(rel, p));
    (shared ? headers : files).push(rel);
  }
  return { files, headers, problems };
}

function isWithin(rel: string, dir: string): boolean {
  return rel === dir || rel.startsWith(`${dir}/`);
}

async function walk(root: string, dir: string, scope: ArchScope, found: Set<string>, problems: Problem[], seen: Set<string>, headersOnly: boolean): Promise<void> {
  let real: string;
  try {
    real = await realpath(dir);
  } catch {
    problems.push({ file: relative(root, dir), kind: 'symlink-loop', message: 'cannot resolve directory (broken link or loop)' });
    return;
  }
  if (seen.has(real)) return;
  seen.add(real);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    problems.push({ file: relative(root, dir), kind: 'unreadable', message: `cannot read directory: ${(err as Error).message}` });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const abs = path.join(dir, entry.name);
    const rel = relative(root, abs);
    if (isExcluded(rel, scope)) continue;
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(abs).catch(() => null);
      if (!target) {
        problems.push({ file: rel, kind: 'symlink-loop', message: 'broken or looping symbolic link' });
        continue;
      }
      isDir = target.isDirectory();
      isFile = target.isFile();
    }
    if (isDir) await walk(root, abs, scope, found, problems, seen, headersOnly);
    else if (isFile && isSource(abs) && (!headersOnly || abs.endsWith('.h'))) found.add(rel);
  }
}

/** The architecture a scan builds, and the directories outside arch/ only other architectures build. */
export interface ArchScope {
  arch: string;
  /** `drivers/s390`: named by `arch/s390/Makefile` (`drivers-y += drivers/s390/`) and by no Makefile of ours. */
  foreignDirs: readonly string[];
}

/** A goal list of an architecture's Makefile that adds directories of the tree (`drivers-y += drivers/s390/`). */
const ARCH_GOAL_LIST = /^\s*(?:core|drivers|libs|net)-[A-Za-z0-9_$()]*\s*(?:\+|:)?=\s*(.*)$/;

/**
 * Reads every architecture's Makefile for the directories outside arch/ it builds: those only
 * another architecture names are that architecture's (drivers/s390 is built by s390's Makefile
 * and mentioned by no Makefile under drivers/), and an x86 build never reads them.
 */
export function archScope(root: string, arch: string): ArchScope {
  const owners = new Map<string, Set<string>>();
  let arches: string[] = [];
  try {
    arches = readdirSync(path.join(root, 'arch'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch {
    return { arch, foreignDirs: [] };
  }
  for (const a of arches) {
    let text: string;
    try {
      text = readFileSync(path.join(root, 'arch', a, 'Makefile'), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const words = ARCH_GOAL_LIST.exec(line)?.[1]?.split(/\s+/) ?? [];
      for (const word of words) {
        if (!word.endsWith('/') || word.startsWith('arch/') || word.includes('$')) continue;
        const dir = word.replace(/\/+$/, '');
        owners.set(dir, (owners.get(dir) ?? new Set()).add(a));
      }
    }
  }
  const foreignDirs = [...owners].filter(([, by]) => !by.has(arch)).map(([dir]) => dir).sort();
  return { arch, foreignDirs };
}

/** Other architectures (their arch/ directory and what only they build) and non-kernel directories are not part of an `--arch` build. */
export function isExcluded(rel: string, scope: ArchScope): boolean {
  const parts = rel.split('/');
  if (parts.length > 1 && SKIPPED_TOP_DIRS.has(parts[0] ?? '')) return true;
  if (parts[0] === 'arch' && parts.length > 1 && parts[1] !== scope.arch) return true;
  return scope.foreignDirs.some((dir) => isWithin(rel, dir));
}

function isSource(p: string): boolean {
  return p.endsWith('.c') || p.endsWith('.h');
}

function relative(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/') || '.';
}
