// The template editor's live preview: after a change (debounced), the form is posted again into
// the preview frame with the "Pratinjau" button, exactly as a press of that button would. A chosen
// logo file is read into the hidden `logoData` field (base64). Without JavaScript the button
// still previews and the JSON form still takes a logo.
const form = document.getElementById('template-form');
const button = document.getElementById('preview-button');
const state = document.getElementById('preview-state');
const frame = document.getElementById('template-preview');
const strings = JSON.parse(document.getElementById('editor-strings')?.textContent ?? '{}');
const MAX_LOGO = 256 * 1024;

let timer;
function refresh() {
  clearTimeout(timer);
  timer = setTimeout(() => {
    if (state) state.textContent = strings.updating ?? '';
    form.requestSubmit(button);
  }, 700);
}

if (form && button) {
  form.addEventListener('input', (e) => {
    if (e.target?.type !== 'file') refresh();
  });
  form.addEventListener('change', (e) => {
    if (e.target?.type !== 'file' && e.target?.tagName === 'SELECT') refresh();
  });
  frame?.addEventListener('load', () => {
    if (state && frame.src !== 'about:blank') state.textContent = strings.updated ?? '';
  });

  const picker = document.getElementById('logo-picker');
  const file = document.getElementById('logo-file');
  const data = document.getElementById('logoData');
  picker?.classList.remove('d-none');
  file?.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    if (chosen.size > MAX_LOGO) {
      file.setCustomValidity(strings.logoTooLarge ?? '');
      file.reportValidity();
      return;
    }
    file.setCustomValidity('');
    const reader = new FileReader();
    reader.onload = () => {
      data.value = String(reader.result).replace(/^data:[^,]*,/, '');
      refresh();
    };
    reader.readAsDataURL(chosen);
  });

  // The first preview, of the template as it is.
  form.requestSubmit(button);
}
