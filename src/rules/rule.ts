// A check: its metadata and which dependency cycles it owns. The cycle search and the
// simulation are shared; a rule says what its findings are and how they read.
import type { DepEdge } from '../deadlock/types.js';
import type { FunctionFacts } from '../facts/types.js';
import type { RuleMeta } from '../report/rule-meta.js';
import type { RuleId, Severity } from '../report/types.js';
import type { WitnessId, WitnessLink } from '../summaries/witness.js';

/** What a rule may read of a finding's code beyond its edges: the functions and the chains' links. */
export interface ChainView {
  functions: readonly FunctionFacts[];
  chain(id: WitnessId): WitnessLink[];
}

export interface CycleRule {
  id: RuleId;
  meta: RuleMeta;
  severity: Severity;
  /** Whether a cycle (resource names in order) is this rule's to report. */
  owns(resources: string[]): boolean;
  /** One line describing the finding. */
  message(resources: string[]): string;
  /** What leaves a feasible finding in doubt, in words; any lowers its confidence (and may make it a warning). */
  doubts?(edges: readonly DepEdge[], view: ChainView): string[];
}

export const DOCS_BASE = 'https://kdeadlock.invalid/docs/checks/';

export function cycleText(resources: string[]): string {
  return [...resources, resources[0] ?? ''].join(' -> ');
}
