// JP charts (Chart.js from the app's own assets, no CDN): one per <canvas data-jp-chart="id">, its
// data in <script type="application/json" id="id">. Each chart has a table with the same figures
// beside it for screen readers and for browsers without JavaScript.
for (const canvas of document.querySelectorAll('canvas[data-jp-chart]')) {
  const source = document.getElementById(canvas.dataset.jpChart);
  if (!window.Chart || !source) continue;
  const d = JSON.parse(source.textContent);
  if (!d.labels.length) continue;
  const horizontal = d.type === 'bar';
  // A horizontal bar chart is as tall as its bars (one unit must not fill the screen).
  if (horizontal) canvas.parentElement.style.height = `${Math.max(120, 36 * d.labels.length + 70)}px`;
  new window.Chart(canvas, {
    type: d.type,
    data: { labels: d.labels, datasets: [{ label: d.label, data: d.values, backgroundColor: d.type === 'bar' ? '#0d6efd' : ['#0d6efd', '#198754', '#fd7e14', '#6f42c1', '#d63384', '#20c997', '#ffc107', '#0dcaf0', '#6c757d', '#dc3545'] }] },
    options: {
      responsive: true, maintainAspectRatio: !horizontal, animation: false, indexAxis: horizontal ? 'y' : 'x',
      plugins: { legend: { display: !horizontal, position: 'bottom' } },
      scales: horizontal ? { x: { min: 0, max: d.max ?? undefined, title: { display: true, text: d.label } } } : {},
    },
  });
  canvas.dataset.jpChartDrawn = 'true';
}
