// Compiler-style text: one `file:line:col: error: [rule] message` line per finding, then
// lockdep's scenario table and each CPU's call chain (`function+file:line`).
import { renderScenarioTable, runsUnderPhrase } from './scenario.js';
import { heldName } from '../models/bit-gates.js';
import { waitOf } from '../resources/waits.js';
import type { ChainStep, CpuScenario, Finding, Report, SuppressedFinding } from './types.js';

export interface TextOptions { color: boolean }

const paint = (on: boolean, code: string, text: string): string => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

export function renderText(report: Report, opts: TextOptions = { color: false }): string {
  const out: string[] = [];
  for (const f of report.findings) out.push(renderFinding(f, opts), '');
  out.push(summaryLine(report));
  return `${out.join('\n')}\n`;
}

export function renderFinding(f: Finding, opts: TextOptions): string {
  const where = `${f.location.file}:${f.location.line}:${f.location.col}`;
  const level = paint(opts.color, f.severity === 'error' ? '1;31' : '1;35', `${f.severity}:`);
  const lines = [`${paint(opts.color, '1', where)}: ${level} [${f.rule}] ${f.message}`];
  if (f.confidence < 1) lines.push(`  confidence ${f.confidence}: ${f.reasons.join('; ')}`);
  else if (f.reasons.length > 0) lines.push(`  ${f.reasons.join('; ')}`);
  lines.push('', renderScenarioTable(f, 132), '');
  for (const cpu of f.cpus) lines.push(...cpuBlock(cpu));
  return lines.join('\n');
}

function cpuBlock(cpu: CpuScenario): string[] {
  if (cpu.queuedWriter) {
    const held = cpu.holds.length ? `holds ${cpu.holds.join(', ')}; ` : '';
    return [` CPU${cpu.cpu}: a writer, off the cycle: ${held}waits for ${cpu.waitsFor} (write) before the reader asks`, ...cpu.chain.map(stepLine), ''];
  }
  const also = cpu.holds.length > 1 ? `, also ${cpu.holds.slice(1).map(heldName).join(', ')}` : '';
  const sleeps = cpu.waitsFor === 'SLEEP';
  const runs = waitOf(cpu.holds[0] ?? '');
  const awaited = waitOf(cpu.waitsFor);
  const holds = runsUnderPhrase(cpu) ?? (runs !== null ? runs.model.holdsPhrase(runs.place) : cpu.holds[0] === 'IPI' ? (sleeps ? 'has irqs disabled' : 'holds irqs disabled (cannot take an IPI)')
    : cpu.holds[0] === 'HARDIRQ' ? (sleeps ? 'runs a hard-irq handler' : 'runs a hard-irq handler on the CPU before it')
      : cpu.holds[0] === 'SOFTIRQ' ? 'runs in softirq context (a timer or tasklet callback)'
      : `holds ${cpu.holds[0]} (${cpu.holdMode})`);
  if (sleeps) return [` CPU${cpu.cpu}: ${holds}${also}; calls what may sleep`, ...cpu.chain.map(stepLine), ''];
  if (awaited !== null) return [` CPU${cpu.cpu}: ${holds}${also}; ${awaited.model.waitsPhrase(awaited.place)}`, ...cpu.chain.map(stepLine), ''];
  const waits = cpu.waitsFor === 'IPI' ? 'every CPU to acknowledge an IPI'
    : cpu.waitsFor === 'HARDIRQ' ? 'an interrupt (irqs enabled)' : `${cpu.waitsFor} (${cpu.waitMode}${cpu.irqsDisabled ? ', irqs disabled' : ''})`;
  return [` CPU${cpu.cpu}: ${holds}${also}; waits for ${waits}`, ...cpu.chain.map(stepLine), ''];
}

export function stepLine(s: ChainStep): string {
  return `   ${'  '.repeat(s.depth)}${s.function}+${s.file}:${s.line}  ${s.event}`;
}

export function summaryLine(report: Report): string {
  const byRule = new Map<string, number>();
  for (const f of report.findings) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
  const rules = [...byRule.entries()].map(([r, n]) => `${r}: ${n}`).join(', ');
  const s = report.stats;
  const pct = (a: number, b: number): string => (b === 0 ? '0.0' : ((100 * a) / b).toFixed(1));
  const suppressed = report.suppressed?.length ? `; ${report.suppressed.length} suppressed (${suppressionCounts(report.suppressed)})` : '';
  return [
    `${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}${rules ? ` (${rules})` : ''}${suppressed}`,
    `${s.files} files, ${s.functions} functions (${pct(s.functionsWithErrors, s.functions)}% with parse errors), ${s.macros} macros`,
    `${s.lockOps} lock operations (${pct(s.unknownLockOps, s.lockOps)}% of unknown class), ${s.edges} dependency edges, ${s.candidateCycles} candidate cycles (${s.infeasibleCycles} infeasible, ${s.impliedCycles} implied by shorter ones)${s.cycleSearchTruncated ? ', cycle search truncated' : ''}`,
    `conditionals: ${report.config.conditionals === 'both-arms' ? 'both arms of every #if kept (no --config)' : `evaluated with ${report.config.configFile}`}`,
  ].join('\n');
}

/** `2 inline, 1 by --suppressions`. */
export function suppressionCounts(suppressed: readonly SuppressedFinding[]): string {
  const inline = suppressed.filter((f) => f.suppression.kind === 'inline').length;
  const parts = [inline ? `${inline} inline` : '', suppressed.length - inline ? `${suppressed.length - inline} by --suppressions` : ''];
  return parts.filter(Boolean).join(', ');
}
