// Facility and discrimination index per slot as a bar chart (Chart.js from the app's own assets).
const data = JSON.parse(document.getElementById('ia-chart-data').textContent);
const canvas = document.getElementById('ia-chart');
const strings = JSON.parse(document.getElementById('ia-strings').textContent);
if (window.Chart && canvas && data.labels.length) {
  new window.Chart(canvas, {
    type: 'bar',
    data: { labels: data.labels, datasets: [{ label: strings.facility, data: data.facility }, { label: strings.discrimination, data: data.discrimination }] },
    options: { responsive: true, animation: false, scales: { y: { suggestedMin: -20, suggestedMax: 100, title: { display: true, text: '%' } } } },
  });
}
