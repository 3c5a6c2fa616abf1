// One entry point for every output format.
import { RULES } from '../rules/index.js';
import { DEFAULT_LINK_TEMPLATE, renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMail } from './mail.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';
import type { Report } from './types.js';

export const FORMATS = ['text', 'json', 'sarif', 'mail', 'html'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  color: boolean;
  srcRoot: string;
  /** HTML: a `file:line` link, `{path}` and `{line}` filled in. */
  linkTemplate?: string;
}

export function renderReport(report: Report, format: Format, opts: RenderOptions): string {
  switch (format) {
    case 'json': return renderJson(report);
    case 'sarif': return renderSarif(report, { rules: RULES.map((r) => r.meta), srcRoot: opts.srcRoot });
    case 'mail': return renderMail(report);
    case 'text': return renderText(report, { color: opts.color });
    case 'html': return renderHtml(report, { rules: RULES.map((r) => r.meta), linkTemplate: opts.linkTemplate ?? DEFAULT_LINK_TEMPLATE });
  }
}
