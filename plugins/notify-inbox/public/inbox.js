// Live inbox: new notices (delivered by any process through Redis) are added at the top without a
// reload; the unread count in the page and in the navigation bar follows. The page works without
// this script: it only adds what a reload would show.
const list = document.getElementById('inbox');
const live = document.getElementById('inbox-live');
const counter = document.getElementById('inbox-unread');
const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? '';
let unread = list.querySelectorAll('[data-notice].list-group-item-warning').length;

function showCount() {
  counter.textContent = counter.dataset.template.replace('#', String(unread));
  const badge = document.querySelector('[data-nav-badge="notify-inbox"]');
  if (badge) badge.firstChild.textContent = unread > 99 ? '99+' : String(unread);
}

function item(n) {
  const li = document.createElement('li');
  li.className = 'list-group-item d-flex flex-wrap align-items-center gap-2 list-group-item-warning';
  li.dataset.notice = n.id;
  const text = document.createElement('div');
  text.className = 'me-auto';
  const tag = document.createElement('span');
  tag.className = 'badge text-bg-warning me-1';
  tag.textContent = live.dataset.unread;
  const msg = document.createElement('span');
  msg.dataset.testid = 'notice-message';
  msg.textContent = n.message;
  const when = document.createElement('div');
  when.className = 'small text-muted';
  when.textContent = new Date(n.createdAt).toLocaleString(document.documentElement.lang === 'en' ? 'en-GB' : 'id-ID');
  text.append(tag, msg, when);
  const form = document.createElement('form');
  form.method = 'post';
  form.action = `/notify-inbox/notices/${encodeURIComponent(n.id)}/open`;
  const token = document.createElement('input');
  Object.assign(token, { type: 'hidden', name: '_csrf', value: csrf });
  const open = document.createElement('button');
  Object.assign(open, { type: 'submit', className: 'btn btn-sm btn-primary', textContent: live.dataset.open });
  form.append(token, open);
  li.append(text, form);
  return li;
}

const source = new EventSource(list.dataset.streamUrl);
source.addEventListener('notice', (e) => {
  const n = JSON.parse(e.data);
  list.querySelector(`[data-notice="${CSS.escape(n.id)}"]`)?.remove();
  list.querySelector('[data-empty]')?.remove();
  list.prepend(item(n));
  unread = list.querySelectorAll('[data-notice].list-group-item-warning').length;
  showCount();
  live.textContent = `${live.dataset.new}: ${n.message}`;
});
source.addEventListener('read', (e) => {
  const m = JSON.parse(e.data);
  const rows = m.all ? list.querySelectorAll('[data-notice]') : list.querySelectorAll(`[data-notice="${CSS.escape(m.id ?? '')}"]`);
  for (const li of rows) {
    li.classList.remove('list-group-item-warning');
    li.querySelector('.badge')?.remove();
  }
  unread = list.querySelectorAll('[data-notice].list-group-item-warning').length;
  showCount();
});
