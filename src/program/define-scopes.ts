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
  /** Names asked by `defined()` that some file or Makefile defines, but no shared header. Sorted. */
  scoped: string[];
  /** For each file asking about a scoped name: those it sees defined (possibly none). Sorted by file. */
  visible: Record<string, string[]>;
  /**
   * Asking files whose unit we do not see whole: some local include names no file we know
   * (`#include "regs.h"` found through a Makefile's `-I`), or another file #includes the .c file
   * after its own #defines. What they do not see may still be defined. Sorted.
   */
  partial: string[];
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
  /** Every name some command line defines. */
  commandLineNames: ReadonlySet<string>;
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
  // A name nothing defines is not defined anywhere, as before.
  const scoped = new Set([...asked].filter((n) => !global.has(n) && !n.startsWith('CONFIG_') && (definers.has(n) || sight.commandLineNames.has(n))));
  const visible: Record<string, string[]> = {};
  const partial: string[] = [];
  const included = includedSources(files, sight);
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const wanted = f.definedRefs.filter((n) => scoped.has(n));
    if (wanted.length === 0) continue;
    const unit = localUnit(f.path, sight);
    const flags = f.path.endsWith('.c') ? new Set(sight.commandLineDefines(f.path)) : new Set<string>();
    visible[f.path] = wanted.filter((n) => flags.has(n) || [...definers.get(n) ?? []].some((d) => unit.files.has(d)));
    if (!unit.complete || included.has(f.path)) partial.push(f.path);
  }
  return { scoped: [...scoped].sort(), visible, partial };
}

/** The .c files another file #includes (kernel/sched's build units, a driver's shared code). */
function includedSources(files: readonly LoadedFile[], sight: IncludeSight): Set<string> {
  const out = new Set<string>();
  for (const f of files) {
    for (const ref of sight.refsOf(f.path)) {
      if (!ref.endsWith('.c"') && !ref.endsWith('.c>')) continue;
      const to = sight.resolve(f.path, ref);
      if (to !== null) out.add(to);
    }
  }
  return out;
}

/**
 * The file and the local (not shared) files it includes, transitively; `complete`: every local
 * include named a file we know. An unknown `<linux/…>` is a generated header, which defines no
 * driver's names; an unknown `"regs.h"` or `<regs.h>` comes through a `-I` we do not follow.
 */
function localUnit(file: string, sight: IncludeSight): { files: Set<string>; complete: boolean } {
  const files = new Set([file]);
  let complete = true;
  const queue = [file];
  for (let at = queue.pop(); at !== undefined; at = queue.pop()) {
    for (const ref of sight.refsOf(at)) {
      const to = sight.resolve(at, ref);
      if (to === null && (ref.startsWith('"') || !ref.includes('/'))) complete = false;
      if (to === null || files.has(to) || sight.isShared(to)) continue;
      files.add(to);
      queue.push(to);
    }
  }
  return { files, complete };
}
