// One name, many things: what a `.c` file defines with file scope (a `static` variable, a struct,
// union or typedef defined in the file) is that file's, whatever other files call the same name.
// Linking keys such a definition `name{path}`. A type a driver's own header defines (a header
// outside the public `include/` directories) is its directory's, `name{drivers/scsi/qla4xxx/}`:
// qla2xxx and qla4xxx each define `struct scsi_qla_host`, and only the code of a directory and of
// its subdirectories includes its private headers by path. A public header's definitions keep
// their plain name, one thing wherever the header is included. Lock classes built from keys carry
// the scope along: `register_mutex{sound/core/timer.c}`, `priv{drivers/a.c}.lock`.

/** Whether definitions in `file` have file scope (a translation unit, not a shared header). */
export function hasFileScope(file: string): boolean {
  return !file.endsWith('.h');
}

/** The key of `name` defined with file scope in `scope` (a path, or `path:function` for a static local). */
export function scopedKey(name: string, scope: string): string {
  return `${name}{${scope}}`;
}

/** The key a definition of `name` in `file` links under. */
export function definitionKey(name: string, file: string, fileScoped: boolean): string {
  return fileScoped && hasFileScope(file) ? scopedKey(name, file) : name;
}

/** Whether `file` is a header of its directory's own, not one under a public `include/` directory. */
export function isPrivateHeader(file: string): boolean {
  return file.endsWith('.h') && !/(?:^|\/)include\//.test(file);
}

/** The directory of `file` as a scope, with its trailing `/` (`drivers/scsi/qla4xxx/`); '' at the top. */
function directoryOf(file: string): string {
  return file.slice(0, file.lastIndexOf('/') + 1);
}

const isDirectoryScope = (scope: string): boolean => scope.endsWith('/');

/** The key a type (a struct, union or typedef) defined in `file` links under. */
export function typeDefinitionKey(name: string, file: string): string {
  return isPrivateHeader(file) && directoryOf(file) !== '' ? scopedKey(name, directoryOf(file)) : definitionKey(name, file, true);
}

const SCOPE = /\{([^{}]*)\}/g;

/** A key (or a class built from keys) without its scopes: what the code calls it. */
export function plainName(key: string): string {
  return key.replace(SCOPE, '');
}

/** A key without the scopes of directories (types of drivers' own headers), keeping files'. */
export function withoutDirectoryScopes(key: string): string {
  return key.replace(/\{[^{}]*\/\}/g, '');
}

/** The scopes named in a key, in order. */
export function scopesOf(key: string): string[] {
  return [...key.matchAll(SCOPE)].map((m) => m[1] as string);
}

/**
 * Per table, by plain name: the one key defined with a scope (null when several are), and the
 * one key defined in a directory's private headers (null when several are); and the names some
 * directory defines.
 */
interface ScopedIndex { size: number; sole: Map<string, string | null>; soleInDirectory: Map<string, string | null>; inDirectories: Set<string> }

const scopedIndexes = new WeakMap<ReadonlyMap<string, unknown>, ScopedIndex>();

function scopedIndex(table: ReadonlyMap<string, unknown>): ScopedIndex {
  let memo = scopedIndexes.get(table);
  // Tables only grow while linking; a new size means new definitions.
  if (!memo || memo.size !== table.size) {
    memo = { size: table.size, sole: new Map(), soleInDirectory: new Map(), inDirectories: new Set() };
    for (const key of table.keys()) {
      if (!key.endsWith('}')) continue;
      const plain = plainName(key);
      memo.sole.set(plain, memo.sole.has(plain) ? null : key);
      if (!isDirectoryScope(scopesOf(key)[0] ?? '')) continue;
      memo.inDirectories.add(plain);
      memo.soleInDirectory.set(plain, memo.soleInDirectory.has(plain) ? null : key);
    }
    scopedIndexes.set(table, memo);
  }
  return memo;
}

/** The private-header definition of `name` that code of `file` sees: its directory's, or an ancestor's. */
function directoryKey(table: ReadonlyMap<string, unknown>, name: string, file: string): string | null {
  for (let dir = directoryOf(file); dir !== ''; dir = directoryOf(dir.slice(0, -1))) {
    const key = scopedKey(name, dir);
    if (table.has(key)) return key;
  }
  return null;
}

/**
 * The key `name` means in code of `file`, as the compiler resolves it: the file's own definition,
 * its directory's (or an ancestor directory's) private header's, else the tree-wide one. Code in a
 * public header (an inline function, a macro) sees the definition of the file that includes it;
 * when one file alone defines the name, that is the one. A private header included from beside
 * its directory (a driver's `-I`) is found when it alone defines the name. Null when nothing
 * visible defines it.
 */
export function resolveName(table: ReadonlyMap<string, unknown>, name: string, file: string): string | null {
  if (hasFileScope(file)) {
    const own = scopedKey(name, file);
    if (table.has(own)) return own;
  }
  const index = scopedIndex(table);
  const inDirectory = index.inDirectories.has(name) ? directoryKey(table, name, file) : null;
  if (inDirectory) return inDirectory;
  if (table.has(name)) return name;
  return (hasFileScope(file) ? index.soleInDirectory.get(name) : index.sole.get(name)) ?? null;
}

/** The value `name` means in code of `file` (see `resolveName`). */
export function lookupScoped<V>(table: ReadonlyMap<string, V>, name: string, file: string): V | undefined {
  const key = resolveName(table, name, file);
  return key === null ? undefined : table.get(key);
}

/**
 * Names for reports: a key prints as its plain name, with its scopes added only where two keys
 * among `keys` would otherwise print alike (`register_mutex (sound/core/timer.c)`).
 */
export function classNamer(keys: Iterable<string>): (key: string) => string {
  const byPlain = new Map<string, Set<string>>();
  for (const key of keys) {
    const plain = plainName(key);
    const same = byPlain.get(plain) ?? new Set<string>();
    same.add(key);
    byPlain.set(plain, same);
  }
  return (key) => {
    const plain = plainName(key);
    const scopes = scopesOf(key);
    return scopes.length === 0 || (byPlain.get(plain)?.size ?? 0) <= 1 ? plain : `${plain} (${scopes.join(', ')})`;
  };
}

/** What `classNamer` printed, without the scopes it may have added: `stat_lock (a.c)` → `stat_lock`. */
export function printedPlainName(printed: string): string {
  return printed.replace(/ \([^()]*\)$/, '');
}

/** A key written inside free text (a message, a note), with the field and array parts around its scope. */
const KEY_IN_TEXT = /[\w.[\]]*\{[^{}]*\}[\w.[\]]*/g;

/** `text` with every key in it named by `name`. */
export function nameKeysIn(text: string, name: (key: string) => string): string {
  return text.replace(KEY_IN_TEXT, (key) => name(key));
}
