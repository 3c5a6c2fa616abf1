// `#if` conditions under a configuration, three-valued: true, false, or unknown (null). Without
// a .config every CONFIG_ test is unknown, so both arms of a conditional stay possible.
import type { Kconfig } from '../source/kconfig.js';
import type { DefineScopes } from './define-scopes.js';

export type Tri = boolean | null;

/** What gcc defines for an x86-64 kernel build (`__ASSEMBLY__`, `__CHECKER__`: not for C). */
const PREDEFINED: Readonly<Record<string, number | null>> = {
  __KERNEL__: 1, __GNUC__: 12, __x86_64__: 1, __LP64__: 1, __OPTIMIZE__: 1, __STDC__: 1,
  __ASSEMBLY__: null, __CHECKER__: null, __clang__: null, __i386__: null, __cplusplus: null, __GENKSYMS__: null,
};

type Value = number | null;

/**
 * Marks an enumerator's value among the object-like macros: C code sees its value (`numeric`),
 * the preprocessor does not (`evaluate`, `defined`), as in a real build.
 */
export const ENUMERATOR = '\x02';
const isEnumerator = (values: readonly string[]): boolean => values.every((v) => v.startsWith(ENUMERATOR));

const swapBytes = (bytes: number) => (v: number): number => {
  let out = 0;
  for (let i = 0; i < bytes; i++) out = out * 256 + (Math.floor(v / 256 ** i) % 256);
  return out;
};
const identity = (v: number): number => v;
const IDENTITY_FUNCTIONS = ['16', '32', '64'].flatMap((w) => [`cpu_to_le${w}`, `__cpu_to_le${w}`, `le${w}_to_cpu`, `__le${w}_to_cpu`]);

/** `cpu_to_le32(X)` is `X` on the targets kdeadlock reads: a test of it is a test of `X`. */
export function isIdentityConstantFunction(name: string): boolean {
  return IDENTITY_FUNCTIONS.includes(name);
}

/**
 * Function-like macros whose value is a constant of their constant argument, as on the
 * little-endian targets kdeadlock reads (`#define SMB2_TREE_CONNECT cpu_to_le16(SMB2_TREE_CONNECT_HE)`).
 */
const CONSTANT_FUNCTIONS: Readonly<Record<string, (v: number) => number>> = {
  ...Object.fromEntries(IDENTITY_FUNCTIONS.map((n) => [n, identity])),
  ...Object.fromEntries(['cpu_to_be16', '__cpu_to_be16', 'be16_to_cpu', '__be16_to_cpu', 'htons', 'ntohs'].map((n) => [n, swapBytes(2)])),
  ...Object.fromEntries(['cpu_to_be32', '__cpu_to_be32', 'be32_to_cpu', '__be32_to_cpu', 'htonl', 'ntohl'].map((n) => [n, swapBytes(4)])),
  BIT: (v) => 2 ** v,
  BIT_ULL: (v) => 2 ** v,
  _BITUL: (v) => 2 ** v,
};

/**
 * Code is read as lockdep sees it: with the options that compile lockdep's annotations in
 * (`lockdep_set_subclass()` in ext4's `#ifdef CONFIG_LOCKDEP` helper, the `_nested` variants),
 * whatever the config says. The classes and orders reported are lockdep's; a distribution
 * config turns it off for speed, not because its annotations stop being true. Only `#if`s read
 * this: which files are built is the config's own.
 */
const LOCKDEP_OPTIONS = ['CONFIG_LOCKDEP', 'CONFIG_DEBUG_LOCK_ALLOC', 'CONFIG_PROVE_LOCKING'];

function withLockdep(config: Kconfig): Kconfig {
  if (LOCKDEP_OPTIONS.every((o) => config.get(o) === 'y')) return config;
  const out = new Map(config);
  for (const o of LOCKDEP_OPTIONS) out.set(o, 'y');
  return out;
}

export class ConditionEvaluator {
  private readonly cache = new Map<string, Tri>();
  private readonly numbers = new Map<string, Value>();
  private readonly config: Kconfig | null;
  /** Names defined in some files only (define-scopes.ts); judged per file under a config. */
  private readonly scoped: ReadonlySet<string>;
  /** Files whose includes we could not all find (DefineScopes.partial). */
  private readonly partial: ReadonlySet<string>;
  /** Conditions that ask `defined()` of a scoped name: their value is the file's. */
  private readonly askScoped = new Map<string, boolean>();

  /** `macros`: object-like macro values, expanded when a condition names one (`USE_SPLIT_PTE_PTLOCKS`). */
  constructor(
    config: Kconfig | null,
    private readonly macros: ReadonlyMap<string, string[]> = new Map(),
    /** Names some header #defines: `defined(HZ)` holds, so `#ifndef HZ` fallbacks drop out. */
    private readonly definedNames: ReadonlySet<string> = new Set([...macros].flatMap(([name, values]) => (isEnumerator(values) ? [] : [name]))),
    /** The names whose definitions were collected (null: all were); a value asked of another name is not known here. */
    readonly asked: ReadonlySet<string> | null = null,
    readonly scopes: DefineScopes | null = null,
  ) {
    this.config = config && withLockdep(config);
    this.scoped = new Set(this.config ? scopes?.scoped : []);
    this.partial = new Set(scopes?.partial);
  }

  /** Whether this evaluator knows the value of every macro `names` may ask for. */
  knows(names: Iterable<string>): boolean {
    if (!this.asked) return true;
    for (const n of names) if (!this.asked.has(n)) return false;
    return true;
  }

  /** The object-like macro values conditions are evaluated with. */
  macroValues(): ReadonlyMap<string, string[]> {
    return this.macros;
  }

  /**
   * Whether code under all of `conditions` is compiled: false only if one is surely false.
   * `file`: where the code is, for names only some files define (without it, as if defined).
   */
  allowed(conditions: readonly string[], file?: string): boolean {
    return conditions.every((c) => this.evaluate(c, file) !== false);
  }

  /** The value of a macro defined once (or identically everywhere), as the preprocessor sees it; null otherwise. */
  private readonly expandMacro = (name: string, depth: number): Value => this.expand(name, depth, false);

  /** The same as C code sees it: enumerators too. */
  private readonly expandConstant = (name: string, depth: number): Value => this.expand(name, depth, true);

  private expand(name: string, depth: number, enumerators: boolean): Value {
    const values = this.macros.get(name);
    if (!values || values.length !== 1 || depth > 8) return null;
    let text = values[0] as string;
    if (text.startsWith(ENUMERATOR)) {
      if (!enumerators) return null;
      text = text.slice(ENUMERATOR.length);
    }
    try {
      return new ExpressionParser(tokenize(text), this.config, enumerators ? this.expandConstant : this.expandMacro, this.definedNames, depth + 1).parse();
    } catch {
      return null;
    }
  }

  /** Whether some header we read `#define`s `name`. */
  defines(name: string): boolean {
    return this.definedNames.has(name);
  }

  /** A constant expression's value (`PSI_FREQ` → `2*HZ+1` → 501); null when a name in it has none. */
  numeric(expression: string): number | null {
    const hit = this.numbers.get(expression);
    if (hit !== undefined) return hit;
    let value: Value = null;
    try {
      value = new ExpressionParser(tokenize(expression), this.config, this.expandConstant, this.definedNames).parse();
    } catch {
      value = null;
    }
    this.numbers.set(expression, value);
    return value;
  }

  evaluate(condition: string, file?: string): Tri {
    const key = file !== undefined && this.asksScoped(condition) ? `${file}\0${condition}` : condition;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    let value: Tri = null;
    try {
      const definedIn = key === condition ? undefined : this.definedIn(file as string);
      const v = new ExpressionParser(tokenize(condition), this.config, this.expandMacro, this.definedNames, 0, definedIn).parse();
      value = v === null ? null : v !== 0;
    } catch {
      value = null;
    }
    this.cache.set(key, value);
    return value;
  }

  private asksScoped(condition: string): boolean {
    if (this.scoped.size === 0) return false;
    let asks = this.askScoped.get(condition);
    if (asks === undefined) {
      asks = [...condition.matchAll(DEFINED_TEST)].some((m) => this.scoped.has(m[1] as string));
      this.askScoped.set(condition, asks);
    }
    return asks;
  }

  /**
   * `defined(X)` of a scoped name in `file`: a .c file sees what it, its local headers and its
   * Makefile define. What a header does not see itself is unknown (its includers may differ), and
   * so is what a file with an include we could not find does not see.
   */
  private definedIn(file: string): (name: string) => Value | undefined {
    const seen = this.scopes?.visible[file];
    const whole = file.endsWith('.c') && !this.partial.has(file);
    return (name) => {
      if (!this.scoped.has(name)) return undefined;
      if (seen?.includes(name)) return 1;
      return whole ? 0 : null;
    };
  }
}

/** `defined(X)` / `defined X` in a condition. */
export const DEFINED_TEST = /\bdefined\s*\(?\s*([A-Za-z_]\w*)/g;

const TOKEN = /\s*(0x[0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|[A-Za-z_]\w*|&&|\|\||==|!=|<=|>=|<<|>>|[!()<>+\-*/%&|^~?:,])/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  const src = text.replace(/\/\*.*?\*\//g, ' ').replace(/\/\/.*$/, '').trim();
  while (TOKEN.lastIndex < src.length) {
    const m = TOKEN.exec(src);
    if (!m) throw new Error(`bad token in: ${text}`);
    const token = m[1] as string;
    // Integer suffixes (`0x1fUL`) are dropped; an identifier ending in U or L (`CONFIG_SRCU`) is kept whole.
    tokens.push(/^\d/.test(token) ? token.replace(/[uUlL]+$/, '') : token);
  }
  return tokens;
}

const BINARY: Record<string, [number, (a: number, b: number) => number]> = {
  '*': [10, (a, b) => a * b], '/': [10, (a, b) => (b === 0 ? 0 : Math.trunc(a / b))], '%': [10, (a, b) => (b === 0 ? 0 : a % b)],
  '+': [9, (a, b) => a + b], '-': [9, (a, b) => a - b],
  '<<': [8, (a, b) => a << b], '>>': [8, (a, b) => a >> b],
  '<': [7, (a, b) => Number(a < b)], '>': [7, (a, b) => Number(a > b)], '<=': [7, (a, b) => Number(a <= b)], '>=': [7, (a, b) => Number(a >= b)],
  '==': [6, (a, b) => Number(a === b)], '!=': [6, (a, b) => Number(a !== b)],
  '&': [5, (a, b) => a & b], '^': [4, (a, b) => a ^ b], '|': [3, (a, b) => a | b],
};

/** Precedence climbing over C preprocessor expressions; unknown operands stay unknown. */
class ExpressionParser {
  private at = 0;

  constructor(
    private readonly tokens: string[],
    /** Null without --config: every CONFIG_ test is unknown. */
    private readonly config: Kconfig | null,
    private readonly expand: (name: string, depth: number) => Value,
    private readonly definedNames: ReadonlySet<string>,
    private readonly depth = 0,
    /** The asking file's answer for names only some files define; undefined for other names. */
    private readonly definedIn?: (name: string) => Value | undefined,
  ) {}

  parse(): Value {
    const v = this.ternary();
    if (this.at !== this.tokens.length) throw new Error('trailing tokens');
    return v;
  }

  private peek(): string | undefined { return this.tokens[this.at]; }
  private next(): string {
    const t = this.tokens[this.at++];
    if (t === undefined) throw new Error('unexpected end');
    return t;
  }
  private expect(t: string): void { if (this.next() !== t) throw new Error(`expected ${t}`); }

  private ternary(): Value {
    const c = this.logicalOr();
    if (this.peek() !== '?') return c;
    this.next();
    const a = this.ternary();
    this.expect(':');
    const b = this.ternary();
    if (c === null) return a === b ? a : null;
    return c !== 0 ? a : b;
  }

  private logicalOr(): Value {
    let v = this.logicalAnd();
    while (this.peek() === '||') {
      this.next();
      const r = this.logicalAnd();
      v = v === 1 || (v !== null && v !== 0) || (r !== null && r !== 0) ? 1 : v === null || r === null ? null : 0;
    }
    return v;
  }

  private logicalAnd(): Value {
    let v = this.binary(0);
    while (this.peek() === '&&') {
      this.next();
      const r = this.binary(0);
      v = v === 0 || r === 0 ? 0 : v === null || r === null ? null : 1;
    }
    return v;
  }

  private binary(minPrecedence: number): Value {
    let left = this.unary();
    for (;;) {
      const op = this.peek();
      const spec = op ? BINARY[op] : undefined;
      if (!spec || spec[0] < minPrecedence) return left;
      this.next();
      const right = this.binary(spec[0] + 1);
      left = left === null || right === null ? null : spec[1](left, right);
    }
  }

  private unary(): Value {
    const t = this.next();
    if (t === '!') { const v = this.unary(); return v === null ? null : Number(v === 0); }
    if (t === '-') { const v = this.unary(); return v === null ? null : -v; }
    if (t === '~') { const v = this.unary(); return v === null ? null : ~v; }
    if (t === '(') { const v = this.ternary(); this.expect(')'); return v; }
    if (/^(0x[0-9a-fA-F]+|\d+)$/.test(t)) return Number(t);
    if (t === 'defined') return this.macroArg((name) => this.defined(name));
    if (t === 'IS_ENABLED' || t === 'IS_REACHABLE') return this.macroArg((n) => this.tristate(n, ['y', 'm']));
    if (t === 'IS_BUILTIN') return this.macroArg((n) => this.tristate(n, ['y']));
    if (t === 'IS_MODULE') return this.macroArg((n) => this.tristate(n, ['m']));
    if (/^[A-Za-z_]\w*$/.test(t)) {
      const known = CONSTANT_FUNCTIONS[t];
      if (known && this.peek() === '(') {
        this.next();
        const v = this.ternary();
        this.expect(')');
        return v === null ? null : known(v);
      }
      if (this.peek() === '(') { this.skipCall(); return null; }
      return this.identifier(t);
    }
    throw new Error(`unexpected ${t}`);
  }

  private macroArg(f: (name: string) => Value): Value {
    const paren = this.peek() === '(';
    if (paren) this.next();
    const name = this.next();
    if (paren) this.expect(')');
    return f(name);
  }

  private skipCall(): void {
    let depth = 0;
    do {
      const t = this.next();
      if (t === '(') depth++;
      if (t === ')') depth--;
    } while (depth > 0);
  }

  /**
   * `defined(X)`: compiler-predefined names are known; a CONFIG_ name asks the config; another
   * name is defined if some header we read defines it (unknown without a config, whose arms may
   * hide it) and not defined if none does (`ARCH_NEEDS_KMAP_HIGH_GET` exists only on arm).
   */
  private defined(name: string): Value {
    if (name in PREDEFINED) return PREDEFINED[name] === null ? 0 : 1;
    const scoped = this.definedIn?.(name);
    if (scoped !== undefined) return scoped;
    if (!name.startsWith('CONFIG_')) return this.definedNames.has(name) ? (this.config ? 1 : null) : 0;
    if (!this.config) return null;
    // Kconfig's autoconf.h defines CONFIG_X_MODULE for X=m.
    if (name.endsWith('_MODULE') && this.config.get(name.slice(0, -'_MODULE'.length)) === 'm') return 1;
    const v = this.config.get(name);
    return v === undefined || v === 'n' ? 0 : 1;
  }

  private tristate(name: string, on: string[]): Value {
    if (!name.startsWith('CONFIG_') || !this.config) return null;
    const v = this.config.get(name);
    return typeof v === 'string' && on.includes(v) ? 1 : 0;
  }

  private identifier(name: string): Value {
    if (name in PREDEFINED) return PREDEFINED[name] ?? 0;
    if (!name.startsWith('CONFIG_')) return this.expand(name, this.depth);
    if (!this.config) return null;
    const v = this.config.get(name);
    if (v === undefined || v === 'n') return 0;
    if (v === 'y' || v === 'm') return 1;
    return typeof v === 'number' ? v : null;
  }
}
