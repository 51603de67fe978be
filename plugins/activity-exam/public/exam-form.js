// Live pool size of each section row of the exam form: asks the pool route as the author
// chooses a bank or category, a tag, a competency or a level. The form works without this.
const form = document.querySelector('[data-exam-form]');
const strings = JSON.parse(document.getElementById('exam-form-strings')?.textContent ?? '{}');
if (form) {
  const courseId = form.dataset.courseId;
  const timers = new Map();
  const update = async (row) => {
    const out = row.querySelector('[data-pool-count]');
    const field = (name) => row.querySelector(`[data-pool="${name}"]`)?.value ?? '';
    const q = new URLSearchParams({ courseId, source: field('source'), tag: field('tag').trim(), competency: field('competency'), level: field('level') });
    try {
      const res = await fetch(`/api/v1/activity-exam/pool?${q}`, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      if (!res.ok) { out.textContent = ''; return; }
      const { available } = await res.json();
      const need = Number(row.querySelector('[name$="_count"]')?.value || 0);
      out.textContent = (available > 0 ? strings.available : strings.none).replace('#', String(available));
      out.classList.toggle('text-danger', need > available);
      out.classList.toggle('text-muted', !(need > available));
      out.dataset.available = String(available);
    } catch {
      out.textContent = '';
    }
  };
  for (const row of form.querySelectorAll('[data-section-row]')) {
    const schedule = () => { clearTimeout(timers.get(row)); timers.set(row, setTimeout(() => update(row), 250)); };
    row.addEventListener('input', schedule);
    row.addEventListener('change', schedule);
    if (row.querySelector('[name$="_key"]')?.value) update(row);
  }
}
