import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { schemaErrors } from './support/sarif-schema.js';
import {
  automationId,
  compareRank,
  encodePath,
  executionOrders,
  FINGERPRINT_KEY,
  renderSarif,
} from '../src/report/sarif.js';
import type { Finding, Report } from '../src/report/types.js';
import { FIXTURES_DATA, loadSampleReport, SAMPLE_RULES } from './fixtures-data/sample.js';

// --- schema validation --------------------------------------------------------------------------

// --- the shapes the tests read (the renderer's own types are private) ---------------------------

interface Msg {
  text: string;
}
interface Loc {
  id?: number;
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId?: string };
    region?: { startLine: number; startColumn: number };
  };
  message?: Msg;
}
interface Tfl {
  executionOrder: number;
  location: Loc;
  kinds: string[];
  nestingLevel: number;
  state: { irqs: Msg };
}
interface Res {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: Msg;
  locations: Loc[];
  partialFingerprints: Record<string, string>;
  codeFlows: { threadFlows: { id: string; message: Msg; locations: Tfl[] }[] }[];
  relatedLocations: Loc[];
  properties: { confidence: number; reasons: string[] };
}
interface Run {
  tool: { driver: { name: string; informationUri?: string; rules: { id: string; help: { text: string } }[] } };
  invocations: { executionSuccessful: boolean; toolExecutionNotifications?: { level: string; message: Msg; locations?: Loc[] }[] }[];
  originalUriBaseIds: { SRCROOT: { uri?: string; description: Msg } };
  automationDetails: { id: string };
  columnKind: string;
  results: Res[];
}

function run(text: string): Run {
  return (JSON.parse(text) as { runs: Run[] }).runs[0]!;
}

const sample = (srcRoot?: string): string =>
  renderSarif(loadSampleReport(), srcRoot === undefined ? { rules: SAMPLE_RULES } : { rules: SAMPLE_RULES, srcRoot });

describe('SARIF schema validation', () => {
  it('the sample report validates, with and without srcRoot', () => {
    assert.deepEqual(schemaErrors(JSON.parse(sample())), []);
    assert.deepEqual(schemaErrors(JSON.parse(sample('/work/linux tree'))), []);
  });

  it('a report without findings or problems validates', () => {
    const empty: Report = { ...loadSampleReport(), findings: [], problems: [] };
    const log = JSON.parse(renderSarif(empty, { rules: SAMPLE_RULES }));
    assert.deepEqual(schemaErrors(log), []);
    assert.deepEqual(log.runs[0].results, []);
  });

  it('a deliberately broken log fails validation', () => {
    const broken = JSON.parse(sample());
    broken.runs[0].results[0].level = 'fatal';
    const errors = schemaErrors(broken);
    assert.ok(errors.some((e) => e.startsWith('/runs/0/results/0/level')), errors.join('\n'));

    const badOrder = JSON.parse(sample());
    badOrder.runs[0].results[0].codeFlows[0].threadFlows[0].locations[0].executionOrder = -7;
    assert.notDeepEqual(schemaErrors(badOrder), []);

    const relativeBase = JSON.parse(sample('/src'));
    relativeBase.runs[0].originalUriBaseIds.SRCROOT.uri = 'not absolute/';
    assert.notDeepEqual(schemaErrors(relativeBase), []);
  });
});

describe('SARIF structure', () => {
  const log = run(sample());
  const report = loadSampleReport();

  it('describes every rule with help text and points each result at its rule', () => {
    assert.deepEqual(log.tool.driver.rules.map((r) => r.id), ['ipi-cycle', 'lock-cycle']);
    assert.ok(log.tool.driver.rules.every((r) => r.help.text.length > 0));
    assert.equal(log.tool.driver.informationUri, 'https://example.org/kdeadlock/');
    for (const r of log.results) assert.equal(log.tool.driver.rules[r.ruleIndex]!.id, r.ruleId);
  });

  it('one result per finding with level, fingerprint, location and properties', () => {
    assert.equal(log.results.length, report.findings.length);
    report.findings.forEach((f, i) => {
      const r = log.results[i]!;
      assert.equal(r.level, f.severity);
      assert.deepEqual(r.partialFingerprints, { [FINGERPRINT_KEY]: f.fingerprint });
      assert.deepEqual(r.locations[0]!.physicalLocation, {
        artifactLocation: { uri: f.location.file, uriBaseId: 'SRCROOT' },
        region: { startLine: f.location.line, startColumn: f.location.col },
      });
      assert.equal(r.properties.confidence, f.confidence);
      assert.deepEqual(r.properties.reasons, f.reasons);
      assert.match(r.message.text, /\.$/);
    });
    assert.equal(FINGERPRINT_KEY, 'kdeadlock/v2');
  });

  it('one codeFlow with one threadFlow per CPU, nestingLevel = depth, unique executionOrder', () => {
    report.findings.forEach((f, i) => {
      const flows = log.results[i]!.codeFlows;
      assert.equal(flows.length, 1);
      const threads = flows[0]!.threadFlows;
      assert.equal(threads.length, f.cpus.length);
      assert.deepEqual(threads.map((t) => t.id), f.cpus.map((c) => `CPU${c.cpu}`));
      const orders = threads.flatMap((t) => t.locations.map((l) => l.executionOrder));
      assert.equal(new Set(orders).size, orders.length, 'executionOrder unique across the flow');
      assert.deepEqual([...orders].sort((a, b) => a - b), orders.map((_, k) => k + 1));
      f.cpus.forEach((cpu, c) => {
        const locs = threads[c]!.locations;
        assert.deepEqual(locs.map((l) => l.nestingLevel), cpu.chain.map((s) => s.depth));
        assert.deepEqual(locs.map((l) => l.location.message?.text), cpu.chain.map((s) => s.event));
        assert.deepEqual(locs.map((l) => l.kinds[0]), cpu.chain.map((s) => (s.kind === 'irqs-off' ? 'acquire' : s.kind)));
      });
    });
  });

  it('executionOrder follows the interleaving of the seed scenario', () => {
    const threads = log.results[0]!.codeFlows[0]!.threadFlows;
    const first = (cpu: number, event: string): number =>
      threads[cpu]!.locations.find((l) => l.location.message?.text === event)!.executionOrder;
    const readLock = first(0, 'read_lock(&tasklist_lock)');
    const ptl = first(1, 'spin_lock(__ptl)');
    const irqsOff = threads[2]!.locations[0]!.executionOrder;
    const writeLock = threads[2]!.locations[1]!.executionOrder;
    const csd = first(1, 'csd_lock_wait(csd)');
    const mapPte = first(0, 'spin_lock(pvmw->ptl)');
    assert.ok(readLock < ptl && ptl < irqsOff && irqsOff < writeLock && writeLock < csd && csd < mapPte);
  });

  it('irq state per step: off on the copy_process CPU, on elsewhere', () => {
    const threads = log.results[0]!.codeFlows[0]!.threadFlows;
    assert.ok(threads[0]!.locations.every((l) => l.state.irqs.text === 'enabled'));
    assert.ok(threads[1]!.locations.every((l) => l.state.irqs.text === 'enabled'));
    assert.ok(threads[2]!.locations.every((l) => l.state.irqs.text === 'disabled'));
    assert.match(threads[2]!.message.text, /irqs disabled/);
  });

  it('relatedLocations repeat every CPU key steps with unique ids', () => {
    const related = log.results[0]!.relatedLocations;
    const texts = related.map((l) => l.message?.text ?? '');
    assert.equal(related.length, 6);
    assert.deepEqual(related.map((l) => l.id), [1, 2, 3, 4, 5, 6]);
    assert.ok(texts[0]!.startsWith('CPU0 holds tasklist_lock (read): read_lock(&tasklist_lock)'));
    assert.ok(texts[1]!.startsWith('CPU0 waits for page.ptl'));
    assert.ok(texts[2]!.startsWith('CPU1 holds page.ptl (write): spin_lock(__ptl)'));
    assert.ok(texts[3]!.startsWith('CPU1 waits for the other CPUs to answer an IPI: csd_lock_wait(csd)'));
    assert.ok(texts[4]!.startsWith('CPU2 has irqs disabled'));
    assert.ok(texts[5]!.startsWith('CPU2 waits for tasklist_lock (write)'));
    assert.equal(related[3]!.physicalLocation.artifactLocation.uri, 'kernel/smp.c');
    assert.equal(related[3]!.physicalLocation.region?.startLine, 998);
  });

  it('SRCROOT: absolute file URI ending in / when given, description only otherwise', () => {
    assert.equal(log.originalUriBaseIds.SRCROOT.uri, undefined);
    assert.ok(log.originalUriBaseIds.SRCROOT.description.text.length > 0);
    const withRoot = run(sample('/work/linux tree'));
    assert.equal(withRoot.originalUriBaseIds.SRCROOT.uri, 'file:///work/linux%20tree/');
    assert.equal(run(sample('/work/linux/')).originalUriBaseIds.SRCROOT.uri, 'file:///work/linux/');
  });

  it('run metadata: columnKind, automationDetails, invocation and problem notifications', () => {
    assert.equal(log.columnKind, 'unicodeCodePoints');
    assert.equal(log.automationDetails.id, 'kdeadlock/x86/both-arms/');
    const inv = log.invocations[0]!;
    assert.equal(inv.executionSuccessful, true);
    const notes = inv.toolExecutionNotifications ?? [];
    assert.equal(notes.length, report.problems.length);
    assert.equal(notes[0]!.level, 'warning');
    assert.equal(notes[0]!.locations?.[0]?.physicalLocation.artifactLocation.uri, report.problems[0]!.file);
    assert.match(notes[0]!.message.text, /^parse-error: /);
  });

  it('versionControlProvenance maps SRCROOT to the repository when given', () => {
    const versionControl = { repositoryUri: 'https://example.org/linux.git', revisionId: 'a'.repeat(40), branch: 'main' };
    const log = JSON.parse(renderSarif(loadSampleReport(), { rules: SAMPLE_RULES, versionControl }));
    assert.deepEqual(log.runs[0].versionControlProvenance, [{ ...versionControl, mappedTo: { uriBaseId: 'SRCROOT' } }]);
    assert.deepEqual(schemaErrors(log), []);
    assert.equal(run(sample()).results.length, 2);
    assert.equal('versionControlProvenance' in JSON.parse(sample()).runs[0], false);
  });

  it('automationDetails names the config file when one is evaluated', () => {
    const r = loadSampleReport();
    r.config = { arch: 'arm64', configFile: '/boot/config-6.1.0-amd64', conditionals: 'evaluated' };
    assert.equal(automationId(r), 'kdeadlock/arm64/config-6.1.0-amd64/');
  });

  it('is deterministic and matches the snapshot', () => {
    const text = sample();
    assert.equal(sample(), text);
    const snapshot = new URL('sample-report.sarif', FIXTURES_DATA);
    if (process.env.UPDATE_SNAPSHOTS) writeFileSync(snapshot, text);
    assert.equal(text, readFileSync(snapshot, 'utf8'));
  });

  it('results come highest-ranked first, whatever the report order', () => {
    const r = loadSampleReport();
    r.findings.reverse();
    assert.deepEqual(
      run(renderSarif(r, { rules: SAMPLE_RULES })).results.map((x) => x.ruleId),
      ['ipi-cycle', 'lock-cycle'],
    );
  });

  it('unknown rules are a programming error', () => {
    assert.throws(() => renderSarif(loadSampleReport(), { rules: SAMPLE_RULES.slice(1) }), /no rule metadata for "ipi-cycle"/);
  });
});

describe('SARIF helpers', () => {
  it('encodePath escapes what a relative URI cannot hold', () => {
    assert.equal(encodePath('mm/memory.c'), 'mm/memory.c');
    assert.equal(encodePath('a b/c#d%e.c'), 'a%20b/c%23d%25e.c');
    assert.equal(encodePath('x:y/z.c'), 'x%3Ay/z.c');
  });

  it('embedded-link syntax in messages is escaped', () => {
    const r = loadSampleReport();
    r.findings[0]!.message = 'calls ops[i](x) under lock';
    assert.equal(run(renderSarif(r, { rules: SAMPLE_RULES })).results[0]!.message.text, 'calls ops\\[i\\](x) under lock.');
  });

  it('executionOrders: CPUs the interleaving never names come last', () => {
    const f = loadSampleReport().findings[1]!;
    f.interleaving = f.interleaving.filter((s) => s.cpu === 1);
    assert.deepEqual(executionOrders(f), [[3, 4, 5], [1, 2]]);
    f.interleaving = [];
    assert.deepEqual(executionOrders(f), [[1, 2, 3], [4, 5]]);
  });
});

// --- GitHub limits ------------------------------------------------------------------------------

function syntheticFindings(n: number): Finding[] {
  const base = loadSampleReport().findings[1]!;
  const severities = ['note', 'warning', 'error'] as const;
  return Array.from({ length: n }, (_, i) => ({
    ...base,
    severity: severities[i % 3]!,
    confidence: ((i * 7919) % 100) / 100,
    fingerprint: (i * 2654435761 >>> 0).toString(16).padStart(8, '0') + i.toString(16),
    message: `synthetic finding ${i}`,
  }));
}

function keptFingerprints(text: string): string[] {
  return run(text).results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]!);
}

describe('SARIF within GitHub limits', () => {
  it('keeps the 25,000 highest-ranked results and says how many were dropped', () => {
    const findings = syntheticFindings(25_010);
    const report: Report = { ...loadSampleReport(), findings, problems: [] };
    const text = renderSarif(report, { rules: SAMPLE_RULES });
    const kept = keptFingerprints(text);
    assert.equal(kept.length, 25_000);
    const expected = new Set([...findings].sort(compareRank).slice(0, 25_000).map((f) => f.fingerprint));
    assert.deepEqual(new Set(kept), expected);
    assert.deepEqual(kept, [...findings].sort(compareRank).slice(0, 25_000).map((f) => f.fingerprint));
    const notes = run(text).invocations[0]!.toolExecutionNotifications ?? [];
    assert.equal(notes.length, 1);
    assert.match(notes[0]!.message.text, /^10 of 25010 results were dropped .*25,000 results, 10 MB gzipped/);
  });

  it('shrinks to the gzip bound, keeping the highest-ranked', () => {
    const findings = syntheticFindings(300).map((f, i) => ({
      ...f,
      // Incompressible-ish text so the bound is reached with few results.
      reasons: [Array.from({ length: 40 }, (_, k) => ((i * 31 + k) * 2654435761 >>> 0).toString(36)).join(' ')],
    }));
    const report: Report = { ...loadSampleReport(), findings };
    const limits = { maxResults: 250, maxGzipBytes: 40_000 };
    const text = renderSarif(report, { rules: SAMPLE_RULES, limits });
    assert.ok(gzipSync(text).length <= limits.maxGzipBytes);
    const kept = keptFingerprints(text);
    assert.ok(kept.length > 0 && kept.length < 250, `kept ${kept.length}`);
    const expected = new Set([...findings].sort(compareRank).slice(0, kept.length).map((f) => f.fingerprint));
    assert.deepEqual(new Set(kept), expected);
    const notes = run(text).invocations[0]!.toolExecutionNotifications ?? [];
    assert.match(notes[0]!.message.text, new RegExp(`^${300 - kept.length} of 300 results were dropped`));
    assert.equal(notes.length, 1 + report.problems.length);
    assert.deepEqual(schemaErrors(JSON.parse(text)), []);
  });
});
