// Competency pages: the radar of current against required levels, the heat map's gap counts
// (Chart.js from the app's own assets; each chart has a table beside it for screen readers),
// and the CSV import forms' file choosers (the forms work without this, by pasting).
const read = (id) => {
  const el = document.getElementById(id);
  return el ? JSON.parse(el.textContent) : null;
};
const radar = document.getElementById('competency-radar');
const radarData = read('competency-radar-data');
if (window.Chart && radar && radarData && radarData.labels.length) {
  const s = read('competency-radar-strings');
  new window.Chart(radar, {
    type: 'radar',
    data: { labels: radarData.labels, datasets: [{ label: s.required, data: radarData.required, fill: false }, { label: s.current, data: radarData.current, fill: true }] },
    options: { responsive: true, animation: false, scales: { r: { min: 0, max: 5, ticks: { stepSize: 1 } } } },
  });
}
const gap = document.getElementById('competency-gap-chart');
const gapData = read('competency-gap-data');
if (window.Chart && gap && gapData && gapData.labels.length) {
  const s = read('competency-gap-strings');
  new window.Chart(gap, {
    type: 'bar',
    data: { labels: gapData.labels, datasets: [{ label: s.withGap, data: gapData.withGap }] },
    options: { responsive: true, animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
}
for (const form of document.querySelectorAll('form[data-csv-import]')) {
  const input = form.querySelector('input[type=file][data-fill]');
  const area = form.querySelector('textarea[name=csv]');
  if (!input || !area || input.dataset.ready) continue;
  input.dataset.ready = '1';
  input.classList.remove('d-none');
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => { area.value = String(reader.result ?? '').replace(/^\uFEFF/, ''); };
    reader.readAsText(file, 'UTF-8');
  });
}
