// optbench dashboard: polls /api/ and redraws with DOM calls (textContent only: every name comes
// from the store and is untrusted). No framework, no build step, nothing fetched from elsewhere.
'use strict';
const POLL_MS = 2000;
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function q(params) {
  const u = new URLSearchParams();
  for (const [k, v] of params) u.append(k, v);
  return u.toString();
}

async function getJson(url) {
  const r = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

function eta(s) {
  if (s.etaSeconds === null) return '– (' + s.etaNote + ')';
  if (s.etaSeconds === 0) return 'done';
  const t = Math.round(s.etaSeconds);
  const text = t >= 3600 ? Math.floor(t / 3600) + ' h ' + Math.floor((t % 3600) / 60) + ' min'
    : t >= 60 ? Math.floor(t / 60) + ' min ' + (t % 60) + ' s' : t + ' s';
  return text + ' (' + s.etaNote + ')';
}

function picked() {
  return [...document.querySelectorAll('#studies input.pick')].filter(c => c.checked).map(c => c.value);
}

function studyRow(s, ticked) {
  const tr = el('tr');
  tr.dataset.study = s.name;
  const box = el('input', null, 'pick');
  box.type = 'checkbox';
  box.value = s.name;
  box.checked = ticked.includes(s.name);
  const cell = el('td');
  cell.appendChild(box);
  tr.appendChild(cell);
  const a = el('a', s.name, 'open');
  a.href = '#' + encodeURIComponent(s.name);
  const name = el('td');
  name.appendChild(a);
  tr.appendChild(name);
  tr.appendChild(el('td', s.workload));
  tr.appendChild(el('td', s.protocol));
  tr.appendChild(el('td', s.optimizers.join(', ')));
  const bar = el('progress');
  bar.max = s.total;
  bar.value = s.total - s.counts.pending - s.counts.running;
  const p = el('td');
  p.appendChild(bar);
  tr.appendChild(p);
  tr.appendChild(el('td', s.counts.pending, 'num pending'));
  tr.appendChild(el('td', s.counts.running, 'num running'));
  tr.appendChild(el('td', s.finished, 'num finished'));
  tr.appendChild(el('td', s.counts.failed, 'num failed'));
  tr.appendChild(el('td', eta(s), 'eta'));
  return tr;
}

async function refreshStudies() {
  const data = await getJson('/api/studies');
  const ticked = picked();
  const body = document.querySelector('#studies tbody');
  if (data.studies.length) {
    body.replaceChildren(...data.studies.map(s => studyRow(s, ticked)));
  } else { // as the server renders it (DashboardPage.NO_STUDIES)
    const cell = el('td', "no studies in this store yet (create one with 'optbench study create')", 'muted');
    cell.colSpan = 11;
    const tr = el('tr', null, 'none');
    tr.appendChild(cell);
    body.replaceChildren(tr);
  }
  document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
}

function current() {
  let h = location.hash.slice(1);
  try { h = decodeURIComponent(h); } catch (e) { /* a name with a stray %: use it as it is */ }
  return h.length ? h : null;
}

async function refreshStudy() {
  const name = current();
  const section = document.getElementById('study');
  if (!name) { section.hidden = true; return; }
  const s = await getJson('/api/study?' + q([['name', name]]));
  if (current() !== name) return; // another study was opened meanwhile
  section.hidden = false;
  document.getElementById('study-title').textContent = 'Study ' + s.name;
  document.getElementById('study-line').textContent = s.workload + ' · ' + s.protocol + ' · ' + s.finished + ' of '
    + s.total + ' finished · ' + s.counts.running + ' running on ' + s.workers + ' worker(s) · ETA ' + eta(s);
  const rows = Object.entries(s.byOptimizer).map(([o, v]) => {
    const tr = el('tr');
    tr.appendChild(el('td', o));
    for (const k of ['pending', 'running', 'completed', 'diverged', 'failed']) tr.appendChild(el('td', v.counts[k], 'num'));
    tr.appendChild(el('td', v.best && v.best.validationError !== null ? v.best.validationError.toFixed(4) : '–', 'num'));
    tr.appendChild(el('td', v.best ? '#' + v.best.index + ' ' + Object.entries(v.best.hparams)
      .map(([k, x]) => k + '=' + (x === null ? 'NaN' : x.toPrecision(4))).join(' ') : ''));
    return tr;
  });
  document.querySelector('#optimizers tbody').replaceChildren(...rows);
  document.querySelector('#running tbody').replaceChildren(...s.running.map(r => {
    const tr = el('tr');
    tr.appendChild(el('td', r.optimizer + '#' + r.index));
    tr.appendChild(el('td', r.worker));
    tr.appendChild(el('td', r.elapsedSeconds.toFixed(1) + ' s', 'num'));
    return tr;
  }));
  const live = await getJson('/api/live?' + q([['study', name]]));
  if (current() === name) drawCurves(live);
}

function drawCurves(live) {
  const canvas = document.getElementById('curves');
  const g = canvas.getContext('2d');
  const W = canvas.width, H = canvas.height, L = 50, B = 30;
  g.clearRect(0, 0, W, H);
  const series = [...live.running.map(t => [t, true]), ...live.recent.map(t => [t, false])]
    .map(([t, running]) => ({ t, running, pts: t.curve.filter(m => m.split === 'validation' && m.error !== null) }))
    .filter(s => s.pts.length > 0);
  const legend = document.getElementById('curve-legend');
  legend.replaceChildren();
  g.strokeStyle = '#888';
  g.strokeRect(L, 5, W - L - 5, H - B - 5);
  g.fillStyle = '#333';
  g.font = '12px sans-serif';
  g.fillText('step', W / 2, H - 5);
  g.fillText('1', L - 15, 15);
  g.fillText('0', L - 15, H - B);
  if (!series.length) { g.fillText('no stored curve yet', L + 10, 30); return; }
  const maxStep = Math.max(1, ...series.flatMap(s => s.pts.map(m => m.step)));
  g.fillText(String(maxStep), W - 45, H - B + 15);
  const x = s => L + (W - L - 5) * s / maxStep;
  const y = e => 5 + (H - B - 5) * (1 - Math.min(1, Math.max(0, e)));
  series.forEach((s, i) => {
    const c = COLOURS[i % COLOURS.length];
    g.strokeStyle = c;
    g.lineWidth = s.running ? 2.5 : 1;
    g.beginPath();
    s.pts.forEach((m, j) => (j ? g.lineTo(x(m.step), y(m.error)) : g.moveTo(x(m.step), y(m.error))));
    g.stroke();
    const item = el('span', (s.running ? 'running ' : '') + s.t.optimizer + '#' + s.t.index
      + (s.running ? ' at step ' + s.pts[s.pts.length - 1].step : ''), 'key');
    item.style.borderColor = c;
    legend.appendChild(item);
  });
}

let figureRequest = 0; // only the latest request may fill the figures section

async function showFigures(names) {
  const mine = ++figureRequest;
  const section = document.getElementById('figures');
  const line = document.getElementById('figures-line');
  const list = document.getElementById('figure-list');
  section.hidden = false;
  line.textContent = 'analysing ' + names.join(', ') + ' …';
  list.replaceChildren();
  try {
    const f = await getJson('/api/figures?' + q(names.map(n => ['study', n])));
    if (mine !== figureRequest) return;
    line.textContent = f.figures.length + ' figures of ' + names.join(', ') + ' (the report\'s, at the time of the click)';
    for (const fig of f.figures) {
      const box = el('figure');
      const img = el('img');
      img.alt = fig.title;
      img.loading = 'lazy';
      img.src = '/figure?' + q([...names.map(n => ['study', n]), ['id', fig.id]]);
      box.appendChild(el('h3', fig.title));
      box.appendChild(img);
      box.appendChild(el('figcaption', fig.caption));
      list.appendChild(box);
    }
    const link = document.getElementById('report-link');
    link.href = '/report?' + q(names.map(n => ['study', n]));
    link.hidden = false;
  } catch (e) {
    if (mine === figureRequest) line.textContent = 'no figures: ' + e.message;
  }
}

async function tick() {
  try {
    await refreshStudies();
    await refreshStudy();
  } catch (e) {
    document.getElementById('updated').textContent = 'update failed: ' + e.message;
  }
  setTimeout(tick, POLL_MS);
}

document.getElementById('compare').addEventListener('click', () => {
  const names = picked();
  if (names.length) showFigures(names);
});
window.addEventListener('hashchange', () => { refreshStudy(); if (current()) showFigures([current()]); });
if (current()) showFigures([current()]);
tick();
