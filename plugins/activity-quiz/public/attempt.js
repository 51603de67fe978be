// Autosave for the attempt page (progressive enhancement: without this script the form still
// saves and submits). Each answer is sent on its own with a per-question sequence number and is
// shown as saved only once the server acknowledged it. Unsent answers wait in localStorage and
// go out in order when the connection returns. The countdown is the server's remaining time.
const form = document.getElementById('attempt-form');
const attemptId = form.dataset.attemptId;
const strings = JSON.parse(document.getElementById('attempt-strings').textContent);
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const storeKey = (slot) => `bina:attempt:${attemptId}:${slot}`;
let closed = false;

const slots = new Map();
for (const fs of form.querySelectorAll('fieldset[data-slot]')) {
  const slot = fs.dataset.slot;
  const stored = JSON.parse(localStorage.getItem(storeKey(slot)) || 'null');
  const serverSeq = Number(fs.dataset.seq || 0);
  slots.set(slot, { fs, seq: Math.max(serverSeq, stored?.seq || 0), pending: stored && stored.seq > serverSeq ? stored : null, timer: null, sending: false });
}

// `why`: the server's reasons for refusing an answer, already in the learner's language.
function setState(slot, state, why) {
  const el = slots.get(slot).fs.querySelector('.save-state');
  el.dataset.state = state;
  el.textContent = why ? `${strings[state] ?? state} ${why}` : strings[state] ?? state;
  el.classList.toggle('text-danger', state === 'refused');
}
/** The reasons of a 400 (a numerical answer that is no number…): each detail's `localizedMessage`. */
const reasons = (body) => (Array.isArray(body?.error?.details) ? body.error.details.map((d) => d.localizedMessage ?? d.message).join(' ') : body?.error?.message ?? '');

function fieldsOf(slot) {
  const out = {};
  const prefix = `q_${slot}`;
  for (const el of slots.get(slot).fs.querySelectorAll('input, select, textarea')) {
    if (!el.name || !(el.name === prefix || el.name.startsWith(prefix + '_'))) continue;
    if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) continue;
    if (el.type === 'checkbox') (out[el.name] ??= []).push(el.value);
    else out[el.name] = el.value;
  }
  return out;
}

function queue(slot) {
  const s = slots.get(slot);
  s.seq += 1;
  s.pending = { seq: s.seq, fields: fieldsOf(slot) };
  localStorage.setItem(storeKey(slot), JSON.stringify(s.pending));
  setState(slot, navigator.onLine ? 'saving' : 'offline');
  send(slot);
}

async function send(slot) {
  const s = slots.get(slot);
  if (closed || s.sending || !s.pending) return;
  s.sending = true;
  const p = s.pending;
  try {
    const res = await fetch(`/api/v1/activity-quiz/attempts/${attemptId}/answers/${slot}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ seq: p.seq, fields: p.fields }),
      credentials: 'same-origin',
    });
    if (res.status === 409) { closed = true; for (const k of slots.keys()) setState(k, 'closed'); return; }
    if (res.status === 400) {
      // Refused for good (a numerical answer that is no number): say why and wait for the learner's correction.
      const body = await res.json().catch(() => null);
      if (s.pending && s.pending.seq === p.seq) { s.pending = null; localStorage.removeItem(storeKey(slot)); setState(slot, 'refused', reasons(body)); }
      return;
    }
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    if (s.pending && s.pending.seq === p.seq) { s.pending = null; localStorage.removeItem(storeKey(slot)); setState(slot, 'saved'); }
  } catch {
    setState(slot, navigator.onLine ? 'error' : 'offline');
    setTimeout(() => send(slot), 3000);
  } finally {
    s.sending = false;
    if (s.pending && s.pending.seq !== p.seq) send(slot);
  }
}

form.addEventListener('change', (e) => {
  const fs = e.target.closest('fieldset[data-slot]');
  if (fs) queue(fs.dataset.slot);
});
form.addEventListener('input', (e) => {
  const fs = e.target.closest('fieldset[data-slot]');
  if (!fs || !(e.target.matches('input[type=text], input:not([type]), textarea, input[type=number]'))) return;
  const s = slots.get(fs.dataset.slot);
  clearTimeout(s.timer);
  s.timer = setTimeout(() => queue(fs.dataset.slot), 800);
});
window.addEventListener('online', () => { for (const k of slots.keys()) send(k); });
for (const [slot, s] of slots) if (s.pending) { setState(slot, 'saving'); send(slot); }

form.addEventListener('submit', (e) => {
  const btn = e.submitter;
  if (btn?.value === 'submit' && !window.confirm(btn.dataset.confirm)) e.preventDefault();
  else for (const k of slots.keys()) localStorage.removeItem(storeKey(k));
});

// Countdown from the server's remaining time; re-synced from the server every 30 s.
const timeEl = document.getElementById('time-left');
let remaining = form.dataset.deadlineMs ? Number(form.dataset.deadlineMs) : null;
let base = performance.now();
function tick() {
  if (remaining === null) return;
  const left = Math.max(0, remaining - (performance.now() - base));
  const m = Math.floor(left / 60000), sec = Math.floor((left % 60000) / 1000);
  timeEl.textContent = `${m}:${String(sec).padStart(2, '0')}`;
  if (left <= 0) { closed = true; for (const k of slots.keys()) setState(k, 'closed'); }
}
if (remaining !== null) {
  setInterval(tick, 1000); tick();
  setInterval(async () => {
    try {
      const r = await fetch(`/api/v1/activity-quiz/attempts/${attemptId}`, { credentials: 'same-origin' });
      const j = await r.json();
      if (typeof j.remainingMs === 'number') { remaining = j.remainingMs; base = performance.now(); }
    } catch { /* offline: keep counting from the last server time */ }
  }, 30000);
}
