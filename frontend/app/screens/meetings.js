// The meeting list, with its filters in the URL.
import { html, useState, useEffect } from '../../vendor/htm-preact-standalone-3.1.1.js';
import { get, qs } from '../api.js';
import { when, label } from '../format.js';
import { TLPS, SECTORS, MEETING_KINDS } from '../enums.js';
import { useLoad, Loading, Picker, TLPBadge } from '../components.js';
import { navigate } from '../router.js';

export function Meetings({ search }) {
  const params = Object.fromEntries(new URLSearchParams(search));
  const [orgName, setOrgName] = useState('');
  useEffect(() => {
    if (params.organization) get('/organizations/' + params.organization).then((o) => setOrgName(o.name), () => setOrgName(''));
  }, [params.organization]);
  const st = useLoad(() => get('/meetings' + qs({ limit: 25, ...params })), [search]);
  const apply = (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    navigate('/meetings' + qs(f));
  };
  return html`<main><h1>Meetings</h1>
    <details class="filter-panel" open=${!window.matchMedia || !window.matchMedia('(max-width: 40rem)').matches}><summary>Filters</summary>
    <form class="filters" onSubmit=${apply} aria-label="Filter meetings">
      <label>Search <input name="q" value=${params.q || ''} /></label>
      <label>TLP <select name="tlp" value=${params.tlp || ''}><option value="">any</option>${TLPS.map((t) => html`<option value=${t}>${t}</option>`)}</select></label>
      <label>Status <select name="status" value=${params.status || ''}><option value="">any</option><option value="scheduled">scheduled</option><option value="held">held</option><option value="cancelled">cancelled</option></select></label>
      <label>Kind <select name="kind" value=${params.kind || ''}><option value="">any</option>${MEETING_KINDS.map((k) => html`<option value=${k}>${label(k)}</option>`)}</select></label>
      <label>From <input name="from" type="date" value=${params.from || ''} /></label>
      <label>To <input name="to" type="date" value=${params.to || ''} /></label>
      <label>Topic <input name="topic" value=${params.topic || ''} /></label>
      <label>Sector <select name="sector" value=${params.sector || ''}><option value="">any</option>${SECTORS.map((k) => html`<option value=${k}>${label(k)}</option>`)}</select></label>
      <label>Organisation <${Picker} name="organization" path="/organizations" value=${params.organization || ''} label=${orgName} ariaLabel="Organisation (hosted or attended)" /></label>
      <button type="submit">Apply</button> <a href="/meetings">Clear</a>
    </form></details>
    <p class="toolbar"><a class="button" href=${'/api/v1/meetings.csv' + qs({ ...params, cursor: '', limit: '' })} download>Export CSV</a></p>
    <${Loading} state=${st}>${(page) => html`
      ${page.items.length === 0 ? html`<p class="empty">No meetings match.</p>` : html`
      <ul class="cards">${page.items.map((m) => html`<li><a href=${'/meetings/' + m.id}><${TLPBadge} tlp=${m.tlp} /> <strong>${m.title}</strong></a>
        <div class="meta">${when(m.starts_at, m.timezone)} · ${m.host ? m.host.name : ''} · ${label(m.kind)} · ${m.status}</div></li>`)}</ul>`}
      <nav class="pager" aria-label="Pages">
        ${params.cursor && html`<button type="button" onClick=${() => history.back()}>Previous page</button>`}
        ${page.next_cursor && html`<a class="button" href=${'/meetings' + qs({ ...params, cursor: page.next_cursor })}>Next page</a>`}
      </nav>`}<//></main>`;
}
