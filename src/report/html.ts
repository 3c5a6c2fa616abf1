// `--format html`: one self-contained file for people to look at. The findings travel as JSON
// inside the page; the page's own script (src/report/html/report.js, inlined with its styles)
// draws the index at once and a finding's cycle and CPU timeline only when it is opened. No
// network: nothing is loaded from anywhere, links to the source are plain anchors.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { marked } from 'marked';
import { packageRoot } from '../package-root.js';
import type { RuleMeta } from './rule-meta.js';
import type { Finding, PatchCheckReport, Problem, RcuReview, Report, SuppressedFinding } from './types.js';

/** The default link of a `file:line`: the path relative to where the report is opened. */
export const DEFAULT_LINK_TEMPLATE = '{path}#L{line}';

export interface HtmlOptions {
  rules: RuleMeta[];
  /** A step's link, with `{path}` and `{line}` filled in (an Elixir or cgit URL, say). */
  linkTemplate: string;
}

/** A finding as the page shows it: check-patch marks the new and the fixed ones. */
export type HtmlFinding = Finding & { status?: 'new' | 'fixed' };

/** What the page's script reads (the `kd-data` element). */
export interface HtmlData {
  title: string;
  kind: 'scan' | 'patch';
  tool: Report['tool'];
  config: Report['config'];
  stats: Report['stats'];
  linkTemplate: string;
  findings: HtmlFinding[];
  /** check-patch: findings before and after the patch. */
  unchanged: number | null;
  reviews: RcuReview[];
  /** Findings set aside by a suppression (listed with the reason, not in the index). */
  suppressed: SuppressedFinding[];
  problems: Problem[];
  rules: { id: string; name: string; shortDescription: string; docHtml: string }[];
}

export function renderHtml(report: Report, opts: HtmlOptions): string {
  return page({
    title: `kdeadlock: ${report.findings.length} finding(s)`, kind: 'scan', tool: report.tool, config: report.config,
    stats: report.stats, linkTemplate: opts.linkTemplate, findings: report.findings, unchanged: null, reviews: [],
    suppressed: report.suppressed ?? [], problems: report.problems, rules: ruleDocs(opts.rules),
  });
}

/** check-patch's page: the new findings and the fixed ones, marked, over the patched tree's notes. */
export function renderPatchHtml(result: PatchCheckReport, after: Report, opts: HtmlOptions): string {
  const findings: HtmlFinding[] = [
    ...result.newFindings.map((f) => ({ ...f, status: 'new' as const })),
    ...result.fixedFindings.map((f) => ({ ...f, status: 'fixed' as const })),
  ];
  return page({
    title: `kdeadlock check-patch ${result.patch}: ${result.newFindings.length} new, ${result.fixedFindings.length} fixed`,
    kind: 'patch', tool: result.tool, config: after.config, stats: after.stats, linkTemplate: opts.linkTemplate, findings,
    unchanged: result.unchanged, reviews: result.reviews, suppressed: result.suppressed ?? [], problems: after.problems,
    rules: ruleDocs(opts.rules),
  });
}

function page(data: HtmlData): string {
  const asset = (name: string): string => readFileSync(path.join(assetsDir(), name), 'utf8');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing may be fetched: no network, whatever the page or a finding's text says.
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; script-src \'unsafe-inline\'; img-src data:">',
    `<title>${escapeHtml(data.title)}</title>`,
    `<style>\n${asset('report.css')}</style>`,
    '</head>',
    '<body>',
    '<noscript>This report draws itself with JavaScript; the same findings are in the JSON report (--format json).</noscript>',
    `<script type="application/json" id="kd-data">${scriptSafeJson(data)}</script>`,
    `<script>\n${asset('report.js')}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function assetsDir(): string {
  const root = packageRoot();
  if (!root) throw new Error('the HTML report\'s assets (src/report/html/) are not beside package.json');
  return path.join(root, 'src', 'report', 'html');
}

/** Each rule's documentation page (docs/checks/<id>.md) as HTML, or its metadata when the page is absent. */
function ruleDocs(rules: RuleMeta[]): HtmlData['rules'] {
  return rules.map((r) => {
    let markdown: string;
    try {
      markdown = readFileSync(path.join(packageRoot() ?? '.', 'docs', 'checks', `${r.id}.md`), 'utf8');
    } catch {
      markdown = `# ${r.id}\n\n${r.fullDescription}\n\n${r.helpMarkdown}\n`;
    }
    return { id: r.id, name: r.name, shortDescription: r.shortDescription, docHtml: marked.parse(markdown, { async: false }) };
  });
}

/** JSON that cannot end its <script> element or open a comment. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
