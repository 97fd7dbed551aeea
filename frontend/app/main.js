// Liaison's web UI: a small single-page app over the public JSON API.
// The URL holds the screen and its filters, so every view can be linked.
// This module routes; each screen is a module under screens/.
import { html, render, useState, useEffect } from '../vendor/htm-preact-standalone-3.1.1.js';
import { api, get } from './api.js';
import { navigate, useLocation } from './router.js';
import { Nav } from './nav.js';
import { SignIn } from './screens/sign-in.js';
import { Dashboard } from './screens/dashboard.js';
import { Meetings } from './screens/meetings.js';
import { MeetingPage } from './screens/meeting.js';
import { NewMeeting } from './screens/log-meeting.js';
import { ActionItemTable } from './screens/action-items.js';
import { Directory } from './screens/directory.js';
import { Tokens } from './screens/tokens.js';
import { Users } from './screens/users.js';
import { Audit } from './screens/audit.js';
import { Import } from './screens/import.js';
import { Notifications } from './screens/notifications.js';
import { Webhooks } from './screens/webhooks.js';
import { Unsubscribe } from './screens/unsubscribe.js';
import { PublicReadouts } from './screens/public.js';

function NotFound() {
  return html`<main><h1>Not found</h1><p>There is no screen at this address. <a href="/">Go to the dashboard</a>.</p></main>`;
}

// routes maps each screen to its title and the roles that may use it
// (none listed: every signed-in user).
const staffOnly = ['admin', 'coordinator'];
function route(path, search, me, onRead) {
  const id = path.startsWith('/meetings/') ? path.slice('/meetings/'.length) : '';
  const table = [
    ['/', 'Dashboard', null, () => html`<${Dashboard} me=${me} />`],
    ['/meetings', 'Meetings', null, () => html`<${Meetings} search=${search} />`],
    ['/meetings/new', 'Log a meeting', staffOnly, () => html`<${NewMeeting} navigate=${navigate} />`],
    ['/action-items', new URLSearchParams(search).get('owner') === 'me' ? 'My action items' : 'Action items', null,
      () => html`<${ActionItemTable} search=${search} me=${me} navigate=${navigate} />`],
    ['/directory', 'Directory', null, () => html`<${Directory} me=${me} />`],
    ['/tokens', 'API tokens', null, () => html`<${Tokens} />`],
    ['/users', 'Users', ['admin'], () => html`<${Users} />`],
    ['/webhooks', 'Webhooks', ['admin'], () => html`<${Webhooks} />`],
    ['/audit', 'Audit trail', staffOnly, () => html`<${Audit} />`],
    ['/import', 'Import meetings', staffOnly, () => html`<${Import} />`],
    ['/notifications', 'Notifications', null, () => html`<${Notifications} me=${me} onRead=${onRead} />`],
  ];
  for (const [p, title, roles, view] of table) {
    if (p !== path) continue;
    if (roles && !roles.includes(me.user.role)) return { title: 'Not available', view: html`<main><h1>Not available</h1><p>Your role (${me.user.role}) cannot use this screen.</p></main>` };
    return { title, view: view() };
  }
  if (id && id !== 'new' && !id.includes('/')) return { title: 'Meeting', view: html`<${MeetingPage} id=${id} me=${me} navigate=${navigate} />` };
  return { title: 'Not found', view: html`<${NotFound} />` };
}

function App() {
  const loc = useLocation();
  const [me, setMe] = useState(undefined);
  const loadMe = () => get('/me').then(setMe, () => setMe(null));
  useEffect(() => { loadMe(); }, []);
  // The bell's unread count: on every screen change and every minute.
  const [unread, setUnread] = useState(0);
  const loadUnread = () => get('/me/notifications/unread-count').then((d) => setUnread(d.unread), () => {});
  useEffect(() => {
    if (!me) return undefined;
    loadUnread();
    const t = setInterval(loadUnread, 60000);
    return () => clearInterval(t);
  }, [me, loc]);
  const [path, query] = loc.split('?');
  const search = query || '';
  const signOut = async () => { await api('POST', '/auth/logout').catch(() => {}); setMe(null); navigate('/login'); };
  let screen, title;
  if (path === '/public') { screen = html`<${PublicReadouts} />`; title = 'Public readouts'; }
  else if (path === '/unsubscribe') { screen = html`<${Unsubscribe} search=${search} />`; title = 'E-mail reminders'; }
  else if (me === undefined) { screen = html`<p class="loading">Loading…</p>`; title = 'Loading'; }
  else if (me === null || path === '/login') {
    // Signed out, any address is kept and reopened after signing in.
    const back = path === '/login' ? new URLSearchParams(search).get('next') || '/' : loc;
    if (me === null && path !== '/login') history.replaceState(null, '', '/login?next=' + encodeURIComponent(loc));
    // Who signed in is known before the screen changes, or the address
    // would be taken for a signed-out one again.
    screen = html`<${SignIn} onSignedIn=${async () => { await loadMe(); navigate(back.startsWith('/') && !back.startsWith('//') ? back : '/'); }} />`;
    title = 'Sign in';
  } else ({ title, view: screen } = route(path, search, me, loadUnread));
  useEffect(() => {
    document.title = title + ' · Liaison';
    // Move focus to the new screen's heading, for keyboard and screen reader users.
    const h = document.querySelector('main h1');
    if (h) { h.setAttribute('tabindex', '-1'); h.focus({ preventScroll: true }); }
  }, [loc, title]);
  return html`<a class="skip" href="#main">Skip to the content</a><${Nav} me=${me} onSignOut=${signOut} unread=${unread} /><div id="main">${screen}</div>`;
}

// The page's own "Loading…" goes before the app takes over.
const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
