// Lockdep's "Possible unsafe locking scenario" table: one column per CPU, one row per step.
import type { CpuScenario, Finding } from './types.js';

const INDENT = '       ';

/** How a CPU whose chain runs under a lock another party holds reads (`CpuScenario.runsUnder`). */
export function runsUnderPhrase(cpu: CpuScenario): string | null {
  return cpu.runsUnder === undefined ? null : `runs a callback for ${cpu.runsUnder}, which holds ${cpu.holds[0] ?? '?'} (${cpu.holdMode})`;
}

/** Renders the interleaving of a finding as lockdep does; columns shrink to fit `maxWidth`. */
export function renderScenarioTable(finding: Finding, maxWidth = 100): string {
  const cpuCount = finding.cpus.length;
  const widest = Math.max(8, ...finding.interleaving.map((s) => s.action.length + 2));
  const column = Math.max(12, Math.min(widest, Math.floor((maxWidth - INDENT.length) / cpuCount)));
  const cell = (text: string): string => text.padEnd(column);
  const row = (cpu: number, text: string): string =>
    (INDENT + ' '.repeat(column * cpu) + cell(text)).trimEnd();

  // A sleep in atomic context, or an IPI wait with irqs off, is one CPU's bug, not an
  // interleaving: the kernel's own words for it.
  const sleeps = finding.cpus.some((c) => c.waitsFor === 'SLEEP');
  const ipiWait = cpuCount === 1 && finding.cpus[0]?.waitsFor === 'IPI' && finding.cpus[0].holds[0] === 'IPI';
  const header = sleeps ? ' Sleeping function called from invalid context:' : ipiWait ? ' Waiting for IPI completion with interrupts disabled:' : ' Possible unsafe locking scenario:';
  const lines = [header, ''];
  lines.push((INDENT + finding.cpus.map((c) => cell(`CPU${c.cpu}`)).join('')).trimEnd());
  lines.push((INDENT + finding.cpus.map(() => cell('----')).join('')).trimEnd());
  for (const step of finding.interleaving) {
    for (const part of wrapCell(step.action, column - 1)) lines.push(row(step.cpu, part));
  }
  lines.push('', sleeps ? '  *** SLEEPS IN ATOMIC CONTEXT ***' : ipiWait ? '  *** DEADLOCK with any CPU doing the same ***' : '  *** DEADLOCK ***');
  // Lockdep's hint for one task taking a class it holds: two instances need a subclass.
  if (!ipiWait && cpuCount === 1 && finding.cpus[0]?.holds[0] === finding.cpus[0]?.waitsFor) lines.push('', ' May be due to missing lock nesting notation');
  return lines.join('\n');
}

/** Splits a cell that does not fit over several rows: after a `(` or a space, else anywhere. */
export function wrapCell(text: string, width: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const at = Math.max(rest.lastIndexOf('(', width - 1), rest.lastIndexOf(' ', width - 1));
    const cut = at > 2 ? at + 1 : width;
    out.push(rest.slice(0, cut));
    rest = `  ${rest.slice(cut)}`;
  }
  out.push(rest);
  return out;
}

/** Shortens text to `width` characters, keeping its start and its end. */
export function fit(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width < 5) return text.slice(0, width);
  const head = Math.ceil((width - 3) / 2);
  const tail = width - 3 - head;
  return text.slice(0, head) + '...' + text.slice(text.length - tail);
}
