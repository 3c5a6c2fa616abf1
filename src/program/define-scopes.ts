// Which file sees a name defined. `#ifdef DEBUG` asks the translation unit, not the tree: a
// driver that does `#define DEBUG` before its includes turns on its own debug code, not that of
// the 400 other files testing DEBUG. A name some shared header (include/, arch/<arch>/include)
// defines is taken as seen everywhere, as before; any other name asked by `defined()` is seen by a
// file only where the file itself, a local header it includes (transitively), or its Makefile's
// command line (`ccflags-y += -DDEBUG`) defines it.
import type { LoadedFile } from '../facts/outline.js';
import { forEachPackedMacro } from '../facts/outline.js';
import { ENUMERATOR } from './conditions.js';
import { getOrInit } from './program.js';

/** Plain data, kept in the summary image. */
export interface DefineScopes {
  /** Names asked by `defined()` that no shared header defines. Sorted. */
  scoped: string[];
  /** For each file asking about a scoped name: those it sees defined (possibly none). Sorted by file. */
  visible: Record<string, string[]>;
}

/** What a file includes and what its build defines, as the tree listing found them. */
export interface IncludeSight {
  /** A file's `#include` refs as written. */
  refsOf(file: string): readonly string[];
  resolve(from: string, ref: string): string | null;
  /** Under a directory every translation unit may include from (include/, arch/<arch>/include). */
  isShared(file: string): boolean;
  /** `-DNAME`s on the command line compiling a .c file. */
  commandLineDefines(file: string): readonly string[];
}

/**
 * The scoped names and who sees them. `definedWhere(conditions)`: whether a definition under
 * these `#if`s may be compiled (judged on config tests: a `#ifndef DEBUG` guard around
 * `#define DEBUG 0` must not hide the definition it guards).
 */
export function defineScopes(files: readonly LoadedFile[], sight: IncludeSight, definedWhere: (conditions: string[]) => boolean): DefineScopes {
  const asked = new Set(files.flatMap((f) => f.definedRefs));
  const definers = new Map<string, Set<string>>();
  const global = new Set<string>();
  for (const f of files) {
    const shared = sight.isShared(f.path);
    forEachPackedMacro(f.macros, (name, value, conditions) => {
      if (!asked.has(name) || value.startsWith(ENUMERATOR) || global.has(name)) return;
      if (shared) global.add(name);
      else if (definedWhere(conditions())) getOrInit(definers, name, () => new Set()).add(f.path);
    });
  }
  const scoped = new Set([...asked].filter((n) => !global.has(n) && !n.startsWith('CONFIG_')));
  const visible: Record<string, string[]> = {};
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const wanted = f.definedRefs.filter((n) => scoped.has(n));
    if (wanted.length === 0) continue;
    const unit = localUnit(f.path, sight);
    const flags = f.path.endsWith('.c') ? new Set(sight.commandLineDefines(f.path)) : new Set<string>();
    visible[f.path] = wanted.filter((n) => flags.has(n) || [...definers.get(n) ?? []].some((d) => unit.has(d)));
  }
  return { scoped: [...scoped].sort(), visible };
}

/** The file and the local (not shared) files it includes, transitively. */
function localUnit(file: string, sight: IncludeSight): Set<string> {
  const unit = new Set([file]);
  const queue = [file];
  for (let at = queue.pop(); at !== undefined; at = queue.pop()) {
    for (const ref of sight.refsOf(at)) {
      const to = sight.resolve(at, ref);
      if (to === null || unit.has(to) || sight.isShared(to)) continue;
      unit.add(to);
      queue.push(to);
    }
  }
  return unit;
}
