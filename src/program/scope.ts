// One name, many things: what a `.c` file defines with file scope (a `static` variable, a struct,
// union or typedef defined in the file) is that file's, whatever other files call the same name.
// Linking keys such a definition `name{path}`; a header's definitions keep their plain name, one
// thing wherever the header is included. Lock classes built from keys carry the scope along:
// `register_mutex{sound/core/timer.c}`, `priv{drivers/a.c}.lock`.

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

const SCOPE = /\{([^{}]*)\}/g;

/** A key (or a class built from keys) without its scopes: what the code calls it. */
export function plainName(key: string): string {
  return key.replace(SCOPE, '');
}

/** The scopes named in a key, in order. */
export function scopesOf(key: string): string[] {
  return [...key.matchAll(SCOPE)].map((m) => m[1] as string);
}

/** Keys defined only with file scope, by plain name: a header may name one it cannot see defined. */
const soleScoped = new WeakMap<ReadonlyMap<string, unknown>, { size: number; index: Map<string, string | null> }>();

function soleScopedKey(table: ReadonlyMap<string, unknown>, name: string): string | null {
  let memo = soleScoped.get(table);
  // Tables only grow while linking; a new size means new definitions.
  if (!memo || memo.size !== table.size) {
    const index = new Map<string, string | null>();
    for (const key of table.keys()) {
      if (!key.endsWith('}')) continue;
      const plain = plainName(key);
      index.set(plain, index.has(plain) ? null : key);
    }
    memo = { size: table.size, index };
    soleScoped.set(table, memo);
  }
  return memo.index.get(name) ?? null;
}

/**
 * The key `name` means in code of `file`, as the compiler resolves it: the file's own definition,
 * else the tree-wide one. Code in a header (an inline function, a macro) sees the definition of the
 * file that includes it; when one file alone defines the name, that is the one. Null when nothing
 * visible defines it.
 */
export function resolveName(table: ReadonlyMap<string, unknown>, name: string, file: string): string | null {
  if (hasFileScope(file)) {
    const own = scopedKey(name, file);
    if (table.has(own)) return own;
  }
  if (table.has(name)) return name;
  return hasFileScope(file) ? null : soleScopedKey(table, name);
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
