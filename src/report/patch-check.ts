// check-patch output: new findings in full, fixed ones in a line each, then the RCU review notes.
import { renderFinding, suppressionCounts } from './text.js';
import type { Finding, PatchCheckReport, RcuReview, Site } from './types.js';

export function renderPatchCheckText(r: PatchCheckReport, color: boolean): string {
  const out: string[] = [];
  for (const f of r.newFindings) out.push(`new: ${renderFinding(f, { color })}`, '');
  for (const f of r.fixedFindings) out.push(`fixed: ${f.location.file}:${f.location.line}: [${f.rule}] ${f.resources.join(' -> ')}`);
  if (r.fixedFindings.length) out.push('');
  for (const review of r.reviews) out.push(...renderReview(review), '');
  const suppressed = r.suppressed?.length ? `, ${r.suppressed.length} new suppressed (${suppressionCounts(r.suppressed)})` : '';
  out.push(`${r.patch}: ${r.newFindings.length} new, ${r.fixedFindings.length} fixed, ${r.unchanged} unchanged finding(s)${suppressed}`);
  return `${out.join('\n')}\n`;
}

function siteLine(s: Site): string {
  return `      ${s.function}+${s.file}:${s.line}  ${s.text}`;
}

export function renderReview(r: RcuReview): string[] {
  const lines = [`review: ${r.file}:${r.line}: ${r.function}() now reads under rcu_read_lock() instead of ${r.replacedLock}`];
  lines.push(r.maySleep.length
    ? `  - may sleep inside the RCU read-side section (${r.maySleep.length}):`
    : '  - nothing inside the RCU read-side section was found to sleep');
  lines.push(...r.maySleep.map(siteLine));
  if (r.iterators.length === 0) lines.push('  - no list iterator inside the section');
  for (const it of r.iterators) {
    lines.push(`  - ${it.site.file}:${it.site.line} ${it.macro}: ${it.rcuSafe ? 'RCU-safe iterator' : 'NOT an RCU iterator (use the _rcu variant)'}`);
  }
  lines.push(`  - writers of ${r.replacedLock} (${r.writers.count} exclusive acquisition site(s)) no longer wait for this reader:`);
  lines.push(...r.writers.sites.map(siteLine));
  lines.push(`  - ${r.note}`);
  return lines;
}

/** `checkpatch.pl --terse --showfile` style, for b4's prep-perpatch-check-cmd. */
export function renderCheckpatch(r: PatchCheckReport): string {
  const line = (f: Finding): string =>
    `${f.location.file}:${f.location.line}: ${f.severity === 'error' ? 'ERROR' : 'WARNING'}: [${f.rule}] ${f.message}`;
  return r.newFindings.map((f) => `${line(f)}\n`).join('');
}
