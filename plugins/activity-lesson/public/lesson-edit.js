/**
 * The lesson editor's file uploader: sends the chosen file to the API as the request body, then
 * puts its Markdown (an inline image, a video player or a link to the PDF) where the cursor is in
 * the lesson text, and adds it to the file list. "Insert" buttons put an earlier file's Markdown
 * in again. The lesson itself is stored by the Save button, as before. Text is inserted as text.
 */
const box = document.querySelector('[data-lesson-upload]');
const input = document.getElementById('lesson-file');
const button = document.getElementById('lesson-file-upload');
const status = document.getElementById('lesson-file-status');
const list = document.getElementById('lesson-files');
const textarea = document.getElementById('markdown');
const strings = JSON.parse(document.getElementById('lesson-edit-strings')?.textContent || '{}');
const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';

function insertAtCursor(text) {
  const start = textarea.selectionStart ?? textarea.value.length;
  const end = textarea.selectionEnd ?? start;
  const before = textarea.value.slice(0, start);
  const pad = before && !before.endsWith('\n') ? '\n\n' : '';
  textarea.setRangeText(`${pad}${text}\n`, start, end, 'end');
  textarea.focus();
}

function say(text, kind) {
  status.className = `alert alert-${kind} py-2`;
  status.textContent = text;
}

function addToList(file) {
  list.querySelector('[data-empty]')?.remove();
  const li = document.createElement('li');
  li.className = 'list-group-item d-flex flex-wrap gap-2 align-items-center';
  li.dataset.fileId = file.id;
  const link = document.createElement('a');
  link.href = file.url;
  link.target = '_blank';
  link.rel = 'noopener';
  link.textContent = file.name;
  const code = document.createElement('code');
  code.className = 'small text-break flex-grow-1';
  code.textContent = file.markdown;
  const again = document.createElement('button');
  again.type = 'button';
  again.className = 'btn btn-sm btn-outline-secondary';
  again.dataset.insert = file.markdown;
  again.textContent = strings.insert;
  li.append(link, code, again);
  list.append(li);
}

if (box && input && button && textarea) {
  input.addEventListener('change', () => {
    button.disabled = !input.files?.length;
  });
  button.addEventListener('click', async () => {
    const file = input.files?.[0];
    if (!file) return;
    button.disabled = true;
    say(strings.uploading, 'info');
    try {
      const res = await fetch(`${box.dataset.lessonUpload}?name=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        headers: { 'content-type': file.type || 'application/octet-stream', 'x-csrf-token': csrf, accept: 'application/json' },
        body: file,
      });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error(body?.error?.message || `${res.status}`);
      insertAtCursor(body.file.markdown);
      addToList(body.file);
      input.value = '';
      say(strings.uploaded, 'success');
    } catch (e) {
      say(`${strings.failed} ${e.message}`, 'danger');
      button.disabled = false;
    }
  });
  list?.addEventListener('click', (e) => {
    const b = e.target.closest('[data-insert]');
    if (b) insertAtCursor(b.dataset.insert);
  });
}
