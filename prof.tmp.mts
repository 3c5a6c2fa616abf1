import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { normalizeKernelC } from './src/parse/normalize.js';
import { parseC } from './src/parse/parser.js';
import { conditionsByLine } from './src/parse/conditionals.js';
import { extractFileFacts } from './src/facts/extract.js';
import { outlineOf, packMacros } from './src/facts/outline.js';
const root = process.argv[2]!;
const dirs = process.argv.slice(3);
const files: string[] = [];
for (const d of dirs) for (const f of readdirSync(path.join(root, d))) if (/\.[ch]$/.test(f)) files.push(path.join(d, f));
const texts = files.map((f) => readFileSync(path.join(root, f), 'utf8'));
const t: Record<string, number> = {};
const lap = async (name: string, fn: () => Promise<void> | void) => { const s = performance.now(); await fn(); t[name] = (t[name] ?? 0) + performance.now() - s; };
await parseC('int x;');
for (let i = 0; i < files.length; i++) {
  const text = texts[i]!;
  await lap('parse-raw', async () => { (await parseC(text)).delete(); });
  let norm = '';
  await lap('normalize', () => { norm = normalizeKernelC(text).text; });
  await lap('parse-normalized', async () => { (await parseC(norm)).delete(); });
  await lap('conditionsByLine', () => { conditionsByLine(text); });
  let facts: Awaited<ReturnType<typeof extractFileFacts>> | null = null;
  await lap('extractFileFacts(all)', async () => { facts = await extractFileFacts(files[i]!, text); });
  await lap('outlineOf', () => { outlineOf(facts!); });
  await lap('stringify', () => { JSON.stringify(facts); });
}
console.log(files.length, 'files', (texts.reduce((n, s) => n + s.length, 0) / 1e6).toFixed(1), 'MB');
for (const [k, v] of Object.entries(t)) console.log(k.padEnd(24), (v / 1000).toFixed(2), 's');
