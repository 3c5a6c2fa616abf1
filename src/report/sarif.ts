// SARIF 2.1.0 renderer (design §5): one result per finding, highest-ranked first, one codeFlow
// per result with one threadFlow per CPU, kept inside GitHub code scanning's upload limits.
// Output is deterministic: keys are written in a fixed order, results sorted by rank, and
// nothing depends on time or the environment except `srcRoot`, which the caller passes.
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { heldName } from '../models/bit-gates.js';
import { waitOf } from '../resources/waits.js';
import { cycleText } from '../rules/rule.js';
import type { RuleMeta } from './rule-meta.js';
import { runsUnderPhrase } from './scenario.js';
import type { ChainStep, CpuScenario, Finding, Problem, Report, Severity, StepKind, SuppressedFinding, Suppression } from './types.js';

export type { RuleMeta } from './rule-meta.js';

/** The OASIS schema the vendored test copy is (its `id`). */
export const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** partialFingerprints key: namespaced and versioned, so a new fingerprint scheme gets a new key. */
export const FINGERPRINT_KEY = 'kdeadlock/v2';
export const SRCROOT = 'SRCROOT';

export interface SarifLimits {
  maxResults: number;
  maxGzipBytes: number;
}

/** GitHub code scanning rejects uploads above these (10 MB read as 10^7 bytes, to be safe). */
export const GITHUB_LIMITS: SarifLimits = { maxResults: 25_000, maxGzipBytes: 10_000_000 };

export interface SarifOptions {
  rules: RuleMeta[];
  /** The scanned root; when given, SRCROOT gets its absolute file:// URI. */
  srcRoot?: string;
  /** The tool's home page (tool.driver.informationUri); defaults to the tree the rule docs are in. */
  informationUri?: string;
  /** The repository SRCROOT is a checkout of, when known (run.versionControlProvenance). */
  versionControl?: { repositoryUri: string; revisionId?: string; branch?: string };
  /** Defaults to GITHUB_LIMITS; tests lower them. */
  limits?: SarifLimits;
}

// The subset of SARIF this renderer writes, typed so the builders cannot drift from each other.
interface Message {
  text: string;
}
interface PhysicalLocation {
  artifactLocation: { uri: string; uriBaseId: string };
  region?: { startLine: number; startColumn: number };
}
interface Location {
  id?: number;
  physicalLocation: PhysicalLocation;
  logicalLocations?: { name: string; kind: string }[];
  message?: Message;
}
interface ThreadFlowLocation {
  executionOrder: number;
  location: Location;
  kinds: string[];
  nestingLevel: number;
  state: { irqs: Message };
}
interface ThreadFlow {
  id: string;
  message: Message;
  locations: ThreadFlowLocation[];
}
interface SarifSuppression { kind: 'inSource' | 'external'; status: 'accepted'; justification: string }
interface SarifResult {
  suppressions?: SarifSuppression[];
  ruleId: string;
  ruleIndex: number;
  level: Severity;
  message: Message;
  locations: Location[];
  partialFingerprints: Record<string, string>;
  codeFlows: { message: Message; threadFlows: ThreadFlow[] }[];
  relatedLocations: Location[];
  properties: { confidence: number; reasons: string[]; resources: string[] };
}
interface Notification {
  level: 'warning';
  message: Message;
  locations?: Location[];
}

/** Renders the report as a SARIF 2.1.0 log (pretty-printed JSON, trailing newline). */
export function renderSarif(report: Report, opts: SarifOptions): string {
  const limits = opts.limits ?? GITHUB_LIMITS;
  const ruleIndex = indexRules(opts.rules);
  // Each result is serialized once: the size limits may need several renders, and holding 25,000
  // result object trees alive at once costs far more memory (and GC time) than their text.
  // Suppressed findings stay results, with their suppression, as SARIF viewers expect.
  const all: (Finding | SuppressedFinding)[] = [...report.findings, ...(report.suppressed ?? [])];
  const results = all.map((f) => resultJson(toResult(f, ruleIndex)));
  const problems = report.problems.map(problemNotification);
  const render = (kept: string[], dropped: number): string =>
    serialize(report, opts, kept, [...dropNotification(dropped, results.length, limits), ...problems]);
  return withinLimits(all, results, limits, render);
}

function indexRules(rules: RuleMeta[]): Map<string, number> {
  const index = new Map<string, number>();
  rules.forEach((rule, i) => {
    if (index.has(rule.id)) throw new Error(`renderSarif: rule "${rule.id}" is listed twice`);
    index.set(rule.id, i);
  });
  return index;
}

function serialize(
  report: Report,
  opts: SarifOptions,
  results: string[],
  notifications: Notification[],
): string {
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: driver(report, opts) },
        invocations: [
          notifications.length > 0
            ? { executionSuccessful: true, toolExecutionNotifications: notifications }
            : { executionSuccessful: true },
        ],
        ...provenance(opts.versionControl),
        originalUriBaseIds: { [SRCROOT]: srcRootEntry(opts.srcRoot) },
        automationDetails: { id: automationId(report) },
        columnKind: 'unicodeCodePoints',
        results: results.length > 0 ? [RESULTS_MARKER] : [],
        properties: { stats: report.stats },
      },
    ],
  };
  const text = JSON.stringify(log, null, 2);
  const placeholder = RESULT_INDENT + JSON.stringify(RESULTS_MARKER);
  // A function replacement, so '$' in results is not a replacement pattern.
  return text.replace(placeholder, () => results.map((r) => RESULT_INDENT + r).join(',\n')) + '\n';
}

/** Stands for the results array while the rest of the log is serialized (JSON escapes NUL). */
const RESULTS_MARKER = '\u0000results';
/** runs[0].results[i] sits four levels deep in the log. */
const RESULT_INDENT = ' '.repeat(8);

/** A result as JSON.stringify(log, null, 2) would write it in place. */
function resultJson(result: SarifResult): string {
  return JSON.stringify(result, null, 2).replaceAll('\n', '\n' + RESULT_INDENT);
}

function driver(report: Report, opts: SarifOptions): object {
  const version = report.tool.version;
  return {
    name: report.tool.name,
    version,
    ...optional('semanticVersion', SEMVER.test(version) ? version : undefined),
    ...optional('informationUri', opts.informationUri ?? docsRoot(opts.rules)),
    rules: opts.rules.map(ruleDescriptor),
  };
}

/** `{key: value}` when value is set, else nothing: keeps absent optional properties out of the log. */
function optional(key: string, value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { [key]: value };
}

/** Rule docs live at `<tool tree>/docs/checks/<rule>.md`: that tree's root describes the tool. */
function docsRoot(rules: RuleMeta[]): string | undefined {
  const m = /^(https?:\/\/.+\/)docs\/checks\/[^/]+$/.exec(rules[0]?.helpUri ?? '');
  return m?.[1];
}

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

function ruleDescriptor(rule: RuleMeta): object {
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: rule.shortDescription },
    fullDescription: { text: rule.fullDescription },
    defaultConfiguration: { level: rule.defaultLevel },
    helpUri: rule.helpUri,
    help: { text: rule.helpText, markdown: rule.helpMarkdown },
    properties: { tags: ['concurrency', 'deadlock'] },
  };
}

function provenance(vc: SarifOptions['versionControl']): object {
  if (vc === undefined) return {};
  const { repositoryUri, revisionId, branch } = vc;
  return {
    versionControlProvenance: [
      {
        repositoryUri,
        ...optional('revisionId', revisionId),
        ...optional('branch', branch),
        mappedTo: { uriBaseId: SRCROOT },
      },
    ],
  };
}

function srcRootEntry(srcRoot: string | undefined): object {
  const description = { text: 'The root of the scanned kernel tree; result paths are relative to it.' };
  if (srcRoot === undefined) return { description };
  // SARIF requires an absolute URI ending in '/' for a base id (§3.14.14).
  const href = pathToFileURL(resolve(srcRoot)).href;
  return { uri: href.endsWith('/') ? href : href + '/', description };
}

/** `kdeadlock/<arch>/<config>/`: the trailing '/' makes it a category (GitHub keeps one per category). */
export function automationId(report: Report): string {
  const { arch, configFile } = report.config;
  const config = configFile === null ? 'both-arms' : basename(configFile);
  return `kdeadlock/${idPart(arch)}/${idPart(config)}/`;
}

function idPart(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_') || '_';
}

// ---------------------------------------------------------------------------------------------
// Results

function toResult(finding: Finding | SuppressedFinding, ruleIndex: Map<string, number>): SarifResult {
  const index = ruleIndex.get(finding.rule);
  if (index === undefined) throw new Error(`renderSarif: no rule metadata for "${finding.rule}"`);
  const suppression = 'suppression' in finding ? finding.suppression : null;
  return {
    ...(suppression ? { suppressions: [sarifSuppression(suppression)] } : {}),
    ruleId: finding.rule,
    ruleIndex: index,
    level: finding.severity,
    message: { text: sentence(finding.message) },
    locations: [{ physicalLocation: physical(finding.location) }],
    partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint },
    codeFlows: [{ message: { text: sentence(flowText(finding)) }, threadFlows: threadFlows(finding) }],
    relatedLocations: relatedLocations(finding),
    properties: { confidence: finding.confidence, reasons: finding.reasons, resources: finding.resources },
  };
}

function sarifSuppression(s: Suppression): SarifSuppression {
  const justification = `${s.reason || 'no reason given'} (${s.where})`;
  return { kind: s.kind === 'inline' ? 'inSource' : 'external', status: 'accepted', justification };
}

function flowText(finding: Finding): string {
  return `${finding.cpus.length} CPUs wait in a cycle: ${cycleText(finding.resources)}`;
}

function physical(at: { file: string; line: number; col: number }): PhysicalLocation {
  return {
    artifactLocation: { uri: encodePath(at.file), uriBaseId: SRCROOT },
    region: { startLine: Math.max(1, at.line), startColumn: Math.max(1, at.col) },
  };
}

/** Percent-encodes what a relative URI path may not hold (spaces, '#', '%', ':' and non-ASCII). */
export function encodePath(path: string): string {
  return path
    .split('/')
    .map((segment) =>
      [...segment]
        .map((ch) => (/[A-Za-z0-9\-._~!$&'()*+,;=@]/.test(ch) ? ch : encodeURIComponent(ch)))
        .join(''),
    )
    .join('/');
}

/** SARIF messages are sentences; GitHub and the Multitool expect the final period. */
function sentence(text: string): string {
  const trimmed = escapeLinks(text.trim());
  return /[.!?]$/.test(trimmed) ? trimmed : trimmed + '.';
}

/** `[x](y)` in plain text would be read as an embedded link (§3.11.6): escape its brackets. */
function escapeLinks(text: string): string {
  return /\[[^\]]*\]\(/.test(text) ? text.replace(/[[\]]/g, (b) => '\\' + b) : text;
}

// ---------------------------------------------------------------------------------------------
// Code flows

const KINDS: Record<StepKind, string[]> = {
  acquire: ['acquire', 'lock'],
  release: ['release', 'lock'],
  call: ['call', 'function'],
  wait: ['wait'],
  // Disabling interrupts takes the CPU's ability to answer an IPI: the resource `IPI` holds.
  'irqs-off': ['acquire', 'irqs-off'],
};

function threadFlows(finding: Finding): ThreadFlow[] {
  const order = executionOrders(finding);
  return finding.cpus.map((cpu, c) => {
    const irqs = irqStates(cpu);
    return {
      id: `CPU${cpu.cpu}`,
      message: { text: sentence(cpuSummary(cpu)) },
      locations: cpu.chain.map((step, s) => ({
        executionOrder: order[c]?.[s] ?? 0,
        location: {
          physicalLocation: physical(step),
          logicalLocations: [{ name: step.function, kind: 'function' }],
          message: { text: escapeLinks(step.event) },
        },
        kinds: KINDS[step.kind],
        nestingLevel: Math.max(0, step.depth),
        state: { irqs: { text: irqs[s] ? 'disabled' : 'enabled' } },
      })),
    };
  });
}

/**
 * Numbers every chain step of every CPU 1..N, following the interleaving: a CPU's n-th line in
 * the interleaving releases its chain up to its n-th event (any step but a call); its last line
 * releases the rest. CPUs the interleaving never names come last, in CPU order.
 * Returns order[cpuIndex][stepIndex].
 */
export function executionOrders(finding: Finding): number[][] {
  const order = finding.cpus.map((cpu) => cpu.chain.map(() => 0));
  const next = finding.cpus.map(() => 0);
  const remaining = new Map<number, number>();
  for (const step of finding.interleaving) remaining.set(step.cpu, (remaining.get(step.cpu) ?? 0) + 1);
  let counter = 0;
  const emitUntil = (c: number, last: boolean): void => {
    const chain = finding.cpus[c]?.chain ?? [];
    let s = next[c] ?? 0;
    while (s < chain.length) {
      order[c]![s] = ++counter;
      const isEvent = chain[s]!.kind !== 'call';
      s++;
      if (isEvent && !last) break;
    }
    next[c] = s;
  };
  for (const step of finding.interleaving) {
    const c = finding.cpus.findIndex((cpu) => cpu.cpu === step.cpu);
    if (c < 0) continue;
    const left = (remaining.get(step.cpu) ?? 1) - 1;
    remaining.set(step.cpu, left);
    emitUntil(c, left === 0);
  }
  finding.cpus.forEach((_, c) => emitUntil(c, true));
  return order;
}

/**
 * Per step, whether irqs are disabled once it runs. The report carries irq state per CPU (at
 * its wait), not per step: irqs go off at the CPU's first `irqs-off` step, else at its first
 * `*_irq`/`*_irqsave` acquire, else (irq context) they were off from the start.
 */
export function irqStates(cpu: CpuScenario): boolean[] {
  if (!cpu.irqsDisabled) return cpu.chain.map(() => false);
  let from = cpu.chain.findIndex((s) => s.kind === 'irqs-off');
  if (from < 0) from = cpu.chain.findIndex((s) => s.kind === 'acquire' && IRQ_OFF_EVENT.test(s.event));
  if (from < 0) from = 0;
  return cpu.chain.map((_, i) => i >= from);
}

const IRQ_OFF_EVENT = /_irq(?:save)?\s*\(|local_irq_(?:disable|save)\s*\(/;

/** The resource on the cycle just before the one this CPU waits for: the one it must hold. */
function keyHeld(finding: Finding, cpu: CpuScenario): string {
  const n = finding.resources.length;
  const w = finding.resources.indexOf(cpu.waitsFor);
  const before = w >= 0 && n > 0 ? finding.resources[(w - 1 + n) % n] : undefined;
  return before !== undefined && cpu.holds.includes(before) ? before : (cpu.holds[0] ?? '');
}

/** `CPU1 holds page.ptl (write) and waits for …`: one line per CPU, shared with the mail format. */
export function cpuSummary(cpu: CpuScenario): string {
  const irqs = cpu.irqsDisabled && !cpu.holds.includes('IPI') ? ', with irqs disabled' : '';
  return `CPU${cpu.cpu} ${holdPhrase(cpu)} and ${waitPhrase(cpu)}${irqs}`;
}

function holdPhrase(cpu: CpuScenario, held = cpu.holds.map(heldName).join(', ')): string {
  if (cpu.waitsFor === 'SLEEP' && held === 'IPI') return 'has irqs disabled';
  if (cpu.waitsFor === 'SLEEP' && held === 'HARDIRQ') return 'runs a hard-irq handler';
  if (cpu.waitsFor === 'SLEEP' && held === 'SOFTIRQ') return 'runs in softirq context';
  if (cpu.queuedWriter) return held ? `is a writer off the cycle, holds ${held},` : 'is a writer off the cycle, holds nothing,';
  if (held === 'IPI') return 'has irqs disabled (cannot answer an IPI)';
  if (held === 'HARDIRQ') return 'runs a hard-irq handler on the CPU before it';
  const runs = waitOf(held);
  if (runs !== null) return runs.model.holdsPhrase(runs.place);
  const under = runsUnderPhrase(cpu);
  if (under !== null) return under;
  return cpu.holdMode ? `holds ${held} (${cpu.holdMode})` : `holds ${held}`;
}

function waitPhrase(cpu: CpuScenario): string {
  if (cpu.waitsFor === 'SLEEP') return 'calls what may sleep';
  if (cpu.waitsFor === 'IPI') return 'waits for the other CPUs to answer an IPI';
  if (cpu.waitsFor === 'HARDIRQ') return 'is interrupted (irqs enabled)';
  const awaited = waitOf(cpu.waitsFor);
  if (awaited !== null) return awaited.model.waitsPhrase(awaited.place);
  return cpu.waitMode ? `waits for ${cpu.waitsFor} (${cpu.waitMode})` : `waits for ${cpu.waitsFor}`;
}

/** Each CPU's key steps (taking what it holds, starting its wait): viewers show one thread flow only. */
function relatedLocations(finding: Finding): Location[] {
  const out: Location[] = [];
  for (const cpu of finding.cpus) {
    const held = keyHeld(finding, cpu);
    const hold = holdStep(cpu.chain, held === 'IPI');
    const wait = waitStep(cpu.chain);
    const add = (step: ChainStep | undefined, text: string): void => {
      if (step) out.push({ id: out.length + 1, physicalLocation: physical(step), message: { text: sentence(text) } });
    };
    if (!cpu.queuedWriter) add(hold, `CPU${cpu.cpu} ${holdPhrase(cpu, held)}: ${stepText(hold)}`);
    add(wait, `CPU${cpu.cpu} ${waitPhrase(cpu)}: ${stepText(wait)}`);
  }
  return out;
}

function stepText(step: ChainStep | undefined): string {
  return step ? escapeLinks(`${step.event} in ${step.function}()`) : '';
}

function holdStep(chain: ChainStep[], irqs: boolean): ChainStep | undefined {
  const kind: StepKind = irqs ? 'irqs-off' : 'acquire';
  return (
    chain.find((s) => s.kind === kind) ??
    (irqs ? chain.find((s) => s.kind === 'acquire' && IRQ_OFF_EVENT.test(s.event)) : undefined) ??
    chain.find((s) => s.kind !== 'call')
  );
}

function waitStep(chain: ChainStep[]): ChainStep | undefined {
  for (let i = chain.length - 1; i >= 0; i--) if (chain[i]!.kind === 'wait') return chain[i];
  return chain[chain.length - 1];
}

// ---------------------------------------------------------------------------------------------
// Notifications and limits

function problemNotification(problem: Problem): Notification {
  return {
    level: 'warning',
    message: { text: sentence(`${problem.kind}: ${problem.message}`) },
    locations: [{ physicalLocation: { artifactLocation: { uri: encodePath(problem.file), uriBaseId: SRCROOT } } }],
  };
}

function dropNotification(dropped: number, total: number, limits: SarifLimits): Notification[] {
  if (dropped === 0) return [];
  const mb = (limits.maxGzipBytes / 1_000_000).toLocaleString('en-US');
  const max = limits.maxResults.toLocaleString('en-US');
  return [
    {
      level: 'warning',
      message: {
        text:
          `${dropped} of ${total} results were dropped to stay within GitHub code scanning limits ` +
          `(${max} results, ${mb} MB gzipped); the highest-ranked by severity, confidence and ` +
          `fingerprint were kept.`,
      },
    },
  ];
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

/** Severity first, then confidence (high first), then fingerprint for a total, stable order. */
export function compareRank(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    b.confidence - a.confidence ||
    (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0)
  );
}

/**
 * Renders the results highest-ranked first, as many as the limits allow. Above the gzip bound:
 * count how many fit by gzipping them once in that order, then shrink by 2% until a render fits
 * (block-wise gzip compresses no better than the whole log, so one render usually does).
 */
function withinLimits(
  findings: Finding[],
  results: string[],
  limits: SarifLimits,
  render: (kept: string[], dropped: number) => string,
): string {
  // Suppressed results go first when the limits drop some.
  const suppressed = (f: Finding): number => ('suppression' in f ? 1 : 0);
  const ranked = findings.map((_, i) => i).sort((i, j) => suppressed(findings[i]!) - suppressed(findings[j]!) || compareRank(findings[i]!, findings[j]!));
  const rankedTexts = ranked.map((i) => results[i]!);
  const renderTop = (k: number): string => render(rankedTexts.slice(0, k), results.length - k);
  const fits = (text: string): boolean => gzipSize(text, limits.maxGzipBytes) <= limits.maxGzipBytes;

  let k = Math.min(results.length, limits.maxResults);
  let text = renderTop(k);
  if (fits(text)) return text;
  const frame = gzipSync(renderTop(0)).length;
  k = countWithinBudget(rankedTexts.slice(0, k), limits.maxGzipBytes - frame);
  text = renderTop(k);
  while (k > 0 && !fits(text)) {
    k = Math.floor(k * 0.98);
    text = renderTop(k);
  }
  return text;
}

/** Deflate looks back 32 KB only: gzipping ~1 MB blocks separately costs little ratio. */
const BLOCK_CHARS = 1 << 20;

/**
 * How many of the texts, in order, gzip within `budget` bytes. One gzip pass over all of them,
 * in blocks; inside the block that crosses the budget, bytes are assumed to compress evenly.
 */
function countWithinBudget(texts: string[], budget: number): number {
  let used = 0;
  for (let i = 0; i < texts.length; ) {
    let j = i;
    let raw = 0;
    while (j < texts.length && (j === i || raw < BLOCK_CHARS)) raw += texts[j++]!.length + RESULT_INDENT.length + 2;
    const zipped = gzipSync(texts.slice(i, j).map((r) => RESULT_INDENT + r).join(',\n')).length;
    if (used + zipped > budget) {
      for (let k = i; k < j; k++) {
        used += (zipped * (texts[k]!.length + RESULT_INDENT.length + 2)) / raw;
        if (used > budget) return k;
      }
      return j;
    }
    used += zipped;
    i = j;
  }
  return texts.length;
}

/**
 * Gzipped size as the upload will see it. Cheap answers first: text no bigger than the bound
 * cannot gzip above it (plus header slack), and fast level-1 gzip compresses no better than the
 * default level, so a level-1 size under the bound settles it.
 */
function gzipSize(text: string, bound: number): number {
  const raw = Buffer.byteLength(text);
  if (raw + 1024 <= bound) return raw;
  const fast = gzipSync(text, { level: 1 }).length;
  return fast <= bound ? fast : gzipSync(text).length;
}
