// The exam room (src/views/pages/partials/attempt-room.hbs), enhanced: moves between questions on
// the page (so it keeps working with the connection down), keeps the grid's colours in step with
// the answers and ragu-ragu flags, saves a flag on its own, counts an essay's words as they are
// typed, and asks before submitting. Saving answers and the clock stay with the activity's own
// script (activity-exam/attempt.js, activity-quiz/attempt.js). Without this script every button
// posts the form and the server shows the next screen.
const form = document.getElementById('attempt-form');
const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? '';

/** Words as the server counts them (src/learning/attempt-room/room-view.ts countWords). */
const countWords = (text) => text.split(/\s+/u).filter((w) => w !== '').length;

if (form) room(form);
else summaryPage();

function room(form) {
  const showAll = form.dataset.showAll === 'true';
  const total = Number(form.dataset.total);
  const cards = new Map([...form.querySelectorAll('[data-room-card]')].map((c) => [Number(c.dataset.roomCard), c]));
  const cells = new Map([...form.querySelectorAll('[data-room-cell]')].map((c) => [Number(c.dataset.roomCell), c]));
  const stay = form.querySelector('[data-room-stay]');
  let current = Number(form.dataset.current);
  // The page's strings in its language, with `#` where a number goes.
  const labels = JSON.parse(document.getElementById('room-strings')?.textContent ?? '{}');

  // Every question is on the page; only the shown one was enabled for a post without JavaScript.
  for (const card of cards.values()) {
    const fs = card.querySelector('fieldset');
    if (fs && fs.dataset.locked !== 'true') fs.disabled = false;
    for (const el of card.querySelectorAll('[data-room-ctl]')) el.disabled = false;
  }

  /** Whether the question's fields hold an answer (what the grid shows as answered). */
  function answered(n) {
    const fs = cards.get(n)?.querySelector('fieldset');
    if (!fs) return false;
    for (const el of fs.querySelectorAll('input, select, textarea')) {
      if (!el.name || !el.name.startsWith('q_')) continue;
      if (el.type === 'radio' || el.type === 'checkbox') { if (el.checked) return true; }
      else if (el.type !== 'hidden' && el.value.trim() !== '') return true;
    }
    return false;
  }
  const flagged = (n) => Boolean(cards.get(n)?.querySelector('[data-room-flag]')?.checked);

  function paint(n) {
    const cell = cells.get(n);
    if (!cell) return;
    const state = flagged(n) ? 'flagged' : answered(n) ? 'answered' : 'unanswered';
    cell.dataset.state = state;
    cell.classList.remove('room-answered', 'room-unanswered', 'room-flagged');
    cell.classList.add(`room-${state}`);
    if (labels[state]) cell.setAttribute('aria-label', labels[state].replace('#', String(n)));
    const section = cell.closest('[data-room-grid]');
    const progress = section && form.querySelector(`[data-room-progress="${section.dataset.roomGrid}"]`);
    if (progress && labels.answeredOf) {
      const all = [...section.querySelectorAll('[data-room-cell]')];
      const done = all.filter((c) => answered(Number(c.dataset.roomCell))).length;
      progress.textContent = labels.answeredOf.replace('#a', String(done)).replace('#c', String(all.length));
    }
  }

  function show(n, focus = true) {
    if (!cards.has(n)) return;
    current = n;
    for (const [k, card] of cards) card.hidden = !showAll && k !== n;
    for (const [k, cell] of cells) {
      cell.classList.toggle('room-current', k === n);
      if (k === n) cell.setAttribute('aria-current', 'step');
      else cell.removeAttribute('aria-current');
    }
    const section = cards.get(n).dataset.section;
    for (const g of form.querySelectorAll('[data-room-grid]')) g.hidden = !showAll && g.dataset.roomGrid !== section;
    for (const tab of form.querySelectorAll('[data-room-tab]')) {
      const on = tab.dataset.roomTab === section;
      tab.classList.toggle('active', on);
      if (on) tab.setAttribute('aria-current', 'true');
      else tab.removeAttribute('aria-current');
    }
    if (stay) stay.value = String(n);
    form.dataset.current = String(n);
    const url = new URL(window.location.href);
    url.searchParams.set('q', String(n));
    url.hash = '';
    history.replaceState(null, '', url);
    if (showAll) cards.get(n).scrollIntoView({ block: 'start' });
    else window.scrollTo(0, 0);
    if (focus) cards.get(n).querySelector('.room-legend')?.focus({ preventScroll: true });
  }

  form.addEventListener('click', (e) => {
    const btn = e.target.closest('button[name="go"]');
    if (!btn || btn.value === 'summary') return;
    const n = Number(btn.value);
    if (!Number.isInteger(n) || n < 1 || n > total) return;
    e.preventDefault();
    show(n);
  });

  // ---- ragu-ragu flags: saved on their own; one that fails is sent again when the connection returns ----
  const flagUrl = form.dataset.flagUrl;
  const unsent = new Map();
  async function sendFlag(slot, value) {
    unsent.set(slot, value);
    try {
      const r = await fetch(`${flagUrl}/${slot}`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ flagged: value }), credentials: 'same-origin' });
      if (r.ok || (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429)) {
        if (unsent.get(slot) === value) unsent.delete(slot);
      }
    } catch { /* kept in `unsent` */ }
  }
  window.addEventListener('online', () => { for (const [slot, value] of unsent) void sendFlag(slot, value); });
  form.addEventListener('change', (e) => {
    const flag = e.target.closest('[data-room-flag]');
    if (flag) {
      const n = Number(flag.closest('[data-room-card]').dataset.roomCard);
      paint(n);
      if (flagUrl) void sendFlag(flag.dataset.roomFlag, flag.checked);
      return;
    }
    const card = e.target.closest('[data-room-card]');
    if (card) paint(Number(card.dataset.roomCard));
  });

  // ---- essays: a live word count against the question's limits ----
  function countFor(el) {
    const slot = el.name.slice(2);
    const box = form.querySelector(`[data-room-words="${slot}"]`);
    if (!box) return;
    const n = countWords(el.value);
    const min = box.dataset.min ? Number(box.dataset.min) : null;
    const max = box.dataset.max ? Number(box.dataset.max) : null;
    const outside = n > 0 && ((min !== null && n < min) || (max !== null && n > max));
    const count = box.querySelector('[data-room-word-count]');
    if (count && labels.words) count.textContent = labels.words.replace('#', String(n));
    box.classList.toggle('room-words-outside', outside);
    box.dataset.outside = String(outside);
    const note = box.querySelector('[data-room-words-note]');
    if (note) note.hidden = !outside;
  }
  form.addEventListener('input', (e) => {
    if (e.target.matches('textarea[name^="q_"]')) countFor(e.target);
    const card = e.target.closest('[data-room-card]');
    if (card) paint(Number(card.dataset.roomCard));
  });
  for (const ta of form.querySelectorAll('textarea[name^="q_"]')) countFor(ta);

  show(current, false);
  for (const n of cards.keys()) paint(n);
}

function summaryPage() {
  const summary = document.getElementById('summary-form');
  if (summary) {
    summary.addEventListener('submit', (e) => {
      const btn = e.submitter;
      if (btn?.dataset.confirm && !window.confirm(btn.dataset.confirm)) e.preventDefault();
    });
  }
  // The countdown on a page without the activity's script: the server's remaining time, advanced
  // with the monotonic clock; at zero the page reloads and the server shows the result.
  const el = document.getElementById('time-left');
  const remaining = el?.dataset.remainingMs ? Number(el.dataset.remainingMs) : null;
  if (!el || remaining === null || Number.isNaN(remaining)) return;
  const base = performance.now();
  const fmt = (ms) => {
    const s = Math.floor(ms / 1000);
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return `${h ? `${h}:${String(m).padStart(2, '0')}` : m}:${String(sec).padStart(2, '0')}`;
  };
  const tick = () => {
    const left = Math.max(0, remaining - (performance.now() - base));
    el.textContent = fmt(left);
    el.dataset.ms = String(Math.round(left));
    if (left <= 0) { clearInterval(timer); setTimeout(() => window.location.reload(), 3000); }
  };
  const timer = setInterval(tick, 250);
  tick();
}
