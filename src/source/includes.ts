// Which shared headers a scan reads: those its files #include, directly or through other headers,
// resolved the way Kbuild's include path does for one architecture. A header under include/ that
// nothing scanned includes is not part of what is analysed (it is not part of any translation
// unit of the scan), and reading it only costs parse time: `scan mm` includes ~1,000 of the
// ~6,300 headers under include/ and arch/x86/include.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MAX_FILE_BYTES } from './read.js';

/**
 * What Kbuild puts in front of every translation unit (`-include` in the top Makefile): their
 * definitions are visible everywhere without an #include line.
 */
export const FORCED_INCLUDES: readonly string[] = ['include/linux/compiler-version.h', 'include/linux/kconfig.h', 'include/linux/compiler_types.h'];

/** The directories whose headers come in by inclusion only (unless a scan path names them). */
export function sharedHeaderDirs(arch: string): string[] {
  return ['include', `arch/${arch}/include`];
}

const INCLUDE = Buffer.from('include');
const [HASH, SPACE, TAB, NEWLINE, LT, GT, QUOTE] = ['#', ' ', '\t', '\n', '<', '>', '"'].map((c) => c.charCodeAt(0)) as [number, number, number, number, number, number, number];

/**
 * The `#include <x>` / `#include "x"` lines of a source, as written (`<linux/mm.h>`, `"internal.h"`),
 * once each, in order. Computed includes (`#include TRACE_INCLUDE(…)`) name no file and are left
 * out. Works on bytes: a whole kernel's worth is searched in about a second.
 */
export function includeRefs(bytes: Uint8Array): string[] {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const refs = new Set<string>();
  for (let at = buf.indexOf(INCLUDE); at >= 0; at = buf.indexOf(INCLUDE, at + INCLUDE.length)) {
    if (!startsDirective(buf, at)) continue;
    const ref = refAfter(buf, at + INCLUDE.length);
    if (ref) refs.add(ref);
  }
  return [...refs];
}

/** Whether `include` at `at` follows `#` with only blanks between it and the line's start. */
function startsDirective(buf: Buffer, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && (buf[i] === SPACE || buf[i] === TAB)) i--;
  if (buf[i] !== HASH) return false;
  i--;
  while (i >= 0 && (buf[i] === SPACE || buf[i] === TAB)) i--;
  return i < 0 || buf[i] === NEWLINE;
}

function refAfter(buf: Buffer, from: number): string | null {
  let i = from;
  while (buf[i] === SPACE || buf[i] === TAB) i++;
  const open = buf[i];
  if (open !== LT && open !== QUOTE) return null;
  const close = open === LT ? GT : QUOTE;
  for (let j = i + 1; j < buf.length && buf[j] !== NEWLINE; j++) {
    if (buf[j] !== close) continue;
    const name = buf.toString('latin1', i + 1, j).trim();
    return name ? `${String.fromCharCode(open)}${name}${String.fromCharCode(close)}` : null;
  }
  return null;
}

/** A file's include refs read from disk; none when it cannot be read or is too large to analyse. */
export function readIncludeRefs(root: string, rel: string): string[] {
  try {
    const bytes = readFileSync(path.join(root, rel));
    return bytes.length > MAX_FILE_BYTES ? [] : includeRefs(bytes);
  } catch {
    return [];
  }
}

/**
 * Resolves an include ref to a path relative to the root, among paths `exists` knows, as gcc does
 * with Kbuild's `-I` list for `arch`: `"x"` next to the including file first, then the include
 * directories; `<asm/x.h>` that the architecture lacks is asm-generic's (Kbuild generates that
 * wrapper). Null when the ref names nothing known (generated headers, libc headers of user tools).
 */
export function includeResolver(arch: string, exists: (rel: string) => boolean): (from: string, ref: string) => string | null {
  const dirs = [`arch/${arch}/include`, 'include', `arch/${arch}/include/uapi`, 'include/uapi'];
  return (from, ref) => {
    const name = ref.slice(1, -1);
    if (ref.startsWith('"')) {
      const local = path.posix.normalize(path.posix.join(path.posix.dirname(from), name));
      if (!local.startsWith('../') && exists(local)) return local;
    }
    for (const dir of dirs) if (exists(`${dir}/${name}`)) return `${dir}/${name}`;
    if (name.startsWith('asm/')) {
      const generic = name.slice('asm/'.length);
      for (const candidate of [`include/asm-generic/${generic}`, `include/uapi/asm-generic/${generic}`]) if (exists(candidate)) return candidate;
    }
    return null;
  };
}

/**
 * The headers of `pool` reached from `roots` (and the forced includes) through include refs, in
 * no particular order. `refsOf` gives a file's refs; `resolve` turns a ref into a path.
 */
export function includeClosure(
  roots: Iterable<string>, pool: ReadonlySet<string>,
  resolve: (from: string, ref: string) => string | null, refsOf: (file: string) => readonly string[],
): Set<string> {
  const reached = new Set<string>();
  const queue: string[] = [];
  const reach = (header: string | null): void => {
    if (header === null || !pool.has(header) || reached.has(header)) return;
    reached.add(header);
    queue.push(header);
  };
  const visit = (file: string): void => {
    for (const ref of refsOf(file)) reach(resolve(file, ref));
  };
  for (const forced of FORCED_INCLUDES) reach(forced);
  for (const root of roots) visit(root);
  for (let header = queue.pop(); header !== undefined; header = queue.pop()) visit(header);
  return reached;
}
