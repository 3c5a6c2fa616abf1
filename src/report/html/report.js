// The HTML report's script: inlined into the page by src/report/html.ts. It reads the findings
// from the `kd-data` element, draws the index at once, and a finding's cycle, CPU timeline and
// call chains only when the finding is opened. Plain ES2020, no dependencies, no network.
(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('kd-data').textContent);
  const findings = data.findings.map((f, i) => ({ f, i, search: searchText(f) }));
  const rulesById = new Map(data.rules.map((r) => [r.id, r]));
  const opened = new Set();
  const state = { rules: new Set(data.rules.map((r) => r.id)), text: '', lock: '', file: '', group: 'rule', sort: 'confidence' };

  // ------------------------------------------------------------ small helpers

  function esc(text) {
    return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  }

  function linkOf(file, line) {
    return data.linkTemplate.replace(/\{path\}/g, encodeURI(file)).replace(/\{line\}/g, String(line));
  }

  function sourceLink(file, line) {
    return `<a class="src" href="${esc(linkOf(file, line))}">${esc(file)}:${line}</a>`;
  }

  function searchText(f) {
    const parts = [f.message, f.rule, ...f.reasons, f.location.file];
    for (const c of f.cpus) for (const s of c.chain) parts.push(s.function, s.file, s.event);
    return parts.join('\n').toLowerCase();
  }

  /** `fs/btrfs/ctree.c` → `fs/btrfs`; `kernel/fork.c` → `kernel`. */
  function subsystemOf(file) {
    const parts = file.split('/');
    return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts.length === 2 ? parts[0] : '(top level)';
  }

  function cycleText(resources) {
    return [...resources, resources[0]].join(' → ');
  }

  /** Where a CPU took what it holds (the first event of its chain) and where it waits (the last step). */
  function holdStep(cpu) {
    return cpu.chain.find((s) => s.kind !== 'call') || cpu.chain[0];
  }

  function waitStep(cpu) {
    return cpu.chain[cpu.chain.length - 1];
  }

  // ------------------------------------------------------------ page skeleton

  document.title = data.title;
  document.body.innerHTML = [
    '<header id="top"></header>',
    '<section id="controls" aria-label="Filters"></section>',
    '<main id="index"></main>',
    '<section id="reviews"></section>',
    '<section id="notes"></section>',
    '<dialog id="rule-doc"><form method="dialog"><button class="close" aria-label="Close">×</button></form><article></article></dialog>',
  ].join('');

  drawHeader();
  drawControls();
  drawIndex();
  drawReviews();
  drawNotes();
  window.kdRenderedMs = performance.now();
  document.body.dataset.ready = '1';

  function drawHeader() {
    const byRule = count(data.findings, (f) => f.rule);
    const bySeverity = count(data.findings, (f) => f.severity);
    const chips = [];
    if (data.kind === 'patch') {
      chips.push(chip(`${data.findings.filter((f) => f.status === 'new').length} new`, 'new'));
      chips.push(chip(`${data.findings.filter((f) => f.status === 'fixed').length} fixed`, 'fixed'));
      chips.push(chip(`${data.unchanged} unchanged`, ''));
    } else {
      chips.push(chip(`${data.findings.length} finding(s)`, ''));
    }
    if (data.suppressed.length) chips.push(chip(`${data.suppressed.length} suppressed`, 'suppressed'));
    for (const [rule, n] of byRule) chips.push(chip(`${n} ${rule}`, 'rule'));
    for (const [severity, n] of bySeverity) chips.push(chip(`${n} ${severity}`, severity));
    const config = data.config.configFile ? `config ${esc(data.config.configFile)}` : 'no config: both arms of every #if';
    document.getElementById('top').innerHTML = `<h1>${esc(data.title)}</h1>`
      + `<p class="meta">${esc(data.tool.name)} ${esc(data.tool.version)} · arch ${esc(data.config.arch)} · ${config}`
      + ` · ${data.stats.files} files, ${data.stats.functions} functions</p>`
      + `<p class="counts">${chips.join(' ')}</p>`;
  }

  function chip(text, kind) {
    return `<span class="chip ${esc(kind)}">${esc(text)}</span>`;
  }

  function count(list, key) {
    const out = new Map();
    for (const x of list) out.set(key(x), (out.get(key(x)) || 0) + 1);
    return [...out].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }

  function drawControls() {
    const classes = new Set();
    for (const f of data.findings) for (const r of f.resources) classes.add(r);
    const rules = data.rules.map((r) => `<label class="rule-filter"><input type="checkbox" name="rule" value="${esc(r.id)}" checked> ${esc(r.id)}</label>`).join(' ');
    const controls = document.getElementById('controls');
    controls.innerHTML = `<div class="row">${rules}`
      + '<label>text <input type="search" id="f-text" placeholder="function, event, message"></label>'
      + '<label>lock class <input type="search" id="f-lock" list="kd-classes" placeholder="tasklist_lock"></label>'
      + '<label>file <input type="search" id="f-file" placeholder="mm/"></label></div>'
      + '<div class="row"><label>group by <select id="f-group"><option value="rule">rule</option><option value="subsystem">subsystem</option><option value="none">nothing</option></select></label>'
      + '<label>sort by <select id="f-sort"><option value="confidence">confidence, highest first</option><option value="confidence-asc">confidence, lowest first</option><option value="location">location</option></select></label>'
      + '<span id="shown"></span></div>'
      + `<datalist id="kd-classes">${[...classes].sort().map((c) => `<option value="${esc(c)}">`).join('')}</datalist>`;
    controls.addEventListener('input', (ev) => {
      const t = ev.target;
      if (t.name === 'rule') t.checked ? state.rules.add(t.value) : state.rules.delete(t.value);
      else if (t.id === 'f-text') state.text = t.value.trim().toLowerCase();
      else if (t.id === 'f-lock') state.lock = t.value.trim().toLowerCase();
      else if (t.id === 'f-file') state.file = t.value.trim().toLowerCase();
      else if (t.id === 'f-group') state.group = t.value;
      else if (t.id === 'f-sort') state.sort = t.value;
      drawIndex();
    });
  }

  function visible(x) {
    const f = x.f;
    if (!state.rules.has(f.rule)) return false;
    if (state.text && !x.search.includes(state.text)) return false;
    if (state.lock && !f.cpus.some((c) => [...c.holds, c.waitsFor].some((r) => r.toLowerCase().includes(state.lock)))) return false;
    if (state.file && !f.cpus.some((c) => c.chain.some((s) => s.file.toLowerCase().includes(state.file)))) return false;
    return true;
  }

  function compare(a, b) {
    if (state.sort === 'location') {
      return a.f.location.file < b.f.location.file ? -1 : a.f.location.file > b.f.location.file ? 1 : a.f.location.line - b.f.location.line;
    }
    const byConfidence = state.sort === 'confidence-asc' ? a.f.confidence - b.f.confidence : b.f.confidence - a.f.confidence;
    return byConfidence || a.i - b.i;
  }

  // ------------------------------------------------------------ the index

  function drawIndex() {
    const shown = findings.filter(visible).sort(compare);
    const groups = new Map();
    for (const x of shown) {
      const key = state.group === 'rule' ? x.f.rule : state.group === 'subsystem' ? subsystemOf(x.f.location.file) : 'all findings';
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(x);
    }
    const keys = [...groups.keys()].sort();
    const html = keys.map((key) => {
      const rows = groups.get(key).map(rowHtml).join('');
      const rule = state.group === 'rule' ? rulesById.get(key) : null;
      const about = rule ? ` <span class="about">${esc(rule.shortDescription)}</span> <button class="doc" data-rule="${esc(rule.id)}">rule documentation</button>` : '';
      return `<section class="group" data-group="${esc(key)}"><h2>${esc(key)} <span class="n">${groups.get(key).length}</span>${about}</h2>`
        + '<table class="findings"><thead><tr><th></th><th>severity</th><th>confidence</th><th>cycle</th><th>where</th></tr></thead>'
        + `<tbody>${rows}</tbody></table></section>`;
    }).join('');
    const index = document.getElementById('index');
    index.innerHTML = html || '<p class="empty">No finding matches.</p>';
    document.getElementById('shown').textContent = `${shown.length} of ${findings.length} shown`;
    for (const i of opened) {
      const row = index.querySelector(`tr.finding[data-i="${i}"]`);
      if (row) row.after(detailRow(i));
    }
  }

  function rowHtml(x) {
    const f = x.f;
    const status = f.status ? `<span class="chip ${f.status}">${f.status}</span>` : '';
    return `<tr class="finding ${opened.has(x.i) ? 'open' : ''}" data-i="${x.i}" data-rule="${esc(f.rule)}" tabindex="0">`
      + `<td class="status">${status}</td><td class="sev ${esc(f.severity)}">${esc(f.severity)}</td>`
      + `<td class="conf">${f.confidence.toFixed(2)}</td>`
      + `<td class="cycle"><span class="rule-id">[${esc(f.rule)}]</span> ${esc(cycleText(f.resources))}</td>`
      + `<td class="where">${sourceLink(f.location.file, f.location.line)}</td></tr>`;
  }

  document.addEventListener('click', (ev) => {
    const doc = ev.target.closest('button.doc');
    if (doc) { showRule(doc.dataset.rule); return; }
    const ruleLink = ev.target.closest('#rule-doc a[href$=".md"]');
    if (ruleLink) {
      const id = ruleLink.getAttribute('href').replace(/^.*\//, '').replace(/\.md$/, '');
      if (rulesById.has(id)) { ev.preventDefault(); showRule(id); }
      return;
    }
    if (ev.target.closest('a, summary, details, input, select, label')) return;
    const row = ev.target.closest('tr.finding');
    if (row) toggle(row);
  });

  document.addEventListener('keydown', (ev) => {
    const row = ev.target.closest && ev.target.closest('tr.finding');
    if (row && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); toggle(row); }
  });

  function toggle(row) {
    const i = Number(row.dataset.i);
    if (opened.has(i)) {
      opened.delete(i);
      row.classList.remove('open');
      if (row.nextElementSibling && row.nextElementSibling.classList.contains('detail')) row.nextElementSibling.remove();
    } else {
      opened.add(i);
      row.classList.add('open');
      row.after(detailRow(i));
    }
  }

  function showRule(id) {
    const rule = rulesById.get(id);
    if (!rule) return;
    const dialog = document.getElementById('rule-doc');
    dialog.querySelector('article').innerHTML = rule.docHtml;
    if (!dialog.open) dialog.showModal();
  }

  // ------------------------------------------------------------ one finding, drawn when opened

  function detailRow(i) {
    const f = data.findings[i];
    const tr = document.createElement('tr');
    tr.className = 'detail';
    tr.dataset.i = String(i);
    const reasons = f.reasons.length ? `<ul class="reasons">${f.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : '';
    tr.innerHTML = `<td colspan="5"><div class="finding-detail">`
      + `<p class="message">${esc(f.message)} <button class="doc" data-rule="${esc(f.rule)}">${esc(f.rule)}: rule documentation</button></p>${reasons}`
      + `<div class="views"><figure class="cycle-graph">${cycleSvg(f)}<figcaption>Each CPU holds one resource and waits for the next.</figcaption></figure>`
      + `<div class="chains"><h3>Call chains</h3>${f.cpus.map(chainHtml).join('')}</div></div>`
      + `<div class="timeline">${timelineTable(f)}</div>`
      + `<p class="fingerprint">fingerprint ${esc(f.fingerprint)} · confidence ${f.confidence.toFixed(2)}</p>`
      + '</div></td>';
    return tr;
  }

  /** The cycle on a circle: resources as nodes, each CPU's hold → wait as an arrow labelled with the CPU and its function. */
  function cycleSvg(f) {
    const n = f.resources.length;
    const size = 360;
    const c = size / 2;
    const radius = n === 2 ? 95 : 120;
    const at = (k) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * k) / n;
      return { x: c + radius * Math.cos(angle), y: c + radius * Math.sin(angle) };
    };
    // A queued writer is off the cycle: its column in the timeline shows it.
    const edges = f.cpus.filter((cpu) => !cpu.queuedWriter).map((cpu, k) => {
      const from = at(f.resources.indexOf(cpu.holds[0]) >= 0 ? f.resources.indexOf(cpu.holds[0]) : k);
      const to = at(f.resources.indexOf(cpu.waitsFor) >= 0 ? f.resources.indexOf(cpu.waitsFor) : (k + 1) % n);
      // Bend every arrow to its left: two arrows between the same two nodes do not overlap.
      const mx = (from.x + to.x) / 2;
      const my = (from.y + to.y) / 2;
      const dx = to.x - from.x;
      const dy = to.y - from.y;
      const len = Math.hypot(dx, dy) || 1;
      const bend = n === 2 ? 55 : 30;
      const qx = mx + (dy / len) * bend;
      const qy = my - (dx / len) * bend;
      const shorten = (p, q, by) => {
        const l = Math.hypot(q.x - p.x, q.y - p.y) || 1;
        return { x: p.x + ((q.x - p.x) / l) * by, y: p.y + ((q.y - p.y) / l) * by };
      };
      const a = shorten(from, { x: qx, y: qy }, 26);
      const b = shorten(to, { x: qx, y: qy }, 26);
      const fn = cpu.chain[0] ? cpu.chain[0].function : '?';
      // The label sits beyond the arrow, away from the centre, and grows away from it too.
      const ox = qx - c;
      const oy = qy - c;
      const ol = Math.hypot(ox, oy) || 1;
      const lx = qx + (ox / ol) * 12;
      const ly = qy + (oy / ol) * 12 + 4;
      const anchor = ox > 20 ? 'start' : ox < -20 ? 'end' : 'middle';
      return `<g class="edge" data-cpu="${cpu.cpu}"><path d="M${a.x.toFixed(1)},${a.y.toFixed(1)} Q${qx.toFixed(1)},${qy.toFixed(1)} ${b.x.toFixed(1)},${b.y.toFixed(1)}" marker-end="url(#kd-arrow)"/>`
        + `<text x="${lx.toFixed(1)}" y="${ly.toFixed(1)}" text-anchor="${anchor}">CPU${cpu.cpu}: ${esc(fn)}</text></g>`;
    }).join('');
    const nodes = f.resources.map((r, k) => {
      const p = at(k);
      const w = Math.min(200, 16 + r.length * 7);
      return `<g class="node${r === 'IPI' ? ' ipi' : ''}" data-resource="${esc(r)}"><rect x="${(p.x - w / 2).toFixed(1)}" y="${(p.y - 14).toFixed(1)}" width="${w.toFixed(1)}" height="28" rx="8"/>`
        + `<text x="${p.x.toFixed(1)}" y="${(p.y + 4).toFixed(1)}" text-anchor="middle">${esc(r.length > 28 ? `${r.slice(0, 27)}…` : r)}</text><title>${esc(r)}</title></g>`;
    }).join('');
    return `<svg viewBox="-150 -10 ${size + 300} ${size + 20}" width="${size + 300}" height="${size + 20}" role="img" aria-label="${esc(cycleText(f.resources))}">`
      + '<defs><marker id="kd-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>'
      + `${edges}${nodes}</svg>`;
  }

  /** The lockdep scenario as CPU columns on one time axis; spans with irqs disabled are shaded. */
  function timelineTable(f) {
    const head = f.cpus.map((cpu) => {
      const fn = cpu.chain[0] ? cpu.chain[0].function : '?';
      const holds = cpu.queuedWriter ? `writer off the cycle${cpu.holds.length ? `, holds ${cpu.holds.join(', ')}` : ''}`
        : cpu.holds[0] === 'IPI' ? 'irqs disabled' : cpu.holds[0] === 'HARDIRQ' ? 'hard-irq handler'
          : cpu.holds[0] === 'SOFTIRQ' ? 'softirq context'
            : cpu.runsUnder ? `runs a callback for ${cpu.runsUnder}, which holds ${cpu.holds[0]} (${cpu.holdMode})` : `holds ${cpu.holds[0]} (${cpu.holdMode})`;
      const waits = cpu.waitsFor === 'IPI' ? 'waits for every CPU to take an IPI'
        : cpu.waitsFor === 'SLEEP' ? 'calls what may sleep' : `waits for ${cpu.waitsFor} (${cpu.waitMode})`;
      const also = cpu.holds.length > 1 && !cpu.queuedWriter ? `<br><span class="also">also holds ${esc(cpu.holds.slice(1).join(', '))}</span>` : '';
      return `<th class="cpu" data-cpu="${cpu.cpu}" data-function="${esc(fn)}"><span class="cpu-name">CPU${cpu.cpu}</span> <code>${esc(fn)}()</code><br>`
        + `<span class="what">${esc(holds)}; ${esc(waits)}${cpu.irqsDisabled ? ', irqs disabled' : ''}</span>${also}</th>`;
    }).join('');
    const irqsFrom = new Map();
    f.interleaving.forEach((step, row) => {
      const cpu = f.cpus[step.cpu];
      if (cpu && cpu.irqsDisabled && !irqsFrom.has(step.cpu)) irqsFrom.set(step.cpu, row);
    });
    const rows = f.interleaving.map((step, row) => {
      const cells = f.cpus.map((cpu) => {
        const shaded = irqsFrom.has(cpu.cpu) && row >= irqsFrom.get(cpu.cpu) ? ' irqs-off' : '';
        if (cpu.cpu !== step.cpu) return `<td class="idle${shaded}"></td>`;
        const s = step.blocks ? waitStep(cpu) : holdStep(cpu);
        const where = s ? `<br>${sourceLink(s.file, s.line)}` : '';
        return `<td class="step${step.blocks ? ' blocks' : ''}${shaded}"><code>${esc(step.action)}</code>${where}</td>`;
      }).join('');
      return `<tr>${cells}</tr>`;
    }).join('');
    const verdict = f.cpus.some((c) => c.waitsFor === 'SLEEP') ? '*** SLEEPS IN ATOMIC CONTEXT ***' : '*** DEADLOCK ***';
    const last = `<tr class="deadlock"><td colspan="${f.cpus.length}">${verdict}</td></tr>`;
    return `<table class="scenario"><thead><tr>${head}</tr></thead><tbody>${rows}${last}</tbody></table>`
      + '<p class="legend"><span class="swatch irqs-off"></span> irqs disabled <span class="swatch blocks"></span> waits forever</p>';
  }

  function chainHtml(cpu) {
    const steps = cpu.chain.map((s) => `<li style="margin-left:${s.depth * 1.2}em" class="${esc(s.kind)}"><code>${esc(s.function)}</code> ${sourceLink(s.file, s.line)} <code class="event">${esc(s.event)}</code></li>`).join('');
    return `<details class="chain" data-cpu="${cpu.cpu}"><summary>CPU${cpu.cpu} call chain (${cpu.chain.length} steps)</summary><ol>${steps}</ol></details>`;
  }

  // ------------------------------------------------------------ check-patch reviews, notifications

  function drawReviews() {
    const el = document.getElementById('reviews');
    if (!data.reviews.length) { el.remove(); return; }
    const site = (s) => `<li><code>${esc(s.function)}</code> ${sourceLink(s.file, s.line)} <code>${esc(s.text)}</code></li>`;
    el.innerHTML = '<h2>RCU conversion review</h2>' + data.reviews.map((r) => `<article class="review">`
      + `<h3><code>${esc(r.function)}()</code> ${sourceLink(r.file, r.line)} now reads under <code>rcu_read_lock()</code> instead of <code>${esc(r.replacedLock)}</code></h3>`
      + `<p>May sleep inside the read-side section: ${r.maySleep.length}</p><ul>${r.maySleep.map(site).join('')}</ul>`
      + `<p>Iterators:</p><ul>${r.iterators.map((it) => `<li><code>${esc(it.macro)}</code> ${sourceLink(it.site.file, it.site.line)}: ${it.rcuSafe ? 'RCU-safe' : '<strong>not an RCU iterator</strong>'}</li>`).join('')}</ul>`
      + `<p>Writers of <code>${esc(r.replacedLock)}</code> (${r.writers.count}) no longer wait for this reader:</p><ul>${r.writers.sites.map(site).join('')}</ul>`
      + `<p class="note">${esc(r.note)}</p></article>`).join('');
  }

  function drawNotes() {
    const s = data.stats;
    const stat = (k, v) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`;
    const byKind = count(data.problems, (p) => p.kind).map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
    const el = document.getElementById('notes');
    el.innerHTML = '<h2>Notifications</h2>'
      + '<table class="stats">'
      + stat('configuration', data.config.configFile ? `${data.config.configFile} (#if conditions evaluated)` : 'none: both arms of every #if kept')
      + stat('architecture', data.config.arch)
      + stat('files', s.files) + stat('functions', s.functions) + stat('macros', s.macros)
      + stat('parse errors', `${s.parseErrors} (${s.functionsWithErrors} functions affected)`)
      + stat('lock operations', `${s.lockOps} (${s.unknownLockOps} on a lock the analysis could not name)`)
      + stat('dependency edges', s.edges)
      + stat('candidate cycles', `${s.candidateCycles} (${s.infeasibleCycles} infeasible)`)
      + stat('cycle search', s.cycleSearchTruncated ? 'truncated: longer cycles may be missing' : 'complete')
      + stat('summaries cut short', s.truncatedSummaries)
      + stat('files left out by Kbuild', s.excludedByConfig)
      + stat('files with problems', byKind)
      + '</table>'
      + (data.suppressed.length ? `<details id="suppressed"><summary>${data.suppressed.length} finding(s) suppressed</summary><table><tbody>${data.suppressed.map((f) => `<tr><td>[${esc(f.rule)}] ${esc(cycleText(f.resources))}</td>`
        + `<td>${sourceLink(f.location.file, f.location.line)}</td><td>${f.suppression.kind === 'inline' ? 'inline' : '--suppressions'} at <code>${esc(f.suppression.where)}</code>: ${esc(f.suppression.reason || 'no reason given')}</td></tr>`).join('')}</tbody></table></details>` : '')
      + (data.problems.length ? `<details id="problems"><summary>${data.problems.length} file(s) not fully read</summary><div class="problem-list"></div></details>` : '');
    const details = document.getElementById('problems');
    if (details) {
      details.addEventListener('toggle', () => {
        const list = details.querySelector('.problem-list');
        if (!details.open || list.childElementCount) return;
        list.innerHTML = `<table><tbody>${data.problems.map((p) => `<tr><td><code>${esc(p.file)}</code></td><td>${esc(p.kind)}</td><td>${esc(p.message)}</td></tr>`).join('')}</tbody></table>`;
      });
    }
  }
})();
