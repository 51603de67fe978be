// Uploads the actualisation plan or report (a PDF) as the request body, then reloads the page.
const box = document.querySelector('[data-latsar-upload]');
if (box) {
  const input = document.getElementById('latsar-file');
  const button = document.getElementById('latsar-upload');
  const status = document.getElementById('latsar-upload-status');
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
  button.addEventListener('click', async () => {
    const file = input.files?.[0];
    if (!file) return input.focus();
    button.disabled = true;
    status.textContent = status.dataset.uploading;
    try {
      const res = await fetch(`${box.dataset.latsarUpload}?name=${encodeURIComponent(file.name)}`, { method: 'PUT', body: file, headers: { 'content-type': 'application/pdf', 'x-csrf-token': csrf, accept: 'application/json' }, credentials: 'same-origin' });
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        throw new Error(body?.error?.message ?? String(res.status));
      }
      location.reload();
    } catch (e) {
      status.textContent = `${status.dataset.failed} ${e.message}`;
      button.disabled = false;
    }
  });
}
