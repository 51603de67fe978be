// The IKM across periods as a line chart (Chart.js from the app's own assets); the table below
// the chart holds the same figures for readers without a canvas.
const data = JSON.parse(document.getElementById('skm-chart-data').textContent);
const canvas = document.getElementById('skm-chart');
if (window.Chart && canvas && data.labels.length) {
  new window.Chart(canvas, {
    type: 'line',
    data: { labels: data.labels, datasets: [{ label: data.label, data: data.values, tension: 0 }] },
    options: { responsive: true, animation: false, scales: { y: { suggestedMin: 25, suggestedMax: 100 } } },
  });
}
