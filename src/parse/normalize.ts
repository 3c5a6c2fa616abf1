// Kernel C is not ISO C. Before tree-sitter sees a file we rewrite the idioms that
// derail it, always keeping every byte offset and newline in place so that lines and
// columns in reports stay those of the real source. The idioms are data: grammars/kernel-c.json.
import { kernelIdioms } from './grammar.js';

/** Macros whose second argument is a type: `container_of(ptr, struct page, lru)`. */
export const TYPE_ARG_MACROS = kernelIdioms().typeArgumentMacros;

/** A loop macro rewritten to a `for`: where it is and what it was called. */
export interface LoopMacroSite {
  /** Offset of the `for` keyword in the normalised text (same as the macro name's). */
  offset: number;
  name: string;
}

export interface Normalized {
  text: string;
  loopMacros: LoopMacroSite[];
  /** Number of idioms rewritten, for parse-health statistics. */
  rewrites: number;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/g;

/** Rewrites kernel idioms in place (length- and newline-preserving). */
export function normalizeKernelC(source: string): Normalized {
  const idioms = kernelIdioms();
  const out = new CharEdits(source);
  const loopMacros: LoopMacroSite[] = [];
  let rewrites = 0;
  IDENT.lastIndex = 0;
  for (let m = IDENT.exec(source); m; m = IDENT.exec(source)) {
    const word = m[0];
    const start = m.index;
    const end = start + word.length;
    if (start > 0 && isNumberChar(source.charCodeAt(start - 1))) continue; // part of a number literal
    if (idioms.blankWords.has(word)) {
      if (idioms.keptWords.has(word)) continue;
      blank(out, start, end);
      rewrites++;
      continue;
    }
    if (idioms.blankCallWords.has(word)) {
      const open = nextNonSpace(source, end);
      if (source[open] !== '(') {
        if (word.startsWith('__')) { blank(out, start, end); rewrites++; }
        continue;
      }
      const close = matchParen(source, open);
      if (close < 0) continue;
      let stop = close + 1;
      if (idioms.statementCallWords.has(word)) {
        const semi = nextNonSpace(source, stop);
        if (source[semi] === ';') stop = semi + 1;
      }
      blank(out, start, stop);
      IDENT.lastIndex = stop;
      rewrites++;
      continue;
    }
    // container_of()'s `struct page` is blanked below, as any struct type that is a whole argument.
    if (idioms.typeArgumentMacros.has(word)) continue;
    if ((word === 'struct' || word === 'union') && stripBareTypeArgument(source, out, start, end)) {
      rewrites++;
      continue;
    }
    if (idioms.loopMacro.test(word) && word.length >= idioms.loopMacroMinLength) {
      if (rewriteLoopMacro(source, out, start, end)) {
        loopMacros.push({ offset: start, name: word });
        rewrites++;
      }
      continue;
    }
    if (idioms.runDefiners.has(word)) {
      if (rewriteRunDefinition(source, out, start, end)) rewrites++;
      continue;
    }
    const definition = idioms.definitionMacros.find((d) => d.pattern.test(word));
    if (definition) {
      if (rewriteSyscallDefine(source, out, start, end, definition.prefix)) rewrites++;
    }
  }
  rewrites += blankDirectiveComments(source, out);
  return { text: out.text(), loopMacros, rewrites };
}

/**
 * `DECLARE_WORK(frob_work, frob_fn)` → `DECLARE_WORK frob_work= frob_fn `: a declaration of
 * `frob_work` initialised with its function, which tree-sitter reads (two arguments in a
 * declarator's place derail it). Not the macro's own `#define`.
 */
function rewriteRunDefinition(source: string, out: CharEdits, start: number, end: number): boolean {
  const open = nextNonSpace(source, end);
  if (source[open] !== '(') return false;
  const close = matchParen(source, open);
  const comma = close < 0 ? -1 : source.indexOf(',', open);
  if (comma < 0 || comma > close) return false;
  const ident = /^\s*[A-Za-z_]\w*\s*$/;
  if (!ident.test(source.slice(open + 1, comma)) || !ident.test(source.slice(comma + 1, close))) return false;
  const lineStart = source.lastIndexOf('\n', start) + 1;
  if (/#\s*define\s*$/.test(source.slice(lineStart, start))) return false;
  out.set(open, ' ');
  out.set(comma, '=');
  out.set(close, ' ');
  return true;
}

/**
 * Block comments inside a `#define` (`long __ret = ret; /* explicit shadow *\/ \`
 * in `___wait_event`) end tree-sitter's directive at the comment: the rest of a multi-line macro
 * would be read as code, and its body cut short. They become blanks; a newline inside one gets
 * a `\` before it, so the directive goes on as it does for the compiler.
 */
function blankDirectiveComments(source: string, out: CharEdits): number {
  let count = 0;
  let i = 0;
  while (i < source.length) {
    const first = nextNonBlank(source, i);
    const lineEnd = source.indexOf('\n', i);
    if (source[first] !== '#' || !/^#\s*define\b/.test(source.slice(first, first + 16))) {
      if (lineEnd < 0) break;
      i = lineEnd + 1;
      continue;
    }
    let k = first;
    while (k < source.length && source[k] !== '\n') {
      const c = source[k];
      if (c === '"' || c === "'") { k = skipQuoted(source, k) + 1; continue; }
      if (c === '/' && source[k + 1] === '*') {
        const close = source.indexOf('*/', k + 2);
        if (close < 0) return count;
        const after = source.indexOf('\n', close);
        const continued = source.slice(close + 2, after < 0 ? source.length : after).trimEnd().endsWith('\\');
        // A comment that ends the directive is read right; one the directive goes on after is not.
        if (!continued && source.indexOf('\n', k) > close) { k = close + 2; continue; }
        blank(out, k, close + 2);
        for (let n = source.indexOf('\n', k); n >= 0 && n < close; n = source.indexOf('\n', n + 1)) out.set(n - 1, '\\');
        count++;
        k = close + 2;
        continue;
      }
      // A line ending in `\` continues the directive.
      if (c === '\\' && (source[k + 1] === '\n' || (source[k + 1] === '\r' && source[k + 2] === '\n'))) { k = source.indexOf('\n', k) + 1; continue; }
      k++;
    }
    i = k + 1;
  }
  return count;
}

function nextNonBlank(text: string, from: number): number {
  let i = from;
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i;
}


/**
 * Characters replaced in a text, applied at the end: a file has a few hundred rewritten
 * characters among a hundred thousand, so the text is not exploded into one string per character.
 */
class CharEdits {
  private readonly edits = new Map<number, string>();

  constructor(readonly sourceText: string) {}

  set(at: number, c: string): void {
    this.edits.set(at, c);
  }

  text(): string {
    if (this.edits.size === 0) return this.sourceText;
    const at = [...this.edits.keys()].sort((a, b) => a - b);
    const parts: string[] = [];
    let from = 0;
    for (const i of at) {
      parts.push(this.sourceText.slice(from, i), this.edits.get(i) as string);
      from = i + 1;
    }
    parts.push(this.sourceText.slice(from));
    return parts.join('');
  }
}

/** A digit or `.`: an identifier right after one is a number's suffix (`0x1fUL`, `1.0f`). */
function isNumberChar(code: number): boolean {
  return (code >= 48 && code <= 57) || code === 46;
}

/** Blanks `[start, end)` but its newlines (rewrites never write a newline, so the source's are the text's). */
function blank(out: CharEdits, start: number, end: number): void {
  const source = out.sourceText;
  for (let i = start; i < end; i++) if (source[i] !== '\n') out.set(i, ' ');
}

/** The last character before `from` (inclusive) that is not white space (or a line continuation); -1 if none. */
function prevNonSpace(text: string, from: number): number {
  let i = from;
  while (i >= 0) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r') { i--; continue; }
    if (c === '\n') { i -= text[i - 1] === '\\' ? 2 : 1; continue; }
    break;
  }
  return i;
}

function nextNonSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    if (c === '\\' && text[i + 1] === '\n') { i += 2; continue; }
    break;
  }
  return i;
}

/** Index of the `)` matching the `(` at `open`, skipping strings and comments; -1 if none. */
export function matchParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      i = skipQuoted(text, i);
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      if (e < 0) return -1;
      i = e + 1;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i;
    } else if (c === ';' && depth === 1 && i - open > 4000) return -1;
  }
  return -1;
}

function skipQuoted(text: string, at: number): number {
  const q = text[at];
  for (let i = at + 1; i < text.length; i++) {
    if (text[i] === '\\') { i++; continue; }
    if (text[i] === q || text[i] === '\n') return i;
  }
  return text.length;
}

/** `for_each_x (a, b) {` → `for   (;;a, b) {`: the arguments stay where they were. */
function rewriteLoopMacro(source: string, out: CharEdits, start: number, end: number): boolean {
  if (isDefineName(source, start)) return false;
  const open = nextNonSpace(source, end);
  if (source[open] !== '(') return false;
  const close = matchParen(source, open);
  if (close < 0) return false;
  const after = nextNonSpace(source, close + 1);
  const next = source[after] ?? '';
  // A use as a statement is followed by a body; a use inside an expression or a
  // declaration of the macro itself is not.
  if (next === ';' || next === ')' || next === ',' || next === '' || next === '=' || next === '\\') return false;
  const wordLen = end - start;
  out.set(start, 'f'); out.set(start + 1, 'o'); out.set(start + 2, 'r');
  for (let i = start + 3; i < end; i++) out.set(i, ' ');
  blank(out, end, open);
  // `(` goes where the name ended, then `;;` over the old `(`.
  out.set(end - 2, '(');
  out.set(end - 1, ';');
  out.set(open, ';');
  return wordLen >= 5;
}

function isDefineName(source: string, start: number): boolean {
  const lineStart = source.lastIndexOf('\n', start - 1) + 1;
  return /^\s*#\s*define\s+$/.test(source.slice(lineStart, start));
}

/**
 * A whole argument that is a struct type (`alloc_percpu_gfp(struct blkg_iostat_set, gfp)`,
 * `offsetof(struct page, lru)`) is two tokens tree-sitter splits into two arguments, which
 * shifts every later one: `struct` (and a `const` before it) is blanked, the name stays. Only
 * in a parenthesised list after a name (a call, a macro, `sizeof`); never in a cast.
 */
function stripBareTypeArgument(source: string, out: CharEdits, start: number, end: number): boolean {
  const name = /^\s*[A-Za-z_]\w*/.exec(source.slice(end, end + 200));
  if (!name) return false;
  const after = nextNonSpace(source, end + name[0].length);
  if (source[after] !== ',' && source[after] !== ')') return false;
  let from = start;
  let before = prevNonSpace(source, start - 1);
  if (source.slice(before - 4, before + 1) === 'const' && !/\w/.test(source[before - 5] ?? '')) {
    from = before - 4;
    before = prevNonSpace(source, from - 1);
  }
  if (source[before] === ',') { blank(out, from, end); return true; }
  if (source[before] !== '(') return false;
  const callee = prevNonSpace(source, before - 1);
  if (!/\w/.test(source[callee] ?? '')) return false;
  blank(out, from, end);
  return true;
}

/**
 * `SYSCALL_DEFINE2(kill, pid_t, pid, int, sig)` → `long sys_kill(pid_t  pid, int  sig)`.
 * The kernel names the body `__do_sys_kill`; we keep `sys_kill`, the name people grep for.
 */
function rewriteSyscallDefine(source: string, out: CharEdits, start: number, end: number, prefix: string): boolean {
  if (isDefineName(source, start)) return false;
  const open = nextNonSpace(source, end);
  if (source[open] !== '(') return false;
  const close = matchParen(source, open);
  if (close < 0) return false;
  const body = nextNonSpace(source, close + 1);
  if (source[body] !== '{') return false;
  const args = splitTopLevel(source, open + 1, close);
  const first = args[0];
  if (!first) return false;
  const name = source.slice(first.start, first.end).trim();
  if (!/^\w+$/.test(name)) return false;
  const head = `long ${prefix}${name}(`;
  const headEnd = args.length > 1 ? (args[1]?.start ?? close) : close;
  if (head.length > headEnd - start) return false;
  blank(out, start, headEnd);
  for (let i = 0; i < head.length; i++) out.set(start + i, head[i] ?? ' ');
  if (args.length === 1) {
    const v = 'void';
    if (head.length + v.length <= close - start) for (let i = 0; i < v.length; i++) out.set(start + head.length + i, v[i] ?? ' ');
  }
  // Arguments come as `type, name` pairs: the comma inside each pair becomes a space.
  for (let k = 1; k + 1 < args.length; k += 2) {
    const comma = args[k]?.end ?? -1;
    if (comma >= 0 && source[comma] === ',') out.set(comma, ' ');
  }
  out.set(close, ')');
  return true;
}

/** The top-level arguments of a call's text, as written, or null when the text does not end its call. */
export function callArgumentTexts(text: string): string[] | null {
  const open = text.indexOf('(');
  const close = text.trimEnd().length - 1;
  if (open < 0 || close <= open || text[close] !== ')') return null;
  if (text.slice(open + 1, close).trim() === '') return [];
  return splitTopLevel(text, open + 1, close).map(({ start, end }) => text.slice(start, end).trim());
}

/** The comma-separated parts of `text` between `from` and `to` at bracket depth 0, as ranges. */
export function splitTopLevel(text: string, from: number, to: number): { start: number; end: number }[] {
  const parts: { start: number; end: number }[] = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < to; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push({ start, end: i });
      start = i + 1;
    }
  }
  parts.push({ start, end: to });
  return parts;
}
