// A kernel `.config` file: `CONFIG_X=y|m|n|<number>|"string"`, `# CONFIG_X is not set`.

export type KconfigValue = 'y' | 'm' | 'n' | number | string;
export type Kconfig = ReadonlyMap<string, KconfigValue>;

export class KconfigError extends Error {}

/** Parses a .config; anything that is neither an assignment, a comment nor blank is an error. */
export function parseKconfig(text: string, name = '.config'): Kconfig {
  const out = new Map<string, KconfigValue>();
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const unset = /^#\s*(CONFIG_\w+) is not set$/.exec(line);
    if (unset) { out.set(unset[1] as string, 'n'); continue; }
    if (line.startsWith('#')) continue;
    const m = /^(CONFIG_\w+)=(.*)$/.exec(line);
    if (!m) throw new KconfigError(`${name}:${i + 1}: not a kernel config line: ${line.slice(0, 60)}`);
    out.set(m[1] as string, parseValue(m[2] as string));
  }
  if (out.size === 0) throw new KconfigError(`${name}: no CONFIG_ entries: not a kernel .config`);
  return out;
}

function parseValue(v: string): KconfigValue {
  if (v === 'y' || v === 'm' || v === 'n') return v;
  if (/^-?(0x[0-9a-fA-F]+|\d+)$/.test(v)) return Number(v);
  return v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}
