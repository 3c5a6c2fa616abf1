// The report: the data every renderer (text, json, sarif, mail) reads. Plain JSON.

export type RuleId = 'ipi-cycle' | 'ipi-irqs-off' | 'irq-inversion' | 'lock-cycle' | 'recursive-locking' | 'sleep-in-atomic' | 'wait-cycle';
export type Severity = 'error' | 'warning' | 'note';
export type StepKind = 'acquire' | 'call' | 'wait' | 'irqs-off' | 'release';

/** One step of a CPU's path: a call, or the lock/irq/wait event at its end. */
export interface ChainStep {
  function: string;
  /** Path relative to the scanned root, '/' separated. */
  file: string;
  line: number;
  /** 1-based column. */
  col: number;
  /** Source text of the event or call, e.g. `read_lock(&tasklist_lock)`. */
  event: string;
  kind: StepKind;
  /** Call depth below the CPU's root function (root = 0). */
  depth: number;
}

/** What one CPU of the scenario holds and waits for. */
export interface CpuScenario {
  cpu: number;
  /**
   * Not on the cycle: a writer queued on a reader-writer lock that only readers hold, so that a
   * reader of the cycle waits behind it. `holds` lists only what else it holds (often nothing).
   */
  queuedWriter?: true;
  /** Resources held while waiting: lock classes (`tasklist_lock`, `page.ptl`) or `IPI` (irqs off). */
  holds: string[];
  /** How the key held resource was taken: `read`, `write`, or `irqs-off` for IPI. */
  holdMode: string;
  /**
   * Set when the chain does not take `holds[0]`: the kernel runs it as a callback while another
   * party holds that lock and waits for it to return (`the CPU hotplug writer (cpus_write_lock())`).
   */
  runsUnder?: string;
  waitsFor: string;
  waitMode: string;
  irqsDisabled: boolean;
  /** First the steps that took the held resource, then the steps down to the wait. */
  chain: ChainStep[];
}

/** One line of the lockdep-style interleaving: CPU `cpu` does `action`. */
export interface ScenarioStep {
  cpu: number;
  action: string;
  blocks: boolean;
}

export interface Finding {
  rule: RuleId;
  severity: Severity;
  /** 0..1; lowered by the reasons below. */
  confidence: number;
  reasons: string[];
  fingerprint: string;
  message: string;
  /** The cycle in order, rotated to a canonical start. */
  resources: string[];
  cpus: CpuScenario[];
  interleaving: ScenarioStep[];
  /** Primary location: where CPU0 starts its wait. */
  location: { file: string; line: number; col: number };
}

/** Why a finding is set aside: an inline comment on its chain, or an entry of `--suppressions`. */
export interface Suppression {
  kind: 'inline' | 'file';
  reason: string;
  /** `path:line` of the comment, or `file:line` of the suppressions file's entry. */
  where: string;
}

export interface SuppressedFinding extends Finding { suppression: Suppression }

export interface Problem {
  file: string;
  /** `analysis-error`: a function the analysis failed on (a defect of kdeadlock's); it is left out, the rest goes on. */
  kind: 'parse-error' | 'unreadable' | 'not-utf8' | 'too-large' | 'binary' | 'symlink-loop' | 'analysis-error';
  message: string;
}

export interface ReportStats {
  files: number;
  functions: number;
  macros: number;
  parseErrors: number;
  functionsWithErrors: number;
  lockOps: number;
  unknownLockOps: number;
  edges: number;
  candidateCycles: number;
  infeasibleCycles: number;
  /** Feasible cycles not reported: each of their dependencies is in a shorter reported cycle. */
  impliedCycles: number;
  /** The cycle search hit its cap (`maxCycles`): longer cycles may be missing. */
  cycleSearchTruncated: boolean;
  /** Function summaries cut to their nearest events (kernel entry points reach thousands of locks). */
  truncatedSummaries: number;
  /** .c files left out because the Kbuild Makefiles do not build them under --config. */
  excludedByConfig: number;
}

export interface Report {
  schemaVersion: 1;
  tool: { name: 'kdeadlock'; version: string };
  config: { arch: string; configFile: string | null; conditionals: 'both-arms' | 'evaluated' };
  stats: ReportStats;
  findings: Finding[];
  /**
   * Fingerprints of feasible cycles not reported because a shorter reported cycle has one of
   * their dependencies (lockdep reports a dependency once); sorted.
   */
  implied: string[];
  /** Findings set aside by a suppression; absent when none is. */
  suppressed?: SuppressedFinding[];
  problems: Problem[];
}

/** A place in the source named in a review note. */
export interface Site { function: string; file: string; line: number; text: string }

/** Review questions for a lock → `rcu_read_lock()` conversion. */
export interface RcuReview {
  file: string;
  line: number;
  function: string;
  /** The lock the patch stopped taking here (`tasklist_lock`). */
  replacedLock: string;
  /** Calls inside the RCU read-side section that may sleep (directly or a few calls down). */
  maySleep: Site[];
  iterators: { macro: string; rcuSafe: boolean; site: Site }[];
  /** Sites that take the old lock exclusively: the writers RCU readers now race with. */
  writers: { count: number; sites: Site[] };
  note: string;
}

/** check-patch's answer: the JSON contract of `--format json`. */
export interface PatchCheckReport {
  schemaVersion: 1;
  tool: { name: 'kdeadlock'; version: string };
  patch: string;
  newFindings: Finding[];
  fixedFindings: Finding[];
  unchanged: number;
  /** New findings set aside by a suppression; absent when none is. */
  suppressed?: SuppressedFinding[];
  reviews: RcuReview[];
}
