// Live progress of a bulk issue: polls the API once a second until the job is done. Without
// JavaScript the page still shows the state at load time (and a reload shows the latest).
const root = document.getElementById('bulk');
const strings = JSON.parse(document.getElementById('bulk-strings')?.textContent ?? '{}');
const bar = document.getElementById('bulk-bar');
const text = document.getElementById('bulk-text');
const done = document.getElementById('bulk-done');

function fill(template, values) {
  return String(template ?? '').replace(/\[(\w+)\]/g, (_m, k) => String(values[k] ?? ''));
}

// Widths are set from script (CSSOM), not a style attribute: the CSP allows no inline styles.
if (bar) bar.firstElementChild.style.width = `${bar.firstElementChild.dataset.percent ?? 0}%`;

async function poll() {
  try {
    const res = await fetch(`/api/v1/certificate-openbadges/bulk/${root.dataset.bulkId}`, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    if (res.ok) {
      const { bulk } = await res.json();
      bar.setAttribute('aria-valuenow', String(bulk.percent));
      bar.firstElementChild.style.width = `${bulk.percent}%`;
      text.textContent = fill(strings.counts, bulk);
      if (bulk.state === 'done') {
        done.classList.remove('d-none');
        return;
      }
      // Failed on every retry: the page itself says why and offers a retry.
      if (bulk.state === 'failed') {
        window.location.reload();
        return;
      }
    }
  } catch {
    // A dropped connection is retried on the next tick.
  }
  setTimeout(poll, 1000);
}

if (root && root.dataset.state !== 'done' && root.dataset.state !== 'failed') setTimeout(poll, 500);
