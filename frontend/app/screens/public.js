// The public readouts, paged, for anyone.
import { html, useState, useEffect } from '../../vendor/htm-preact-standalone-3.1.1.js';
import { get } from '../api.js';
import { when, label } from '../format.js';
import { Loading } from '../components.js';

export function PublicReadouts() {
  const [items, setItems] = useState(null);
  const [next, setNext] = useState(null);
  const [error, setError] = useState(null);
  const load = (cursor) => get('/public/meetings?limit=20' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''))
    .then((d) => { setItems((xs) => (cursor ? [...(xs || []), ...d.items] : d.items)); setNext(d.next_cursor); }, setError);
  useEffect(() => { load(); }, []);
  const st = error ? { error } : items === null ? { loading: true } : { data: { items } };
  return html`<main><h1>Public readouts</h1>
    <p><a href="/api/v1/public/readouts.atom">Atom feed</a></p>
    <${Loading} state=${st}>${(page) => page.items.length === 0 ? html`<p class="empty">No public readouts yet.</p>` : html`
    ${page.items.map((m) => html`<article class="readout"><h2>${m.title}</h2>
      <p class="meta">${when(m.starts_at, m.timezone)} · hosted by ${m.host}${m.topics.length ? ' · ' + m.topics.join(', ') : ''}</p>
      <p class="prose">${m.public_readout}</p>
      ${m.attendees.length > 0 && html`<p>Attendees: ${m.attendees.map((a) => (a.name ? `${a.name}, ${a.organization}` : a.organization)).join('; ')}</p>`}
      ${m.withheld_total > 0 && html`<p class="withheld">Attendees withheld: ${m.withheld_by_sector.map((s) => `${s.count} (${label(s.sector)})`).join(', ')}</p>`}
    </article>`)}
    ${next && html`<p><button type="button" onClick=${() => load(next)}>Older readouts</button></p>`}`}<//></main>`;
}
