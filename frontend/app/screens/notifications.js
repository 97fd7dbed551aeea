// The signed-in user's notifications: what happened to the action items
// they own or created, newest first, each with its item to act on.
import { html, useState, useEffect } from '../../vendor/htm-preact-standalone-3.1.1.js';
import { api } from '../api.js';
import { when, label } from '../format.js';
import { usePaged, More, FieldError } from '../components.js';
import { Item } from '../items.js';

// what says what a notification tells of, in a few words.
function what(n) {
  switch (n.kind) {
    case 'assigned': return 'Assigned to you or your organisation';
    case 'status_changed': return `Status changed from ${label(n.status_from)} to ${label(n.status_to)}`;
    case 'update_added': return 'New update';
    case 'due_soon': return 'Due soon';
    case 'overdue': return 'Now overdue';
    default: return n.kind;
  }
}

// Reminders is the user's choice of e-mail digests.
function Reminders() {
  const [r, setR] = useState(null);
  const [etag, setEtag] = useState(null);
  const [msg, setMsg] = useState(null);
  const [errors, setErrors] = useState({});
  const load = () => api('GET', '/me/reminders').then((x) => { setR(x.data); setEtag(x.etag); }, (x) => setMsg(x.message));
  useEffect(() => { load(); }, []);
  const save = async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      const x = await api('PATCH', '/me/reminders', { frequency: f.get('frequency'), hour: Number(f.get('hour')), timezone: f.get('timezone') }, { ifMatch: etag });
      setR(x.data); setEtag(x.etag); setErrors({}); setMsg('Saved.');
    } catch (x) {
      if (x.status === 412) { setMsg('Changed elsewhere meanwhile; reloaded.'); load(); } else { setErrors(x.fieldErrors || {}); setMsg(x.message); }
    }
  };
  if (!r) return msg ? html`<p class="error">${msg}</p>` : null;
  const zones = (Intl.supportedValuesOf && Intl.supportedValuesOf('timeZone')) || [];
  return html`<section aria-labelledby="reminders-h"><h2 id="reminders-h">E-mail reminders</h2>
    ${!r.email_configured && html`<p class="note" role="status">This server sends no e-mail (no SMTP server is configured), so reminders are off whatever you choose here.</p>`}
    <p class="meta">A digest of your action items that are overdue or due within seven days; coordinators also get a weekly digest of overdue items by organisation. Nothing is sent when there is nothing to tell.</p>
    <form onSubmit=${save} class="filters" key=${etag}>
      <label>Send <select name="frequency" value=${r.frequency}><option value="daily">daily</option><option value="weekly">weekly, on Monday</option><option value="off">never</option></select></label>
      <label>At <select name="hour" value=${String(r.hour)}>${Array.from({ length: 24 }, (_, h) => html`<option value=${String(h)}>${String(h).padStart(2, '0')}:00</option>`)}</select></label>
      <label>Time zone <input name="timezone" list="zones" value=${r.timezone} required /><datalist id="zones">${zones.map((z) => html`<option value=${z} />`)}</datalist>
        <${FieldError} errors=${errors} name="timezone" /></label>
      <button type="submit">Save</button>
    </form>
    ${msg && html`<p class="note" role="status">${msg}</p>`}
  </section>`;
}

export function Notifications({ me, onRead }) {
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [msg, setMsg] = useState(null);
  const paged = usePaged('/me/notifications' + (unreadOnly ? '?unread=true' : ''), [unreadOnly], 20);
  const staff = me.user.role === 'admin' || me.user.role === 'coordinator';
  const read = async (n) => {
    await api('POST', `/me/notifications/${n.id}/read`).catch((x) => setMsg(x.message));
    paged.reload(); onRead();
  };
  const readAll = async () => {
    const r = await api('POST', '/me/notifications/read-all').catch((x) => { setMsg(x.message); return null; });
    if (r) setMsg(`Marked ${r.data.marked} read.`);
    paged.reload(); onRead();
  };
  return html`<main><h1>Notifications</h1>
    <p class="meta">Items assigned to you or your organisation, status changes and updates on items you own or created, and items due in the next three days or newly overdue.</p>
    <p><label><input type="checkbox" checked=${unreadOnly} onChange=${(e) => setUnreadOnly(e.target.checked)} /> Unread only</label>
      ${' '}<button type="button" class="secondary" onClick=${readAll}>Mark all read</button></p>
    ${msg && html`<p class="note" role="status">${msg}</p>`}
    ${paged.error && html`<p class="error" role="alert">${paged.error.message}</p>`}
    ${paged.rows === null && !paged.error ? html`<p class="loading">Loading…</p>`
      : paged.rows && (paged.rows.length === 0 ? html`<p class="empty">No notifications.</p>`
      : html`<ul class="notifications">${paged.rows.map((n) => html`<li key=${n.id} class=${n.read_at ? 'read' : 'unread'}>
          <p><strong>${what(n)}</strong> · <span class="meta">${when(n.created_at)}</span>
            ${n.read_at ? html` · <span class="meta">read</span>` : html` <button type="button" class="secondary" onClick=${() => read(n)}>Mark read</button>`}
            ${n.action_item.meeting_id && html` · <a href=${'/meetings/' + n.action_item.meeting_id}>Open its meeting</a>`}</p>
          <ul class="items"><${Item} key=${n.action_item.id + n.action_item.version} item=${n.action_item} staff=${staff} onChange=${paged.reload} /></ul>
        </li>`)}</ul>`)}
    <${More} paged=${paged} what="notifications" />
    <${Reminders} />
  </main>`;
}
