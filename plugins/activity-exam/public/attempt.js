// The exam attempt page, offline-tolerant. Every answer gets the next number of one per-attempt
// sequence and goes into a queue kept in localStorage, so answers given while the connection is
// down survive a reload and are sent oldest first, one at a time, when it returns; an answer is
// shown as saved only once the server acknowledged it. The countdown is the server's remaining
// time, advanced with the monotonic clock (performance.now), never with the device's date.
const form = document.getElementById('attempt-form');
const attemptId = form.dataset.attemptId;
const strings = JSON.parse(document.getElementById('attempt-strings').textContent);
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const api = `/api/v1/activity-exam/attempts/${attemptId}`;
const KEY = `bina:exam:${attemptId}`;
const sequential = form.dataset.navigation === 'sequential';

// This browser's exam session is an HttpOnly cookie the server set when it let the browser into
// the attempt; the script never sees or sends an id of its own.
const headers = { 'content-type': 'application/json', 'x-csrf-token': csrf };

const cards = new Map([...form.querySelectorAll('fieldset[data-slot]')].map((fs) => [fs.dataset.slot, fs]));
const stored = JSON.parse(localStorage.getItem(KEY) || 'null') || { seq: 0, queue: [] };
let seq = Math.max(stored.seq || 0, ...[...cards.values()].map((fs) => Number(fs.dataset.seq || 0)));
let queue = (stored.queue || []).filter((q) => cards.has(q.slot));
let closed = false;
let sending = false;
let retryTimer = null;
let retryMs = 1000;

const persist = () => localStorage.setItem(KEY, JSON.stringify({ seq, queue }));
const connEl = document.getElementById('conn-state');
const pendingEl = document.getElementById('pending-count');

// `why`: the server's reasons for refusing an answer, already in the learner's language.
function setState(slot, state, why) {
  const el = cards.get(slot)?.querySelector('.save-state');
  if (!el) return;
  el.dataset.state = state;
  el.textContent = why ? `${strings[state] ?? state} ${why}` : strings[state] ?? state;
  el.classList.toggle('text-danger', state === 'refused');
}
/** The reasons of a 400 (a numerical answer that is no number…): each detail's `localizedMessage`. */
const reasons = (body) => (Array.isArray(body?.error?.details) ? body.error.details.map((d) => d.localizedMessage ?? d.message).join(' ') : body?.error?.message ?? '');
function showConn(online) {
  connEl.textContent = online ? strings.online : strings.offlineConn;
  connEl.className = `small ${online ? 'text-success' : 'text-danger fw-semibold'}`;
  connEl.dataset.online = String(online);
}
function showPending() {
  pendingEl.textContent = queue.length ? strings.pending.replace('#', String(queue.length)) : '';
  pendingEl.dataset.count = String(queue.length);
}

function fieldsOf(slot) {
  const out = {};
  const prefix = `q_${slot}`;
  for (const el of cards.get(slot).querySelectorAll('input, select, textarea')) {
    if (!el.name || !(el.name === prefix || el.name.startsWith(prefix + '_'))) continue;
    if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) continue;
    if (el.type === 'checkbox') (out[el.name] ??= []).push(el.value);
    else out[el.name] = el.value;
  }
  return out;
}

function lockBefore(slot) {
  if (!sequential) return;
  const n = Number(cards.get(slot).dataset.number);
  for (const [s, fs] of cards) if (Number(fs.dataset.number) < n && !fs.disabled) { fs.disabled = true; setState(s, 'locked'); }
}

function enqueue(slot) {
  if (closed) return;
  seq += 1;
  // Only the newest answer of a slot matters; it keeps its place at the end of the queue.
  queue = queue.filter((q) => q.slot !== slot);
  queue.push({ slot, seq, fields: fieldsOf(slot) });
  persist();
  showPending();
  setState(slot, navigator.onLine ? 'saving' : 'offline');
  lockBefore(slot);
  pump();
}

function scheduleRetry() {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(pump, retryMs);
  retryMs = Math.min(retryMs * 2, 15000);
}

async function pump() {
  if (closed || sending || queue.length === 0) return;
  sending = true;
  const item = queue[0];
  let res;
  try {
    res = await fetch(`${api}/answers/${item.slot}`, { method: 'PUT', headers, body: JSON.stringify({ seq: item.seq, fields: item.fields }), credentials: 'same-origin' });
  } catch {
    // No connection: keep everything, show it, try again later and on the `online` event.
    sending = false;
    showConn(false);
    for (const q of queue) setState(q.slot, 'offline');
    return scheduleRetry();
  }
  sending = false;
  showConn(true);
  retryMs = 1000;
  let body = null;
  try { body = await res.json(); } catch { /* empty */ }
  if (res.ok) {
    syncClock(body);
    queue = queue.filter((q) => !(q.slot === item.slot && q.seq <= item.seq));
    persist();
    if (!queue.some((q) => q.slot === item.slot)) setState(item.slot, 'saved');
  } else if (res.status === 409 && body?.error) {
    const code = body.error.code;
    if (code === 'BINA_ERR_EXAM_ATTEMPT_CLOSED' || code === 'BINA_ERR_EXAM_DEADLINE_PASSED') return close();
    if (code === 'BINA_ERR_ACCESS_SESSION_ACTIVE') { await takeover(); return pump(); }
    // A locked question or a closed section: this answer can never be accepted.
    queue.shift();
    persist();
    setState(item.slot, 'locked');
  } else if (res.status === 403 && body?.error?.code === 'BINA_ERR_EXAM_DEVICE_UNKNOWN') {
    // The cookie is gone (cleared, another browser profile): the page resumes through the access rules; the queue stays.
    return window.location.reload();
  } else if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
    // Refused for good: sending it again cannot help; a 400 says why (the learner corrects the answer).
    queue.shift();
    persist();
    if (res.status === 400) setState(item.slot, 'refused', reasons(body));
    else setState(item.slot, 'error');
  } else {
    setState(item.slot, 'error');
    showPending();
    return scheduleRetry();
  }
  showPending();
  pump();
}

function close() {
  closed = true;
  queue = [];
  persist();
  showPending();
  for (const slot of cards.keys()) setState(slot, 'closed');
  for (const fs of cards.values()) fs.disabled = true;
  setTimeout(() => window.location.assign(`/activity-exam/attempts/${attemptId}/result`), 3000);
}

// ---- the server's clock ----
const timeEl = document.getElementById('time-left');
const sectionEl = document.getElementById('section-time-left');
let remaining = form.dataset.remainingMs ? Number(form.dataset.remainingMs) : null;
let sectionRemaining = form.dataset.sectionMs ? Number(form.dataset.sectionMs) : null;
let base = performance.now();
function syncClock(j) {
  if (j && typeof j.remainingMs === 'number') { remaining = j.remainingMs; base = performance.now(); }
  if (j && j.section && typeof j.section.remainingMs === 'number') sectionRemaining = j.section.remainingMs;
}
const fmt = (ms) => {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return `${h ? `${h}:${String(m).padStart(2, '0')}` : m}:${String(sec).padStart(2, '0')}`;
};
function tick() {
  const elapsed = performance.now() - base;
  if (remaining !== null) {
    const left = Math.max(0, remaining - elapsed);
    timeEl.textContent = fmt(left);
    timeEl.dataset.ms = String(Math.round(left));
    if (left <= 0 && !closed) { timeEl.textContent = strings.timeUp; closed = true; setTimeout(() => window.location.assign(`/activity-exam/attempts/${attemptId}/result`), 5000); }
  }
  if (sectionEl && sectionRemaining !== null) {
    const left = Math.max(0, sectionRemaining - elapsed);
    sectionEl.textContent = fmt(left);
    if (left <= 0) setTimeout(() => window.location.reload(), 1500);
  }
}
async function resync() {
  try {
    const r = await fetch(`${api}/clock`, { credentials: 'same-origin' });
    const j = await r.json();
    if (j.state && j.state !== 'in_progress') return close();
    syncClock(j);
    showConn(true);
    pump();
  } catch { showConn(false); }
}
setInterval(tick, 250);
tick();
setInterval(resync, 20000);

// ---- session: resume (claims this browser), takeover with the code when another holds it ----
async function takeover() {
  const takeoverCode = window.prompt(strings.takeoverCode || 'Kode pengambilalihan') || '';
  const r = await fetch(`${api}/takeover`, { method: 'POST', headers, body: JSON.stringify({ takeoverCode }), credentials: 'same-origin' });
  if (!r.ok) { closed = true; return; }
  syncClock(await r.json());
}
async function claim() {
  const r = await fetch(`${api}/takeover`, { method: 'POST', headers, body: '{}', credentials: 'same-origin' }).catch(() => null);
  if (!r) return showConn(false);
  if (r.status === 409 || r.status === 403) {
    const j = await r.json().catch(() => null);
    if (j?.error?.details?.needsCode) return takeover().then(pump);
  }
  if (r.ok) syncClock(await r.json());
  pump();
}

// ---- integrity signals: logged for the trainer, never blocking ----
function report(kind) {
  if (closed) return;
  fetch(`${api}/integrity`, { method: 'POST', headers, body: JSON.stringify({ kind, at: new Date().toISOString() }), credentials: 'same-origin', keepalive: true }).catch(() => undefined);
}
window.addEventListener('blur', () => report('focus_lost'));
document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') report('visibility_hidden'); });
document.addEventListener('fullscreenchange', () => { if (!document.fullscreenElement) report('fullscreen_exit'); });

// ---- events ----
form.addEventListener('change', (e) => {
  const fs = e.target.closest('fieldset[data-slot]');
  if (fs) enqueue(fs.dataset.slot);
});
const typing = new Map();
form.addEventListener('input', (e) => {
  const fs = e.target.closest('fieldset[data-slot]');
  if (!fs || !e.target.matches('input[type=text], input:not([type]), textarea, input[type=number]')) return;
  clearTimeout(typing.get(fs.dataset.slot));
  typing.set(fs.dataset.slot, setTimeout(() => enqueue(fs.dataset.slot), 800));
});
window.addEventListener('online', () => { retryMs = 1000; pump(); resync(); });
window.addEventListener('offline', () => showConn(false));
form.addEventListener('submit', (e) => {
  const btn = e.submitter;
  if (btn?.dataset.confirm && !window.confirm(btn.dataset.confirm)) return e.preventDefault();
  // Answers still queued would be lost by a plain form post while offline: keep the page.
  if (queue.length && !navigator.onLine) { e.preventDefault(); return; }
  if (btn?.value === 'submit') localStorage.removeItem(KEY);
});

for (const q of queue) setState(q.slot, 'saving');
showConn(navigator.onLine);
showPending();
claim();
