// The findings of an older tree's report that a newer tree's report no longer has, matched by
// fingerprint (rule, classes, the functions of each chain): the candidates docs/history.md
// triages as deadlock fixes or refactors.
//   node --import tsx scripts/history-diff.ts OLD.json NEW.json [--rule RULE]
import { readFileSync } from 'node:fs';
import type { Finding } from '../src/report/types.js';

const [oldPath, newPath, ...rest] = process.argv.slice(2);
if (!oldPath || !newPath) {
  process.stderr.write('usage: history-diff.ts OLD.json NEW.json [--rule RULE]\n');
  process.exit(2);
}
const ruleAt = rest.indexOf('--rule');
const rule = ruleAt >= 0 ? rest[ruleAt + 1] : undefined;
const findingsOf = (p: string): Finding[] => (JSON.parse(readFileSync(p, 'utf8')) as { findings: Finding[] }).findings;
const newer = new Set(findingsOf(newPath).map((f) => f.fingerprint));
const gone = findingsOf(oldPath).filter((f) => !newer.has(f.fingerprint) && (!rule || f.rule === rule));
for (const f of gone) {
  process.stdout.write(`## ${f.rule}: ${f.resources.join(' | ')} (${f.location.file}:${f.location.line}, ${f.fingerprint})\n`);
  for (const cpu of f.cpus) {
    process.stdout.write(`- CPU${cpu.cpu}: ${cpu.chain.map((s) => `${s.function} ${s.file}:${s.line}`).join(' → ')}\n`);
  }
  process.stdout.write('\n');
}
process.stderr.write(`${gone.length} findings of ${oldPath} are not in ${newPath}\n`);
