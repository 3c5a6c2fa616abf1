// Which .c files a configuration builds, from the Kbuild Makefiles: `obj-$(CONFIG_X) += a.o dir/`,
// composite objects (`foo-y := a.o b.o`), `:=` overrides, variables, `ifeq`/`ifneq`/`ifdef`/`ifndef`
// on config values, and Makefiles included from another directory's (amdgpu's `include
// $(FULL_AMD_PATH)/amdkfd/Makefile` lists `$(AMDKFD_PATH)/kfd_svm.o` under `ifneq
// ($(CONFIG_HSA_AMD_SVM),)`). A file no Makefile mentions is kept here (another .c file may
// #include it, like kernel/sched's build units: included-units.ts judges those), and so is
// anything a condition we cannot evaluate (`ifeq ($(ARCH),…)`, `$(call cc-option,…)`) decides.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Kconfig, KconfigValue } from './kconfig.js';

/** What one directory's Makefile says, as paths relative to the tree's root (`dir/` for a directory). */
export interface KbuildVerdict {
  /** Objects and directories the Makefile builds under this config. */
  enabled: Set<string>;
  /** Every object and directory it names in a goal list, whatever the config. */
  mentioned: Set<string>;
  /** Names it defines on the compiler's command line; null when it defines none. */
  defines: MakeDefines | null;
}

/**
 * `-DNAME` flags of one directory's Makefile under a config: `ccflags-y += -DDEBUG` for its own
 * files, `subdir-ccflags-y` for its subdirectories too, `CFLAGS_foo.o` for one object.
 */
export interface MakeDefines {
  dir: string[];
  subdirs: string[];
  /** By object path relative to the root (`drivers/net/foo/bar.o`). */
  objects: Record<string, string[]>;
}

/** Three-valued: a condition on something other than the config is `maybe`, and both arms count. */
type Truth = 'yes' | 'no' | 'maybe';

/** `obj-y`, `lib-$(CONFIG_X)`, `foo-objs`: a goal list whose words are objects and directories. */
const GOAL_LIST = /^([A-Za-z0-9_.-]+)-(y|m|n|objs|\$\(CONFIG_[A-Za-z0-9_]+\))$/;
const ASSIGNMENT = /^(?:override\s+|export\s+)?([A-Za-z0-9_.$(){}-]+)\s*(\+=|:=|::=|\?=|=)\s*(.*)$/;
const CONDITIONAL = /^(else\s+)?(ifeq|ifneq|ifdef|ifndef)\b\s*(.*)$/;
const INCLUDE = /^-?(?:include|sinclude)\s+(.+)$/;
const GOAL_GROUPS = ['obj', 'lib', 'core', 'obj-m', 'extra'];
const MAX_INCLUDE_DEPTH = 4;

/** Reads one directory's Kbuild (or Makefile) under a config; null when there is none. */
export function readKbuildDir(root: string, dir: string, config: Kconfig): KbuildVerdict | null {
  const text = readFirst([path.join(root, dir, 'Kbuild'), path.join(root, dir, 'Makefile')]);
  if (text === null) return null;
  const reader = new MakefileReader(root, dir, config);
  reader.read(text, 0);
  return reader.verdict();
}

function readFirst(files: string[]): string | null {
  for (const file of files) {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      // The next candidate.
    }
  }
  return null;
}

class MakefileReader {
  /** Values under this config (assignments in arms taken, or maybe taken). */
  private readonly values = new Map<string, string[]>();
  /** Every word ever assigned to a variable, in any arm: what the Makefile mentions. */
  private readonly everWords = new Map<string, string[]>();
  /** Variables whose value a make function or an unknown variable gives. */
  private readonly unknown = new Set<string>();
  private readonly mentioned = new Set<string>();
  private readonly conditions: { arm: Truth; anyArmTaken: Truth }[] = [];

  constructor(private readonly root: string, private readonly dir: string, private readonly config: Kconfig) {}

  read(text: string, depth: number): void {
    let inDefine = false;
    for (const raw of text.replace(/\\\r?\n/g, ' ').split('\n')) {
      const line = raw.replace(/(^|[^\\])#.*$/, '$1').trim();
      if (inDefine) { if (/^endef\b/.test(line)) inDefine = false; continue; }
      if (/^define\b/.test(line)) { inDefine = true; continue; }
      if (line === '') continue;
      if (this.conditional(line)) continue;
      const include = INCLUDE.exec(line);
      if (include) { this.include(include[1] as string, depth); continue; }
      const assignment = ASSIGNMENT.exec(line);
      if (assignment) this.assign(assignment[1] as string, assignment[2] as string, assignment[3] as string);
    }
  }

  verdict(): KbuildVerdict {
    const enabled = new Set<string>();
    const add = (word: string, depth: number): void => {
      const where = this.located(word);
      if (where === null || enabled.has(where) || depth > 4) return;
      enabled.add(where);
      const parts = this.values.get(`${word.replace(/\.o$/, '')}-y`);
      if (word.endsWith('.o') && parts) for (const p of parts) add(p, depth + 1);
    };
    for (const group of GOAL_GROUPS) for (const w of this.values.get(`${group}-y`) ?? []) add(w, 0);
    return { enabled, mentioned: this.mentioned, defines: this.defines() };
  }

  private defines(): MakeDefines | null {
    const named = (variable: string): string[] => definedByFlags(this.values.get(variable) ?? []);
    const subdirs = named('subdir-ccflags-y');
    const dir = [...new Set([...named('ccflags-y'), ...named('EXTRA_CFLAGS'), ...subdirs])].sort();
    const objects: Record<string, string[]> = {};
    for (const variable of [...this.values.keys()].sort()) {
      const object = /^CFLAGS_(.+\.o)$/.exec(variable)?.[1];
      const where = object ? this.located(object) : null;
      const names = where ? named(variable) : [];
      if (where && names.length > 0) objects[where] = names;
    }
    return dir.length + subdirs.length + Object.keys(objects).length === 0 ? null : { dir, subdirs: subdirs.sort(), objects };
  }

  /** Handles `ifeq`…`else`…`endif`; false when the line is none of them. */
  private conditional(line: string): boolean {
    if (/^endif\b/.test(line)) { this.conditions.pop(); return true; }
    const top = this.conditions[this.conditions.length - 1];
    if (/^else$/.test(line)) {
      if (top) top.arm = not(top.anyArmTaken);
      return true;
    }
    const m = CONDITIONAL.exec(line);
    if (!m) return false;
    const test = this.test(m[2] as string, m[3] as string);
    if (m[1] && top) {
      top.arm = and(not(top.anyArmTaken), test);
      top.anyArmTaken = or(top.anyArmTaken, test);
    } else {
      this.conditions.push({ arm: test, anyArmTaken: test });
    }
    return true;
  }

  private test(kind: string, args: string): Truth {
    if (kind === 'ifdef' || kind === 'ifndef') {
      const name = this.expand(args.trim());
      const value = name === null ? null : this.lookup(name, this.values);
      if (value === null) return 'maybe';
      return (value !== '') === (kind === 'ifdef') ? 'yes' : 'no';
    }
    const operands = splitComparison(args);
    if (!operands) return 'maybe';
    const [left, right] = operands.map((o) => this.expand(o));
    if (left == null || right == null) return 'maybe';
    return (left.trim() === right.trim()) === (kind === 'ifeq') ? 'yes' : 'no';
  }

  /** Read in an arm not taken too: its assignments are mentions only. */
  private include(target: string, depth: number): void {
    if (depth >= MAX_INCLUDE_DEPTH) return;
    const file = this.expand(target.trim());
    // Only a source directory's Makefile: scripts/ holds make functions, not goal lists.
    if (!file || /\s/.test(file) || !file.startsWith(`${this.root}/`) || file.slice(this.root.length + 1).startsWith('scripts/')) return;
    const text = readFirst([file]);
    if (text !== null) this.read(text, depth + 1);
  }

  private assign(lhs: string, op: string, value: string): void {
    const goal = GOAL_LIST.exec(lhs);
    const name = goal ? `${goal[1]}-y` : this.expand(lhs);
    if (!name) return;
    const ever = this.knownWords(value, this.everWords);
    if (goal) for (const w of ever) if (w.endsWith('.o') || w.endsWith('/')) this.mark(w);
    // Distinct words: `X := $(X) a.o` repeated must not double the list each time.
    this.everWords.set(name, [...new Set([...(this.everWords.get(name) ?? []), ...ever])]);
    const on = !goal || goal[2] === 'y' || goal[2] === 'm' || goal[2] === 'objs' || configOn(goal[2] as string, this.config);
    if (!on || this.active() === 'no') return;
    if (op === '?=' && (this.values.has(name) || this.unknown.has(name))) return;
    // A goal list's word that cannot be expanded is left out (`arch/$(SRCARCH)/`); any other
    // variable whose value cannot be is unknown wherever it is used.
    const words = goal ? this.knownWords(value, this.values) : this.words(value, this.values);
    if (words === null || (op === '+=' && this.unknown.has(name))) {
      this.values.delete(name);
      this.unknown.add(name);
      return;
    }
    this.unknown.delete(name);
    this.values.set(name, op === '+=' ? [...new Set([...(this.values.get(name) ?? []), ...words])] : words);
  }

  private mark(word: string): void {
    const where = this.located(word);
    if (where !== null) this.mentioned.add(where);
  }

  /** An object or directory word as a root-relative path; null when it leaves the tree. */
  private located(word: string): string | null {
    const joined = path.posix.normalize(path.posix.join(this.dir, word));
    if (joined.startsWith('../') || joined === '..') return null;
    return word.endsWith('/') && !joined.endsWith('/') ? `${joined}/` : joined;
  }

  private active(): Truth {
    return this.conditions.reduce<Truth>((acc, c) => and(acc, c.arm), 'yes');
  }

  /** The words of a value, references to variables of `from` replaced; null when one is unknown. */
  private words(value: string, from: Map<string, string[]>): string[] | null {
    const expanded = this.expand(value, from);
    return expanded === null ? null : expanded.split(/\s+/).filter(Boolean);
  }

  /** The words of a value that can be expanded, each on its own. */
  private knownWords(value: string, from: Map<string, string[]>): string[] {
    return value.split(/\s+/).filter(Boolean).flatMap((w) => this.words(w, from) ?? []);
  }

  /** Text with `$(NAME)` references replaced; null when one is a make function or unknown. */
  private expand(text: string, from: Map<string, string[]> = this.values): string | null {
    let unknown = false;
    const out = text.replace(/\$[({]([^(){}]*)[)}]/g, (_, ref: string) => {
      const value = this.lookup(ref, from);
      if (value === null) unknown = true;
      return value ?? '';
    });
    return unknown || out.includes('$') ? null : out;
  }

  /** A variable's value; null when unknown. An unset variable is empty only when it names a config option. */
  private lookup(name: string, from: Map<string, string[]>): string | null {
    const value = from.get(name);
    if (value) return value.join(' ');
    if (this.unknown.has(name)) return null;
    if (name.startsWith('CONFIG_')) return makeValue(this.config.get(name));
    if (name === 'srctree') return this.root;
    if (name === 'src' || name === 'obj') return this.dir;
    return null;
  }
}

/** The names `-DNAME` / `-DNAME=value` words define. */
function definedByFlags(words: readonly string[]): string[] {
  return [...new Set(words.flatMap((w) => /^-D'?([A-Za-z_]\w*)/.exec(w)?.[1] ?? []))];
}

/** `($(CONFIG_X),y)`, `"a" "b"`, `'a' 'b'`: the two operands; null for anything else. */
function splitComparison(args: string): [string, string] | null {
  const text = args.trim();
  if (text.startsWith('(') && text.endsWith(')')) {
    const inner = text.slice(1, -1);
    let depth = 0;
    for (let i = 0; i < inner.length; i++) {
      const ch = inner[i];
      if (ch === '(' || ch === '{') depth++;
      else if (ch === ')' || ch === '}') depth--;
      else if (ch === ',' && depth === 0) return [inner.slice(0, i), inner.slice(i + 1)];
    }
    return null;
  }
  const quoted = /^(["'])(.*?)\1\s+(["'])(.*?)\3$/.exec(text);
  return quoted ? [quoted[2] as string, quoted[4] as string] : null;
}

/** A config value as make sees it: `n` and unset are empty. */
function makeValue(value: KconfigValue | undefined): string {
  return value === undefined || value === 'n' ? '' : String(value);
}

function configOn(suffix: string, config: Kconfig): boolean {
  const name = /^\$\((CONFIG_[A-Za-z0-9_]+)\)$/.exec(suffix)?.[1];
  const v = name ? config.get(name) : undefined;
  return v === 'y' || v === 'm';
}

function not(t: Truth): Truth {
  return t === 'yes' ? 'no' : t === 'no' ? 'yes' : 'maybe';
}

function and(a: Truth, b: Truth): Truth {
  return a === 'no' || b === 'no' ? 'no' : a === 'yes' && b === 'yes' ? 'yes' : 'maybe';
}

function or(a: Truth, b: Truth): Truth {
  return not(and(not(a), not(b)));
}

/** What the Makefiles keep of a list of files. */
export interface KbuildFiltered {
  kept: string[];
  dropped: number;
  /** Objects and directories some Makefile names (`kernel/sched/core.o`, `fs/btrfs/`), built or not. */
  mentioned: ReadonlySet<string>;
  /** Command-line defines, by directory (whose Makefile gives them). */
  defines: ReadonlyMap<string, MakeDefines>;
}

/**
 * Filters relative source paths to those the config builds. Headers always stay; a .c file goes
 * when a Makefile mentions it (or its directory, or a parent's) without building it. Every
 * directory's Makefile is read first: an included one speaks for another directory's files.
 */
export function filterByKbuild(root: string, files: string[], config: Kconfig): KbuildFiltered {
  const dirs = new Set<string>();
  for (const file of files) {
    for (let dir = path.posix.dirname(file); !dirs.has(dir); dir = path.posix.dirname(dir)) {
      dirs.add(dir);
      if (dir === '.' || dir === '/') break;
    }
  }
  const mentioned = new Set<string>();
  const enabled = new Set<string>();
  const defines = new Map<string, MakeDefines>();
  for (const dir of [...dirs].sort()) {
    const v = readKbuildDir(root, dir, config);
    v?.mentioned.forEach((p) => mentioned.add(p));
    v?.enabled.forEach((p) => enabled.add(p));
    if (v?.defines) defines.set(dir, v.defines);
  }
  const notBuilt = (p: string): boolean => mentioned.has(p) && !enabled.has(p);
  const dirBuilt = new Map<string, boolean>();
  const isDirBuilt = (dir: string): boolean => {
    const cached = dirBuilt.get(dir);
    if (cached !== undefined) return cached;
    const parent = path.posix.dirname(dir);
    const built = dir === '.' || parent === dir || (isDirBuilt(parent) && !notBuilt(`${dir}/`));
    dirBuilt.set(dir, built);
    return built;
  };
  const kept = files.filter((file) => !file.endsWith('.c') || (isDirBuilt(path.posix.dirname(file)) && !notBuilt(file.replace(/\.c$/, '.o'))));
  return { kept, dropped: files.length - kept.length, mentioned, defines };
}

/** The names the Makefiles define on the command line that compiles `file` (a .c file). */
export function makeDefinesFor(defines: ReadonlyMap<string, MakeDefines>, file: string): string[] {
  const dir = path.posix.dirname(file);
  const own = defines.get(dir);
  const names = [...own?.dir ?? [], ...own?.objects[file.replace(/\.c$/, '.o')] ?? []];
  for (let up = dir; up !== '.' && up !== '/';) {
    up = path.posix.dirname(up);
    names.push(...defines.get(up)?.subdirs ?? []);
  }
  return [...new Set(names)];
}
