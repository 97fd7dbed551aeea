// Shared components.
import { html, useState, useEffect, useRef } from '../vendor/htm-preact-standalone-3.1.1.js';
import { api, get, ApiError } from './api.js';

// Picker chooses a record by searching the API as one types, rather than
// from a capped list: the names found are offered in a datalist, and the
// chosen record's id goes in a hidden field called name (and to onPick).
export function Picker({ name, path, value, label, id, display = (r) => r.name, ariaLabel, onPick, field }) {
  const [text, setText] = useState(label || '');
  const [found, setFound] = useState([]);
  // A new value from outside (a reload, a cleared filter) replaces the
  // text; the first render's does not, so typing at once is kept.
  const given = useRef(value + '|' + label);
  useEffect(() => {
    if (given.current !== value + '|' + label) { given.current = value + '|' + label; setText(label || ''); }
  }, [value, label]);
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      get(path + '?limit=20' + (text ? '&q=' + encodeURIComponent(text) : '')).then((d) => live && setFound(d.items), () => {});
    }, 150);
    return () => { live = false; clearTimeout(t); };
  }, [text]);
  const hit = found.find((r) => display(r) === text);
  const chosen = hit ? hit.id : text !== '' && text === (label || '') ? value || '' : '';
  useEffect(() => { if (onPick) onPick(chosen); }, [chosen]);
  const listID = (id || name || ariaLabel || 'picker').replace(/[^a-z0-9]/gi, '-') + '-options';
  return html`<span class="picker"><input type="search" id=${id} data-field=${field} list=${listID} value=${text} onInput=${(e) => setText(e.target.value)}
      aria-label=${ariaLabel} autocomplete="off" placeholder="type to search" />
    <datalist id=${listID}>${found.map((r) => html`<option value=${display(r)} />`)}</datalist>
    <input type="hidden" name=${name} value=${chosen} /></span>`;
}

// useLoad runs a loader and keeps {data, error, loading}.
export function useLoad(loader, deps) {
  const [state, setState] = useState({ loading: true });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    loader().then((data) => live && setState({ data }), (error) => live && setState({ error }));
    return () => { live = false; };
  }, [...deps, n]);
  return { ...state, reload: () => setN(n + 1) };
}

export function Loading({ state, children }) {
  if (state.error) return html`<p class="error" role="alert">${state.error.message}</p>`;
  if (state.loading && !state.data) return html`<p class="loading" aria-live="polite">Loading…</p>`;
  return children(state.data);
}

export function TLPBadge({ tlp }) {
  return html`<span class=${'tlp tlp-' + tlp.replace('+', '-').toLowerCase()}>TLP:${tlp}</span>`;
}

export function FieldError({ errors, name }) {
  const msg = errors && errors[name];
  return msg ? html`<span class="field-error" id=${'err-' + name.replace(/[^a-z0-9]/gi, '-')}>${msg}</span>` : null;
}


// useCreate posts a form's fields and keeps the field errors of a refusal.
export function useCreate(path, toBody, done) {
  const [errors, setErrors] = useState({});
  const [problem, setProblem] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    const form = e.target;
    try {
      await api('POST', path, toBody(Object.fromEntries(new FormData(form))));
      setErrors({}); setProblem(null); form.reset(); done();
    } catch (x) {
      if (x instanceof ApiError) { setErrors(x.fieldErrors); setProblem(Object.keys(x.fieldErrors).length ? null : x.message); } else setProblem(String(x));
    }
  };
  return { errors, problem, submit };
}

// EditRecord changes one directory record in place: its fields as a small
// form, sent with If-Match; a 412 is offered as a reload.
export function EditRecord({ path, record, fields, onDone }) {
  const [errors, setErrors] = useState({});
  const [problem, setProblem] = useState(null);
  const [conflict, setConflict] = useState(false);
  const save = async (e) => {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.target));
    const body = {};
    for (const fl of fields) body[fl.name] = fl.nullable && f[fl.name] === '' ? null : f[fl.name];
    try { await api('PATCH', path, body, { ifMatch: `"${record.version}"` }); onDone(true); } catch (x) {
      if (x instanceof ApiError && x.status === 412) setConflict(true);
      else if (x instanceof ApiError && Object.keys(x.fieldErrors).length) setErrors(x.fieldErrors);
      else setProblem(x.message);
    }
  };
  const id = (n) => 'edit-' + record.id + '-' + n;
  return html`<form class="stacked" onSubmit=${save} aria-label=${'Edit ' + (record.name || record.full_name || record.email)} novalidate>
    ${conflict && html`<p class="error" role="alert">Someone else changed this record. <button type="button" onClick=${() => onDone(false)}>Reload it</button></p>`}
    ${problem && html`<p class="error" role="alert">${problem}</p>`}
    ${fields.map((fl) => html`<label for=${id(fl.name)}>${fl.label}</label>
      ${fl.picker ? html`<${NamedPicker} id=${id(fl.name)} name=${fl.name} value=${record[fl.name] || ''} ...${fl.picker} />`
        : fl.options ? html`<select id=${id(fl.name)} name=${fl.name} value=${record[fl.name] ?? ''}>${fl.options.map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select>`
        : html`<input id=${id(fl.name)} name=${fl.name} type=${fl.type || 'text'} value=${record[fl.name] ?? ''} aria-invalid=${errors[fl.name] ? 'true' : null} aria-describedby=${errors[fl.name] ? 'err-' + fl.name : null} />`}
      <${FieldError} errors=${errors} name=${fl.name} />`)}
    <button type="submit">Save</button> <button type="button" class="secondary" onClick=${() => onDone(false)}>Cancel</button>
  </form>`;
}

// useProblem keeps what a refused change said: field messages, a conflict
// (412), or a message.
export function useProblem() {
  const [p, setP] = useState({ fields: {}, conflict: false, message: null });
  const fail = (x) => {
    if (x instanceof ApiError && x.status === 412) setP({ fields: {}, conflict: true, message: null });
    else if (x instanceof ApiError && Object.keys(x.fieldErrors).length) setP({ fields: x.fieldErrors, conflict: false, message: null });
    else setP({ fields: {}, conflict: false, message: x.message });
  };
  return [p, fail, () => setP({ fields: {}, conflict: false, message: null })];
}

export function Problem({ p, what, reload }) {
  return html`${p.conflict && html`<p class="error" role="alert">Someone else changed this ${what}. <button type="button" onClick=${reload}>Reload it</button></p>`}
    ${p.message && html`<p class="error" role="alert">${p.message}</p>`}`;
}

// Field is a labelled control with its error, linked for screen readers.
export function Field({ id, name, lbl, errors, children }) {
  const err = errors && errors[name];
  return html`<div class="field"><label for=${id}>${lbl}</label>${children({ id, name, 'aria-invalid': err ? 'true' : null, 'aria-describedby': err ? 'err-' + name : null })}
    <${FieldError} errors=${errors} name=${name} /></div>`;
}

// useName is the display name of the record at path (none: ''), fetched.
export function useName(path, display = (r) => r.name) {
  const [name, setName] = useState('');
  useEffect(() => {
    let live = true;
    if (path) get(path).then((r) => live && setName(display(r)), () => live && setName(''));
    else setName('');
    return () => { live = false; };
  }, [path]);
  return name;
}

// NamedPicker is a Picker whose chosen record's name is looked up from
// its id: path is the collection, value the id.
export function NamedPicker({ path, value, display, ...rest }) {
  const name = useName(value ? path + '/' + value : '', display);
  return html`<${Picker} path=${path} value=${value} label=${name} display=${display} ...${rest} />`;
}

// usePaged lists path (a collection with its query) a page at a time:
// rows is null while the first page loads; more() appends the next page
// and is null when there is none.
export function usePaged(path, deps, limit = 50) {
  const [rows, setRows] = useState(null);
  const [next, setNext] = useState(null);
  const [error, setError] = useState(null);
  const page = (cursor) => get(path + (path.includes('?') ? '&' : '?') + 'limit=' + limit + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''))
    .then((d) => { setRows((r) => (cursor ? [...(r || []), ...d.items] : d.items)); setNext(d.next_cursor); setError(null); }, setError);
  useEffect(() => { page(); }, deps);
  return { rows, error, more: next ? () => page(next) : null, reload: () => page() };
}

// More is the button that loads a paged list's next page.
export function More({ paged, what }) {
  return paged.more ? html`<p><button type="button" class="secondary" onClick=${paged.more}>${'More ' + what}</button></p>` : null;
}
