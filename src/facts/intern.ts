// One copy of each value that repeats across a tree's outlines. Outlines arrive from parser
// threads as fresh copies: hundreds of thousands of functions repeat the same few thousand
// names, type references (`{name: 'spinlock_t', pointer: 1}`) and empty lists.
export class ValuePool {
  private readonly strings = new Map<string, string>();
  /** Records of primitives by their contents; shared, so frozen (a change would show in all). */
  private readonly records = new Map<string, object>();

  string(s: string): string {
    const hit = this.strings.get(s);
    if (hit !== undefined) return hit;
    this.strings.set(s, s);
    return s;
  }

  /**
   * `value` with every string, every non-empty record of primitives and every empty array replaced
   * by the pooled one, in place where it is not (values and array items, not keys; not under `skip`).
   */
  intern<T>(value: T, skip: ReadonlySet<string> = NO_KEYS): T {
    const visit = (v: unknown): unknown => {
      if (typeof v === 'string') return this.string(v);
      // Frozen: pooled already (an outline made in this thread may name one object twice).
      if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return v;
      if (Array.isArray(v)) {
        if (v.length === 0) return EMPTY;
        for (let i = 0; i < v.length; i++) v[i] = visit(v[i]);
        return v;
      }
      const o = v as Record<string, unknown>;
      let primitives = true;
      const keys = Object.keys(o);
      for (const k of keys) {
        if (skip.has(k)) continue;
        const x = (o[k] = visit(o[k]));
        if (x !== null && typeof x === 'object') primitives = false;
      }
      return primitives && keys.length > 0 ? this.record(o, keys) : o;
    };
    return visit(value) as T;
  }

  private record(o: Record<string, unknown>, keys: string[]): object {
    let key = '';
    for (const k of keys) key += `${k}\u0000${typeof o[k]}\u0000${String(o[k])}\u0001`;
    const hit = this.records.get(key);
    if (hit) return hit;
    this.records.set(key, Object.freeze(o));
    return o;
  }
}

const NO_KEYS: ReadonlySet<string> = new Set();
const EMPTY: readonly never[] = Object.freeze([]);
