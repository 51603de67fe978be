// The live score board: subscribes to the server-sent events first, then loads the snapshot, and
// applies each message on top (an answer message older than what the snapshot holds is ignored by
// its sequence number). A message about an attempt the board does not know reloads the snapshot.
const table = document.getElementById('board');
const tbody = table.querySelector('tbody');
const stateEl = document.getElementById('board-state');
const strings = JSON.parse(document.getElementById('board-strings').textContent);
const keys = [...table.querySelectorAll('thead th[data-key]')].map((th) => th.dataset.key);
let rows = new Map();
let reloadTimer = null;
const fmt = new Intl.NumberFormat(document.documentElement.lang === 'en' ? 'en-US' : 'id-ID', { maximumFractionDigits: 2 });

function render() {
  const list = [...rows.values()].sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.label.localeCompare(b.label));
  tbody.replaceChildren(...list.map((r, i) => {
    const tr = document.createElement('tr');
    tr.dataset.attemptId = r.attemptId;
    const cell = (text, cls) => { const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; return td; };
    tr.append(cell(String(i + 1)), cell(r.label));
    // A null score: an essay waits and the participant may not see marks yet, so neither does the board.
    const hidden = r.score === null;
    for (const k of keys) tr.append(cell(hidden ? '—' : fmt.format(r.sections[k] ?? 0)));
    tr.append(cell(hidden ? '—' : fmt.format(r.score), 'fw-semibold total'), cell(String(r.answered)));
    tr.append(cell(r.passed === true ? strings.passed : r.passed === false ? strings.failed : strings[r.state] ?? r.state, r.passed === true ? 'text-success' : r.passed === false ? 'text-danger' : ''));
    return tr;
  }));
}

async function loadSnapshot() {
  const r = await fetch(table.dataset.snapshotUrl, { credentials: 'same-origin' });
  const j = await r.json();
  rows = new Map(j.rows.map((row) => [row.attemptId, row]));
  render();
}
function reloadSoon() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => loadSnapshot().catch(() => undefined), 300);
}

function apply(m) {
  const r = rows.get(m.attemptId);
  if (!r) return reloadSoon();
  if (m.t === 'answer') {
    const prev = r.slots[m.slot];
    if (prev && prev[1] >= m.seq) return;
    const old = prev ? prev[0] : 0;
    if (!prev) r.answered += 1;
    r.slots[m.slot] = [m.p, m.seq, m.section];
    if (r.state === 'in_progress' && r.score !== null) {
      r.sections[m.section] = (r.sections[m.section] ?? 0) + m.p - old;
      r.score += m.p - old;
    }
  } else if (m.t === 'state') {
    r.state = m.state ?? r.state;
    if (typeof m.score === 'number' || m.score === null) r.score = m.score;
    if (m.sections) r.sections = Object.fromEntries(m.sections.map((s) => [s.key, s.score]));
    if (typeof m.passed === 'boolean') r.passed = m.passed;
  } else return reloadSoon();
  render();
}

const source = new EventSource(table.dataset.streamUrl, { withCredentials: true });
source.addEventListener('ready', () => {
  stateEl.textContent = strings.live;
  stateEl.dataset.live = 'true';
  loadSnapshot().catch(() => undefined);
});
source.addEventListener('message', (e) => { try { apply(JSON.parse(e.data)); } catch { /* ignore a bad message */ } });
source.addEventListener('error', () => { stateEl.textContent = strings.reconnecting; stateEl.dataset.live = 'false'; });
