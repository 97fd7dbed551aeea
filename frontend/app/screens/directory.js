// The directory: organisations, people and topics, created and edited
// here by coordinators.
import { html, useState } from '../../vendor/htm-preact-standalone-3.1.1.js';
import { Picker, FieldError, EditRecord, useCreate, usePaged, More } from '../components.js';
import { label } from '../format.js';
import { SECTORS, ORG_KINDS, TOPIC_KINDS } from '../enums.js';

export function Directory({ me }) {
  const [q, setQ] = useState('');
  const [n, setN] = useState(0);
  const reload = () => setN(n + 1);
  const search = q ? '?q=' + encodeURIComponent(q) : '';
  const orgList = usePaged('/organizations' + search, [q, n]);
  const peopleList = usePaged('/people' + search, [q, n]);
  const orgs = orgList.rows;
  const people = peopleList.rows;
  const staff = me && (me.user.role === 'admin' || me.user.role === 'coordinator');
  const [editing, setEditing] = useState(null);
  const org = useCreate('/organizations', (f) => ({ name: f.name, kind: f.kind, sector: f.sector, country: f.country }), reload);
  const person = useCreate('/people', (f) => ({ full_name: f.full_name, job_title: f.job_title, email: f.email, organization_id: f.organization_id }), reload);
  return html`<main><h1>Directory</h1>
    ${staff && html`<div class="charts">
      <form class="stacked" onSubmit=${org.submit} aria-label="Add an organisation" novalidate><h2>Add an organisation</h2>
        ${org.problem && html`<p class="error" role="alert">${org.problem}</p>`}
        <label for="org-name">Name</label><input id="org-name" name="name" required /><${FieldError} errors=${org.errors} name="name" />
        <label for="org-kind">Kind</label><select id="org-kind" name="kind">${ORG_KINDS.map((k) => html`<option value=${k}>${label(k)}</option>`)}</select><${FieldError} errors=${org.errors} name="kind" />
        <label for="org-sector">Sector</label><select id="org-sector" name="sector"><option value="">none or not yet classified</option>${SECTORS.map((k) => html`<option value=${k}>${label(k)}</option>`)}</select><${FieldError} errors=${org.errors} name="sector" />
        <label for="org-country">Country (two letters)</label><input id="org-country" name="country" maxlength="2" /><${FieldError} errors=${org.errors} name="country" />
        <button type="submit">Add the organisation</button>
      </form>
      <form class="stacked" onSubmit=${person.submit} aria-label="Add a person" novalidate><h2>Add a person</h2>
        ${person.problem && html`<p class="error" role="alert">${person.problem}</p>`}
        <label for="person-name">Full name</label><input id="person-name" name="full_name" required /><${FieldError} errors=${person.errors} name="full_name" />
        <label for="person-title">Job title</label><input id="person-title" name="job_title" /><${FieldError} errors=${person.errors} name="job_title" />
        <label for="person-email">Email</label><input id="person-email" name="email" type="email" /><${FieldError} errors=${person.errors} name="email" />
        <label for="person-org">Organisation</label><${Picker} id="person-org" name="organization_id" path="/organizations" /><${FieldError} errors=${person.errors} name="organization_id" />
        <button type="submit">Add the person</button>
      </form></div>`}
    <label>Search <input value=${q} onInput=${(e) => setQ(e.target.value)} /></label>
    <div class="charts"><section><h2>Organisations</h2>${orgs === null ? html`<p class="loading">Loading…</p>` : html`<ul class="records">${orgs.map((o) => html`<li key=${o.id}>
      ${editing === o.id ? html`<${EditRecord} path=${'/organizations/' + o.id} record=${o} onDone=${() => { setEditing(null); reload(); }}
          fields=${[{ name: 'name', label: 'Name' }, { name: 'kind', label: 'Kind', options: ORG_KINDS.map((k) => [k, label(k)]) },
            { name: 'sector', label: 'Sector', options: [['', 'none'], ...SECTORS.map((k) => [k, label(k)])] }, { name: 'country', label: 'Country' }]} />`
        : html`${o.name} <span class="meta">· ${label(o.kind)}${o.sector ? ' · ' + label(o.sector) : ''} · ${o.country}</span>
          ${staff && html` <button type="button" class="link" aria-label=${'Edit ' + o.name} onClick=${() => setEditing(o.id)}>Edit</button>`}`}</li>`)}</ul><${More} paged=${orgList} what="organisations" />`}</section>
    <section><h2>People</h2>${people === null ? html`<p class="loading">Loading…</p>` : html`<ul class="records">${people.map((p) => html`<li key=${p.id}>
      ${editing === p.id ? html`<${EditRecord} path=${'/people/' + p.id} record=${p} onDone=${() => { setEditing(null); reload(); }}
          fields=${[{ name: 'full_name', label: 'Full name' }, { name: 'job_title', label: 'Job title' }, { name: 'email', label: 'Email', type: 'email', nullable: true },
            { name: 'organization_id', label: 'Organisation', picker: { path: '/organizations' } }]} />`
        : html`${p.full_name} <span class="meta">· ${p.job_title}</span>
          ${staff && html` <button type="button" class="link" aria-label=${'Edit ' + p.full_name} onClick=${() => setEditing(p.id)}>Edit</button>`}`}</li>`)}</ul><${More} paged=${peopleList} what="people" />`}</section>
    <${Topics} staff=${staff} q=${q} /></div>
  </main>`;
}


function Topics({ staff, q }) {
  const [editing, setEditing] = useState(null);
  const [n, setN] = useState(0);
  const reload = () => setN(n + 1);
  const topicList = usePaged('/topics' + (q ? '?q=' + encodeURIComponent(q) : ''), [q, n]);
  const topics = topicList.rows;
  const topic = useCreate('/topics', (f) => ({ name: f.name, kind: f.kind, reference: f.reference }), reload);
  const fields = [{ name: 'name', label: 'Name' }, { name: 'kind', label: 'Kind', options: TOPIC_KINDS.map((k) => [k, k]) },
    { name: 'reference', label: 'Reference (CVE, CISA advisory or ATT&CK id)' }, { name: 'description', label: 'Description' }];
  return html`<section><h2>Topics</h2>
    ${staff && html`<form class="stacked" onSubmit=${topic.submit} aria-label="Add a topic" novalidate>
      <label for="topic-name">Name</label><input id="topic-name" name="name" /><${FieldError} errors=${topic.errors} name="name" />
      <label for="topic-kind">Kind</label><select id="topic-kind" name="kind">${TOPIC_KINDS.map((k) => html`<option value=${k}>${k}</option>`)}</select>
      <label for="topic-ref">Reference</label><input id="topic-ref" name="reference" /><${FieldError} errors=${topic.errors} name="reference" />
      <button type="submit">Add the topic</button></form>`}
    ${topics === null ? html`<p class="loading">Loading…</p>` : html`<ul class="records">${topics.map((t) => html`<li key=${t.id}>
      ${editing === t.id ? html`<${EditRecord} path=${'/topics/' + t.id} record=${t} fields=${fields} onDone=${() => { setEditing(null); reload(); }} />`
        : html`<a href=${'/meetings?topic=' + encodeURIComponent(t.name)}>${t.name}</a> <span class="meta">· ${t.kind}${t.reference ? ' · ' + t.reference : ''}</span>
          ${staff && html` <button type="button" class="link" aria-label=${'Edit ' + t.name} onClick=${() => setEditing(t.id)}>Edit</button>`}`}</li>`)}</ul><${More} paged=${topicList} what="topics" />`}
  </section>`;
}
