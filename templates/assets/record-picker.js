/**
 * The record picker (core/record-picker partial): puts a search box before each
 * select[data-record-picker] that hides the options whose name does not contain what was typed
 * (any part, any case), and picks the first match when the current choice is hidden. Without this
 * module the select still works, finding options by their first letters.
 */
function setUp(select) {
  const search = document.createElement('input');
  search.type = 'search';
  search.className = select.classList.contains('form-select-sm') ? 'form-control form-control-sm mb-1' : 'form-control mb-1';
  search.setAttribute('aria-label', select.dataset.searchLabel || '');
  search.placeholder = select.dataset.searchPlaceholder || '';
  search.setAttribute('aria-controls', select.id);
  search.autocomplete = 'off';
  select.before(search);
  const options = [...select.options];
  search.addEventListener('input', () => {
    const q = search.value.trim().toLocaleLowerCase();
    let first;
    for (const o of options) {
      const show = !o.value || !q || o.text.toLocaleLowerCase().includes(q);
      o.hidden = !show;
      if (show && o.value && !first) first = o;
    }
    for (const g of select.querySelectorAll('optgroup')) g.hidden = ![...g.children].some((o) => !o.hidden);
    const current = select.selectedOptions[0];
    if (q && first && (!current || current.hidden || !current.value)) {
      select.value = first.value;
      select.dispatchEvent(new Event('change', { bubbles: true }));
    }
  });
}

for (const select of document.querySelectorAll('select[data-record-picker]')) if (!select.dataset.pickerReady) {
  select.dataset.pickerReady = '1';
  setUp(select);
}
