// Rule metadata as the reports need it. Kept apart from the SARIF renderer so that rule files
// can declare their metadata without importing a renderer.

export interface RuleMeta {
  /** Stable rule id, e.g. `ipi-cycle`. */
  id: string;
  /** Short PascalCase name, e.g. `IpiCycle`. */
  name: string;
  /** One sentence. */
  shortDescription: string;
  fullDescription: string;
  helpText: string;
  helpMarkdown: string;
  defaultLevel: 'error' | 'warning' | 'note';
  /** Absolute URL of the rule's doc page. */
  helpUri: string;
}
