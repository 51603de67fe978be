/**
 * The person picker (core/person-picker partial): as one types two or more characters, the matches
 * from GET /api/v1/users (NIP, e-mail or name) fill the field's <datalist>, each shown with its
 * name and unit; choosing one puts its NIP (or a staff member's e-mail) in the field. `data-source`
 * names another search of the same kind (GET <source>?q= answering { people }). Without this
 * module the field still takes a typed NIP or e-mail. Reusable: any input with data-person-picker.
 */
const LIMIT = 8;

function setUp(input) {
  const list = document.getElementById(input.getAttribute('list'));
  let timer;
  let last = '';
  async function search() {
    const q = input.value.trim();
    if (q.length < 2 || q === last) return;
    last = q;
    try {
      // data-source: another search (GET <source>?q=) answering { people: [{ name, nip }] }.
      const source = input.dataset.source;
      const url = source ? `${source}?${new URLSearchParams({ q })}` : `/api/v1/users?${new URLSearchParams({ q, limit: String(LIMIT), active: 'true' })}`;
      const res = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      if (!res.ok) return;
      const body = await res.json();
      list.replaceChildren(...(body.users ?? body.people ?? []).slice(0, LIMIT).map((u) => {
        const o = document.createElement('option');
        o.value = u.nip ?? u.email ?? u.username;
        o.label = u.displayName ?? u.name;
        o.textContent = u.displayName ?? u.name;
        return o;
      }));
    } catch {
      /* suggestions are a help; typing the NIP still works */
    }
  }
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void search(), 200);
  });
}

for (const input of document.querySelectorAll('input[data-person-picker]')) if (!input.dataset.pickerReady) {
  input.dataset.pickerReady = '1';
  setUp(input);
}
