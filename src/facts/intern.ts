// One copy of each string across a tree's outlines. Outlines arrive from parser threads with a
// fresh copy of every name (callee names, types, parameter names, #if conditions); hundreds of
// thousands of functions repeat the same few thousand.
export class StringPool {
  private readonly pool = new Map<string, string>();

  string(s: string): string {
    const hit = this.pool.get(s);
    if (hit !== undefined) return hit;
    this.pool.set(s, s);
    return s;
  }

  /** Replaces, in place, every string inside `value` (values and array items, not keys) by the pooled one. */
  intern<T>(value: T, skip: ReadonlySet<string> = NO_KEYS): T {
    const visit = (v: unknown): unknown => {
      if (typeof v === 'string') return this.string(v);
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) v[i] = visit(v[i]);
      } else if (v !== null && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        for (const k of Object.keys(o)) if (!skip.has(k)) o[k] = visit(o[k]);
      }
      return v;
    };
    return visit(value) as T;
  }
}

const NO_KEYS: ReadonlySet<string> = new Set();
