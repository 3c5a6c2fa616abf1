// A check: its metadata and which dependency cycles it owns. The cycle search and the
// simulation are shared; a rule says what its findings are and how they read.
import type { RuleMeta } from '../report/rule-meta.js';
import type { RuleId, Severity } from '../report/types.js';

export interface CycleRule {
  id: RuleId;
  meta: RuleMeta;
  severity: Severity;
  /** Whether a cycle (resource names in order) is this rule's to report. */
  owns(resources: string[]): boolean;
  /** One line describing the finding. */
  message(resources: string[]): string;
}

export const DOCS_BASE = 'https://kdeadlock.invalid/docs/checks/';

export function cycleText(resources: string[]): string {
  return [...resources, resources[0] ?? ''].join(' -> ');
}
