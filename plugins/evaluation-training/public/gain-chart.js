// Level 2: each learner's pre-test and post-test (percent) as bars (Chart.js from the app's own
// assets); the table below the chart holds the same figures for readers without a canvas.
const data = JSON.parse(document.getElementById('gain-chart-data').textContent);
const canvas = document.getElementById('gain-chart');
if (window.Chart && canvas && data.labels.length) {
  new window.Chart(canvas, {
    type: 'bar',
    data: { labels: data.labels, datasets: [{ label: data.preLabel, data: data.pre }, { label: data.postLabel, data: data.post }] },
    options: { responsive: true, animation: false, scales: { y: { min: 0, max: 100 } } },
  });
}
