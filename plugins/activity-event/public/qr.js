// The organiser's QR screen: fetches the current check-in code a few times per period and swaps
// the SVG when the period changes, so the code on the screen is always the current one.
const box = document.getElementById('qr');
const status = document.getElementById('qr-status');
if (box) {
  const url = box.dataset.codeUrl;
  let period = Number(box.dataset.period);
  const seconds = Number(box.dataset.seconds) || 30;
  const tick = async () => {
    try {
      const res = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      if (!res.ok) throw new Error(String(res.status));
      const data = await res.json();
      if (data.period !== period) {
        period = data.period;
        box.innerHTML = data.svg; // our own server's SVG (qrcode), no user text
        box.dataset.period = String(period);
      }
      status.textContent = status.dataset.changes;
    } catch {
      status.textContent = status.dataset.stale;
    }
  };
  setInterval(tick, Math.max(2000, (seconds * 1000) / 6));
}
