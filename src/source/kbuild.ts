// Which .c files a configuration builds, from the Kbuild Makefiles: `obj-$(CONFIG_X) += a.o dir/`,
// composite objects (`foo-y := a.o b.o`), `:=` overrides. A file a Makefile never mentions is
// kept (it may be #included by another .c file, like kernel/sched's build units).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Kconfig } from './kconfig.js';

interface DirVerdict {
  /** `.o` / `dir/` names the Makefile builds under this config. */
  enabled: Set<string>;
  /** Every `.o` / `dir/` name the Makefile mentions at all. */
  mentioned: Set<string>;
}

const ASSIGN = /^([A-Za-z0-9_.-]+)-(y|m|n|objs|\$\(CONFIG_[A-Za-z0-9_]+\))\s*(\+=|:=|\?=|=)\s*(.*)$/;

/** Reads one Makefile/Kbuild under a config; null when there is none. */
export function readKbuildDir(dir: string, config: Kconfig): DirVerdict | null {
  let text: string;
  try {
    text = readFileSync(path.join(dir, 'Kbuild'), 'utf8');
  } catch {
    try {
      text = readFileSync(path.join(dir, 'Makefile'), 'utf8');
    } catch {
      return null;
    }
  }
  const vars = new Map<string, string[]>();
  const mentioned = new Set<string>();
  for (const line of text.replace(/\\\r?\n/g, ' ').split('\n')) {
    const m = ASSIGN.exec(line.replace(/#.*$/, '').trim());
    if (!m) continue;
    const [, group, suffix, op, value] = m as unknown as [string, string, string, string, string];
    const words = expand(value, vars);
    for (const w of words) if (w.endsWith('.o') || w.endsWith('/')) mentioned.add(w);
    const on = suffix === 'y' || suffix === 'm' || suffix === 'objs' || configOn(suffix, config);
    if (!on) continue;
    const key = `${group}-${suffix === 'objs' ? 'y' : 'y'}`;
    vars.set(key, op === '+=' ? [...(vars.get(key) ?? []), ...words] : words);
  }
  const enabled = new Set<string>();
  const add = (name: string, depth: number): void => {
    if (enabled.has(name) || depth > 4) return;
    enabled.add(name);
    const parts = vars.get(`${name.replace(/\.o$/, '')}-y`);
    if (name.endsWith('.o') && parts) for (const p of parts) add(p, depth + 1);
  };
  for (const group of ['obj', 'lib', 'core', 'obj-m', 'extra']) for (const w of vars.get(`${group}-y`) ?? []) add(w, 0);
  return { enabled, mentioned };
}

function configOn(suffix: string, config: Kconfig): boolean {
  const name = /^\$\((CONFIG_[A-Za-z0-9_]+)\)$/.exec(suffix)?.[1];
  const v = name ? config.get(name) : undefined;
  return v === 'y' || v === 'm';
}

function expand(value: string, vars: Map<string, string[]>): string[] {
  return value.split(/\s+/).filter(Boolean).flatMap((w) => {
    const ref = /^\$\(([A-Za-z0-9_.-]+)\)$/.exec(w);
    return ref ? vars.get(ref[1] as string) ?? [] : [w];
  });
}

/**
 * Filters relative source paths to those the config builds. Headers always stay; a .c file goes
 * when its Makefile (or a parent's, for its directory) mentions it without building it.
 */
export function filterByKbuild(root: string, files: string[], config: Kconfig): { kept: string[]; dropped: number } {
  const verdicts = new Map<string, DirVerdict | null>();
  const verdict = (dir: string): DirVerdict | null => {
    if (!verdicts.has(dir)) verdicts.set(dir, readKbuildDir(path.join(root, dir), config));
    return verdicts.get(dir) ?? null;
  };
  const dirBuilt = new Map<string, boolean>();
  const isDirBuilt = (dir: string): boolean => {
    const cached = dirBuilt.get(dir);
    if (cached !== undefined) return cached;
    const parent = path.posix.dirname(dir);
    let built = true;
    if (dir !== '.' && parent !== dir) {
      const v = verdict(parent);
      const name = `${path.posix.basename(dir)}/`;
      built = isDirBuilt(parent) && !(v && v.mentioned.has(name) && !v.enabled.has(name));
    }
    dirBuilt.set(dir, built);
    return built;
  };
  const kept: string[] = [];
  for (const file of files) {
    if (!file.endsWith('.c')) { kept.push(file); continue; }
    const dir = path.posix.dirname(file);
    const v = verdict(dir);
    const obj = `${path.posix.basename(file, '.c')}.o`;
    const fileBuilt = !(v && v.mentioned.has(obj) && !v.enabled.has(obj));
    if (isDirBuilt(dir) && fileBuilt) kept.push(file);
  }
  return { kept, dropped: files.length - kept.length };
}
