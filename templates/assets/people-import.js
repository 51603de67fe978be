/** The people import page: a chosen CSV file is read into its text area (the page works without this, by pasting). */
for (const input of document.querySelectorAll('#people-import-form input[type=file][data-fill]')) {
  input.classList.remove('d-none');
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      document.getElementById(input.dataset.fill).value = String(reader.result ?? '').replace(/^\uFEFF/, '');
    };
    reader.readAsText(file, 'UTF-8');
  });
}
