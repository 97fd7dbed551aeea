// The signed-in user's API tokens.
import { html, useState } from '../../vendor/htm-preact-standalone-3.1.1.js';
import { api } from '../api.js';
import { FieldError, usePaged, More } from '../components.js';

export function Tokens() {
  const paged = usePaged('/me/tokens', [], 100);
  const list = paged.rows;
  const load = paged.reload;
  const [secret, setSecret] = useState(null);
  const [errors, setErrors] = useState({});
  const create = async (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    try {
      const r = await api('POST', '/me/tokens', { name: f.name, scope: f.scope, expires_in_days: f.days ? Number(f.days) : undefined });
      setSecret(r.data.token); setErrors({}); e.target.reset(); load();
    } catch (x) { setErrors(x.fieldErrors || {}); }
  };
  const revoke = async (id) => { await api('DELETE', '/me/tokens/' + id); load(); };
  const [feed, setFeed] = useState(null);
  const subscribe = async () => {
    const r = await api('POST', '/me/tokens', { name: 'Calendar feed', scope: 'calendar' });
    setFeed(location.origin + '/api/v1/calendar/' + r.data.token + '.ics'); load();
  };
  return html`<main><h1>API tokens</h1>
    <section aria-labelledby="calendar-h"><h2 id="calendar-h">Your calendar</h2>
      <p>Your meetings and the due dates of the action items you or your organisation own, in any calendar app. The address is a secret: anyone who has it reads your calendar, until you revoke it below.</p>
      ${feed ? html`<div class="secret" role="status"><p>Copy this address into your calendar app now: it will not be shown again.</p>
        <code data-testid="feed">${feed}</code> <button type="button" onClick=${() => navigator.clipboard && navigator.clipboard.writeText(feed)}>Copy</button>
        <a class="button secondary" href=${feed.replace(/^https?:/, 'webcal:')}>Open in calendar app</a></div>`
        : html`<button type="button" onClick=${subscribe}>Subscribe in your calendar</button>`}
    </section>
    <h2>Tokens</h2>
    ${secret && html`<div class="secret" role="status"><p>Copy this token now: it will not be shown again.</p>
      <code data-testid="secret">${secret}</code> <button type="button" onClick=${() => navigator.clipboard && navigator.clipboard.writeText(secret)}>Copy</button></div>`}
    <form onSubmit=${create} class="filters">
      <label>Name <input name="name" required /><${FieldError} errors=${errors} name="name" /></label>
      <label>Scope <select name="scope"><option value="read">read</option><option value="write">write</option><option value="calendar">calendar feed only</option></select></label>
      <label>Expires in days <input name="days" type="number" min="1" max="3650" /></label>
      <button type="submit">Create a token</button>
    </form>
    ${list === null ? html`<p class="loading">Loading…</p>` : list.length === 0 ? html`<p class="empty">No tokens.</p>` : html`<table class="grid"><thead><tr><th>Name</th><th>Scope</th><th>Expires</th><th>Last used</th><th></th></tr></thead><tbody>
      ${list.map((t) => html`<tr><td>${t.name}</td><td>${t.scope}</td><td>${t.expires_at ? t.expires_at.slice(0, 10) : 'never'}</td><td>${t.last_used_at ? t.last_used_at.slice(0, 16).replace('T', ' ') : '–'}</td>
        <td>${t.revoked_at ? 'revoked' : html`<button type="button" onClick=${() => revoke(t.id)}>Revoke</button>`}</td></tr>`)}</tbody></table><${More} paged=${paged} what="tokens" />`}
  </main>`;
}

