// Users (administrators): create, link to a person, change role, disable,
// reset a password.
import { html, useState, useEffect } from '../../vendor/htm-preact-standalone-3.1.1.js';
import { api, get } from '../api.js';
import { Picker, FieldError, useName } from '../components.js';
import { USER_ROLES } from '../enums.js';

export function Users() {
  const [list, setList] = useState(null);
  const [next, setNext] = useState(null);
  const [errors, setErrors] = useState({});
  const [msg, setMsg] = useState(null);
  const load = () => get('/users?limit=100').then((d) => { setList(d.items); setNext(d.next_cursor); }, () => setList([]));
  const more = () => get('/users?limit=100&cursor=' + encodeURIComponent(next)).then((d) => { setList([...list, ...d.items]); setNext(d.next_cursor); }, () => {});
  useEffect(() => { load(); }, []);
  const create = async (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    try { await api('POST', '/users', { email: f.email, password: f.password, role: f.role }); setErrors({}); e.target.reset(); load(); }
    catch (x) { setErrors(x.fieldErrors || { email: x.message }); }
  };
  const change = async (u, body, done) => {
    try { await api('PATCH', '/users/' + u.id, body, { ifMatch: `"${u.version}"` }); setMsg(done || null); }
    catch (x) { setMsg(x.status === 412 ? 'Someone else changed this user; the list has been reloaded, try again.' : (x.fieldErrors && Object.values(x.fieldErrors).join('; ')) || x.message); }
    load();
  };
  const toggle = (u) => change(u, { disabled: !u.disabled });
  const reset = (u) => {
    const pw = prompt('A new password for ' + u.email + ' (at least 12 characters). Their sessions end.');
    if (pw) change(u, { password: pw }, 'The password of ' + u.email + ' was reset.');
  };
  return html`<main><h1>Users</h1>
    <form onSubmit=${create} class="filters">
      <label>Email <input name="email" type="email" required /><${FieldError} errors=${errors} name="email" /></label>
      <label>Password <input name="password" type="password" required /><${FieldError} errors=${errors} name="password" /></label>
      <label>Role <select name="role"><option value="viewer">viewer</option><option value="participant">participant</option><option value="coordinator">coordinator</option><option value="admin">admin</option></select></label>
      <button type="submit">Add a user</button>
    </form>
    ${msg && html`<p class="error" role="alert">${msg}</p>`}
    ${list === null ? html`<p class="loading">Loading…</p>` : html`<div class="table-wrap"><table class="grid"><thead><tr><th>Email</th><th>Role</th><th>Person</th><th>State</th><th></th></tr></thead><tbody>
      ${list.map((u) => html`<tr><td>${u.email}</td>
        <td><select aria-label=${'Role of ' + u.email} value=${u.role} onChange=${(e) => change(u, { role: e.target.value })}>${USER_ROLES.map((r) => html`<option value=${r}>${r}</option>`)}</select></td>
        <td>${u.person_id ? html`<${PersonName} id=${u.person_id} /> <button type="button" class="link" onClick=${() => change(u, { person_id: null })}>Unlink</button>`
          : html`<${Picker} path="/people" display=${(p) => p.full_name} ariaLabel=${'Person of ' + u.email} onPick=${(id) => id && change(u, { person_id: id })} />`}</td>
        <td>${u.disabled ? 'disabled' : 'active'}</td>
        <td><button type="button" onClick=${() => toggle(u)}>${u.disabled ? 'Enable' : 'Disable'}</button> <button type="button" class="secondary" onClick=${() => reset(u)}>Reset password</button></td></tr>`)}</tbody></table></div>
      ${next && html`<p><button type="button" onClick=${more}>More users</button></p>`}`}
  </main>`;
}

function PersonName({ id }) {
  return useName('/people/' + id, (p) => p.full_name) || 'linked';
}
