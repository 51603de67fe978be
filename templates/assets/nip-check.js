/**
 * Checks a NIP or PPPK number as it is typed (progressive enhancement: the server checks again on
 * save). Asks GET /api/v1/people/nip-check once the field holds 18 digits (or on leaving it), and
 * says under the field what the number is (PNS or PPPK, birth date, sex), the reason it is wrong,
 * or that someone already has it. Text only, never HTML.
 */
const strings = JSON.parse(document.getElementById('nip-check-strings')?.textContent || '{}');
const fill = (template, args) => String(template ?? '').replace(/\{(\w+)\}/g, (_, k) => String(args[k] ?? ''));

function setUp(input) {
  const live = document.getElementById('nip-live');
  let timer;
  // After a refused save the server's reason already sits under the field: do not say it twice
  // for the same number; once the number is edited, the server's reason no longer applies.
  const serverError = document.getElementById('nip-error');
  let asked = serverError ? input.value.replace(/\s+/g, '') : '';
  const say = (text, ok) => {
    live.textContent = text;
    live.className = `small ${ok === true ? 'text-success' : ok === false ? 'text-danger' : 'text-body-secondary'}`;
    input.classList.toggle('is-valid', ok === true);
    input.classList.toggle('is-invalid', ok === false);
    if (ok === false) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  async function check(force) {
    const nip = input.value.replace(/\s+/g, '');
    if (!nip) return say('', null);
    if (!force && nip.length < 18) return say('', null);
    if (nip === asked) return;
    asked = nip;
    say(strings.checking, null);
    try {
      const res = await fetch(`/api/v1/people/nip-check?nip=${encodeURIComponent(nip)}`, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      const body = await res.json();
      if (nip !== input.value.replace(/\s+/g, '')) return;
      if (!res.ok) return say(strings.failed, null);
      if (!body.ok) return say(body.localizedReason ?? body.reason, false);
      if (body.taken) return say(strings.taken, false);
      say(fill(body.kind === 'pppk' ? strings.pppk : strings.pns, { birthDate: body.birthDate, sex: body.sex === 'male' ? strings.male : strings.female }), true);
    } catch {
      say(strings.failed, null);
    }
  }
  input.addEventListener('input', () => {
    if (serverError) serverError.hidden = true;
    clearTimeout(timer);
    timer = setTimeout(() => void check(false), 250);
  });
  input.addEventListener('blur', () => void check(true));
  if (input.value && !serverError) void check(true);
}

for (const input of document.querySelectorAll('input[data-nip-check]')) setUp(input);
