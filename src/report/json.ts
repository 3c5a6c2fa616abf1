// The machine contract (design.md §5): schemaVersion 1, stable key order, no timings.
import type { Report } from './types.js';

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
