/**
 * The import page's small module (progressive enhancement: the page works without it, by pasting).
 * On the import page it reads a chosen file with FileReader, asks the API for a dry-run preview and
 * shows the preview table; "Store" posts the same text with one import id (so a double click or a
 * retry stores nothing twice), follows a big import's job with a <progress> bar and shows the
 * final report. On the report page it follows a running import and reloads once it is done.
 * Everything user-supplied is inserted as text, never as HTML.
 */
const strings = JSON.parse(document.getElementById('bank-import-strings')?.textContent || '{}');
const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
const POLL_MS = 500;

/** `{n}`-style placeholders, filled in. */
const fill = (template, args) => String(template ?? '').replace(/\{(\w+)\}/g, (_, k) => String(args[k] ?? ''));

/** A DOM element: attributes (class, data-*, aria-*…) and children (nodes or text). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : String(v));
  for (const c of children.flat()) if (c !== undefined && c !== null) node.append(c instanceof Node ? c : String(c));
  return node;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A file's category path as it will be stored (`$course$/top/TWK` → `TWK`), as the server shows it. */
const categoryLabel = (path) => String(path ?? '').split('/').map((p) => p.trim()).filter((p) => p && p !== '$course$' && p !== '$system$' && p !== 'top').join('/');

/** An RFC 4122 v4 id; crypto.randomUUID exists only on HTTPS or localhost, and intranets run plain HTTP. */
function uuid() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function readFile(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ''));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsText(file, 'UTF-8');
  });
}

async function api(method, url, body) {
  try {
    const res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json', 'x-csrf-token': csrf } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json().catch(() => ({}));
    if (res.ok) return { ok: true, status: res.status, body: json };
    const details = Array.isArray(json?.error?.details) ? json.error.details.map((d) => `${d.path ? `${d.path}: ` : ''}${d.message}`).join('; ') : '';
    return { ok: false, status: res.status, message: [json?.error?.message ?? `HTTP ${res.status}`, details].filter(Boolean).join(' — ') };
  } catch (e) {
    return { ok: false, status: 0, message: e instanceof Error ? e.message : String(e) };
  }
}

function problemList(problems) {
  if (!problems?.length) return null;
  return el('div', { class: 'alert alert-warning', role: 'alert' },
    el('h3', { class: 'h6' }, strings.fileProblems),
    el('ul', { class: 'mb-0' }, problems.map((p) => el('li', {}, el('strong', {}, `${strings.line} ${p.line}`), `: ${p.localizedMessage ?? p.message}`))));
}

function card(title, testid, ...body) {
  const heading = el('h2', { class: 'h5 mb-0', tabindex: '-1' }, title);
  const section = el('section', { class: 'card mb-4', 'data-testid': testid },
    el('div', { class: 'card-header' }, heading),
    el('div', { class: 'card-body' }, ...body));
  return { section, heading };
}

function setUpImport(form) {
  const bankId = form.dataset.bankId;
  const fileInput = form.querySelector('#import-file');
  const formatSel = form.querySelector('#import-format');
  const catSel = form.querySelector('#import-category');
  const textArea = form.querySelector('#import-text');
  const result = document.getElementById('import-result');
  for (const x of form.querySelectorAll('.bank-js-only')) x.classList.remove('d-none');
  let fileText = null;
  let busy = false;

  const show = (node, focus) => {
    result.replaceChildren(node);
    focus?.focus();
  };
  const status = (text) => show(el('div', { class: 'alert alert-info', role: 'status' }, el('span', { class: 'spinner-border spinner-border-sm me-2', 'aria-hidden': 'true' }), text));
  const error = (text) => show(el('div', { class: 'alert alert-danger', role: 'alert', 'data-testid': 'import-error' }, text));

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    fileText = null;
    if (!file) return;
    // Switch format only when the chosen one does not read this extension (.txt is both GIFT and Aiken).
    const ext = (file.name.split('.').pop() ?? '').toLowerCase();
    const reads = (o) => (o.dataset.extensions ?? '').split(',').map((x) => x.trim().replace(/^\./, '').toLowerCase()).includes(ext);
    if (!reads(formatSel.selectedOptions[0])) {
      const match = [...formatSel.options].find(reads);
      if (match) formatSel.value = match.value;
    }
    status(strings.reading);
    try {
      fileText = await readFile(file);
    } catch (e) {
      error(`${strings.failed} ${e instanceof Error ? e.message : ''}`);
      return;
    }
    await preview();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void preview();
  });

  async function preview() {
    if (busy) return;
    const text = fileText ?? textArea.value;
    if (!text.trim()) return error(strings.noText);
    const request = { format: formatSel.value, text, ...(catSel.value ? { categoryId: catSel.value } : {}) };
    busy = true;
    status(strings.checking);
    const r = await api('POST', `/api/v1/banks/${bankId}/imports`, { ...request, dry_run: true });
    busy = false;
    if (!r.ok) return error(`${strings.failed} ${r.message}`);
    renderPreview(r.body, request);
  }

  function renderPreview(p, request) {
    const importId = uuid();
    const rows = p.entries.map((e) => el('tr', { class: e.status === 'ok' ? undefined : 'table-danger', 'data-status': e.status },
      el('td', {}, e.line),
      el('td', {}, e.type ? (strings.typeNames?.[e.type] ?? e.type) : e.neutralType),
      el('td', {}, e.name),
      el('td', { class: 'small' }, categoryLabel(e.category)),
      el('td', {}, el('span', { class: `badge ${e.status === 'ok' ? 'text-bg-success' : 'text-bg-danger'}` }, e.status === 'ok' ? strings.ok : strings.rejected)),
      el('td', { class: 'small' }, (e.localizedReasons ?? e.reasons).map((x) => el('div', {}, x)))));
    const head = el('thead', { class: 'table-light' }, el('tr', {}, [strings.line, strings.type, strings.name, strings.category, strings.status, strings.reasons].map((h) => el('th', { scope: 'col' }, h))));
    const table = el('div', { class: 'table-responsive' }, el('table', { class: 'table table-sm align-middle bank-import-table' }, el('caption', { class: 'visually-hidden' }, strings.previewTitle), head, el('tbody', {}, rows)));
    const confirm = p.valid > 0 ? el('button', { class: 'btn btn-success', type: 'button', 'data-testid': 'confirm-import' }, el('i', { class: 'bi bi-check2-all', 'aria-hidden': 'true' }), ' ', fill(strings.confirm, { n: p.valid })) : null;
    const footer = confirm
      ? el('div', {}, confirm, p.rejected ? el('span', { class: 'small text-body-secondary ms-2' }, fill(strings.notStored, { n: p.rejected })) : null)
      : el('p', { class: 'text-danger mb-0' }, strings.nothingValid);
    const summary = el('p', { class: 'mb-3', 'data-testid': 'import-summary' }, fill(strings.summary, { n: p.questionCount, valid: p.valid, rejected: p.rejected }));
    const { section, heading } = card(strings.previewTitle, 'import-preview', summary, problemList(p.problems), table, footer);
    show(section, heading);
    confirm?.addEventListener('click', async () => {
      if (confirm.disabled) return;
      confirm.disabled = true;
      const bar = el('progress', { class: 'bank-progress', max: '100', value: '0', 'aria-label': strings.progress });
      const note = el('p', { class: 'small text-body-secondary mt-2 mb-0', role: 'status' }, strings.storing);
      footer.after(el('div', { class: 'mt-3' }, bar, note));
      const r = await api('POST', `/api/v1/banks/${bankId}/imports`, { ...request, importId });
      if (!r.ok) {
        confirm.disabled = false;
        note.textContent = `${strings.failed} ${r.message}`;
        return;
      }
      let imp = r.body.import;
      while (imp.state === 'queued' || imp.state === 'running') {
        bar.value = imp.progress ?? 0;
        note.textContent = `${strings.progress}: ${imp.progress ?? 0} %`;
        await sleep(POLL_MS);
        const s = await api('GET', `/api/v1/imports/${importId}`);
        if (s.ok) imp = s.body.import;
      }
      renderReport(imp);
    });
  }

  function renderReport(imp) {
    if (imp.state === 'failed') return error(`${strings.failed} ${imp.error ?? ''}`);
    const rejected = imp.rejected?.length
      ? [el('h3', { class: 'h6' }, strings.rejectedTitle),
          el('table', { class: 'table table-sm align-middle' }, el('caption', { class: 'visually-hidden' }, strings.rejectedTitle),
            el('thead', { class: 'table-light' }, el('tr', {}, el('th', { scope: 'col' }, strings.line), el('th', { scope: 'col' }, strings.reasons))),
            el('tbody', {}, imp.rejected.map((x) => el('tr', {}, el('td', {}, x.line), el('td', { class: 'small' }, (x.localizedReasons ?? x.reasons).map((m) => el('div', {}, m)))))))]
      : [];
    const lead = el('p', { class: 'fs-5 mb-3', role: 'status' }, el('i', { class: 'bi bi-check-circle text-success', 'aria-hidden': 'true' }), ' ', el('strong', { 'data-testid': 'stored-count' }, imp.stored), ' ', strings.stored,
      imp.rejected?.length ? el('span', { class: 'text-danger' }, ` · ${imp.rejected.length} ${strings.rejectedLabel}`) : null);
    const back = el('a', { class: 'btn btn-primary', href: `/banks/${bankId}` }, strings.backToBank);
    const { section, heading } = card(strings.reportTitle, 'import-report', lead, problemList(imp.problems), ...rejected, back);
    fileText = null;
    fileInput.value = '';
    show(section, heading);
  }
}

/** The report page of a running import: move the bar, reload when the job is done. */
async function followReport(node) {
  const id = node.dataset.importPoll;
  const bar = node.querySelector('progress');
  for (;;) {
    await sleep(POLL_MS);
    const r = await api('GET', `/api/v1/imports/${id}`);
    if (!r.ok) continue;
    if (bar) bar.value = r.body.import.progress ?? 0;
    if (r.body.import.state === 'done' || r.body.import.state === 'failed') return window.location.reload();
  }
}

const form = document.getElementById('import-form');
if (form) setUpImport(form);
const running = document.querySelector('[data-import-poll]');
if (running) void followReport(running);
