// .c files that no Makefile names and another .c file #includes are built as part of that unit,
// under its `#if`s: kernel/sched/build_policy.c has `#ifdef CONFIG_SCHED_CLASS_EXT` around
// `#include "ext.c"`, so without that option ext.c is not in the kernel at all.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { conditionsByLine } from '../parse/conditionals.js';

/**
 * Which of `cFiles` are compiled only inside other files of `cFiles` that are not built
 * (`isKept` false) or whose `#include` of them is never compiled (`compiled(conditions)` false for
 * every such line). Files a Makefile names (`isMentioned`) are objects of their own and stay.
 */
export function includedUnitsNotBuilt(
  root: string,
  cFiles: readonly string[],
  isKept: (file: string) => boolean,
  refsOf: (file: string) => readonly string[],
  resolve: (from: string, ref: string) => string | null,
  compiled: (conditions: readonly string[]) => boolean,
  isMentioned: (file: string) => boolean,
): Set<string> {
  const known = new Set(cFiles);
  const includers = new Map<string, { from: string; ref: string }[]>();
  for (const from of cFiles) {
    for (const ref of refsOf(from)) {
      if (!/\.c[">]$/.test(ref)) continue;
      const target = resolve(from, ref);
      if (target === null || target === from || !known.has(target) || isMentioned(target)) continue;
      includers.set(target, [...(includers.get(target) ?? []), { from, ref }]);
    }
  }
  const built = new Map<string, boolean>();
  const isBuilt = (file: string): boolean => {
    const cached = built.get(file);
    if (cached !== undefined) return cached;
    const sites = includers.get(file);
    if (!sites) return isKept(file);
    built.set(file, true); // an include cycle is not a reason to drop a file
    const verdict = sites.some(({ from, ref }) => isBuilt(from) && includeCompiled(root, from, ref, compiled));
    built.set(file, verdict);
    return verdict;
  };
  return new Set([...includers.keys()].filter((f) => !isBuilt(f)).sort());
}

/** Whether some `#include` line of `ref` in `from` is compiled; true when the file cannot be read. */
function includeCompiled(root: string, from: string, ref: string, compiled: (conditions: readonly string[]) => boolean): boolean {
  let text: string;
  try {
    text = readFileSync(path.join(root, from), 'latin1');
  } catch {
    return true;
  }
  const byLine = conditionsByLine(text);
  const name = ref.slice(1, -1);
  const lines = text.split('\n');
  let found = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.includes(name) || !/^\s*#\s*include\s*["<]/.test(line) || line.match(/["<]([^">]+)[">]/)?.[1]?.trim() !== name) continue;
    found = true;
    if (compiled(byLine[i + 1] ?? [])) return true;
  }
  return !found;
}

const PREPROCESSOR_WORDS = new Set(['defined', 'IS_ENABLED', 'IS_BUILTIN', 'IS_MODULE', 'IS_REACHABLE']);

/**
 * Whether a condition names nothing but config options: `defined(PRISM2_DOWNLOAD_SUPPORT)` asks a
 * header's macro, which is read with the unit's headers, not here, so such a line may be compiled.
 */
export function testsConfigOnly(condition: string): boolean {
  const names = condition.match(/\b[A-Za-z_]\w*/g) ?? [];
  return names.every((n) => n.startsWith('CONFIG_') || PREPROCESSOR_WORDS.has(n));
}
