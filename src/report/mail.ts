// Plain text for a reply on a kernel mailing list: at most 72 columns, no colour, lockdep's
// "Possible unsafe locking scenario" table, then each CPU's chain as `function+file:line` lines.
import { cycleText } from '../rules/rule.js';
import { cpuSummary } from './sarif.js';
import { fit, renderScenarioTable } from './scenario.js';
import type { ChainStep, Finding, Report } from './types.js';
import { suppressionCounts } from './text.js';

export const MAIL_WIDTH = 72;
/** Deeper calls are indented no further, so deep chains keep room for their text. */
const MAX_INDENT_DEPTH = 10;

export function renderMail(report: Report): string {
  const count = report.findings.length;
  const lines = wrap(`${toolLine(report)}: ${count === 0 ? 'no possible deadlock found' : plural(count, 'possible deadlock')}.`);
  report.findings.forEach((f, i) => lines.push('', ...findingLines(f, i + 1, count)));
  if (report.suppressed?.length) {
    lines.push('', ...wrap(`${plural(report.suppressed.length, 'finding')} suppressed (${suppressionCounts(report.suppressed)}).`));
  }
  if (report.problems.length > 0) {
    lines.push(
      '',
      ...wrap(
        `${plural(report.problems.length, 'file')} could not be analysed completely ` +
          `(parse errors or unreadable); cycles through them may be missing.`,
      ),
    );
  }
  return lines.join('\n') + '\n';
}

function toolLine(report: Report): string {
  const { arch, configFile } = report.config;
  const config = configFile === null ? 'both #if arms' : configFile;
  return `${report.tool.name} ${report.tool.version} (${arch}, ${config})`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function findingLines(f: Finding, index: number, count: number): string[] {
  const lines = [
    ...wrap(`[${index}/${count}] ${f.rule}: ${cycleText(f.resources)}`, '    '),
    ...wrap(`(${f.severity}, confidence ${f.confidence.toFixed(2)}, at ${f.location.file}:${f.location.line})`),
    '',
    ...wrap(f.message),
    ...f.reasons.flatMap((r) => wrap(`Confidence lowered: ${r}`, '  ')),
    '',
    ...scenarioTable(f),
  ];
  for (const cpu of f.cpus) {
    lines.push('', ...wrap(`${cpuSummary(cpu)}:`, '  '), ...distinctSteps(cpu.chain).flatMap(chainLines));
  }
  return lines;
}

/**
 * The shared lockdep table, sized to the mail width. Its columns stop shrinking at 12
 * characters, so from six CPUs on it cannot fit: then one `CPUn: action` line per step.
 */
function scenarioTable(f: Finding): string[] {
  const table = renderScenarioTable(f, MAIL_WIDTH).split('\n');
  if (table.every((l) => l.length <= MAIL_WIDTH)) return table;
  return [
    ' Possible unsafe locking scenario:',
    '',
    ...f.interleaving.map((s) => fit(`       CPU${s.cpu}: ${s.action}`, MAIL_WIDTH)),
    '',
    '  *** DEADLOCK ***',
  ];
}

/** One statement can be two steps (`write_lock_irq`: irqs off, then the wait): print it once. */
function distinctSteps(chain: ChainStep[]): ChainStep[] {
  const same = (a: ChainStep, b: ChainStep): boolean =>
    a.function === b.function && a.file === b.file && a.line === b.line && a.event === b.event;
  return chain.filter((step, i) => i === 0 || !same(step, chain[i - 1]!));
}

/**
 * `function+file:line`, indented by call depth as lockdep's stack traces are read top-down;
 * a lock, irq or wait event follows on the same line when it fits, else on the next.
 */
function chainLines(step: ChainStep): string[] {
  const indent = '  ' + '  '.repeat(Math.min(Math.max(0, step.depth), MAX_INDENT_DEPTH));
  const head = indent + fit(`${step.function}+${step.file}:${step.line}`, MAIL_WIDTH - indent.length);
  if (step.kind === 'call') return [head];
  const same = `${head}  ${step.event}`;
  if (same.length <= MAIL_WIDTH) return [same];
  const deeper = indent + '    ';
  return [head, deeper + fit(step.event, MAIL_WIDTH - deeper.length)];
}

/** Word-wraps to MAIL_WIDTH; continuation lines get `hang`; words too long are cut. */
export function wrap(text: string, hang = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    const prefix = lines.length === 0 && line === '' ? '' : hang;
    const candidate = line === '' ? prefix + word : `${line} ${word}`;
    if (candidate.length <= MAIL_WIDTH) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    const start = lines.length === 0 ? '' : hang;
    line = start + fit(word, MAIL_WIDTH - start.length);
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}
