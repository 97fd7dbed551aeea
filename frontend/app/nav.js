// The main navigation: the screens the signed-in role can use, folded
// into a menu at phone width.
import { html, useState, useEffect } from '../vendor/htm-preact-standalone-3.1.1.js';

export function Nav({ me, onSignOut, unread }) {
  const admin = me && (me.user.role === 'admin' || me.user.role === 'coordinator');
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const close = () => setOpen(false);
    window.addEventListener('popstate', close);
    return () => window.removeEventListener('popstate', close);
  }, []);
  return html`<header class="top"><nav aria-label="Main" class=${open ? 'open' : ''}>
    <a href="/" class="brand">Liaison</a>
    <button type="button" class="menu" aria-expanded=${open} aria-controls="nav-links" onClick=${() => setOpen(!open)}>Menu</button>
    <span id="nav-links" class="links">
    ${me && html`<a href="/">Dashboard</a><a href="/meetings">Meetings</a><a href="/action-items?owner=me">My action items</a>`}
    ${admin && html`<a href="/action-items">All action items</a><a href="/meetings/new">Log a meeting</a><a href="/import">Import</a><a href="/audit">Audit</a>`}
    ${me && html`<a href="/directory">Directory</a><a href="/tokens">Tokens</a>`}
    ${me && html`<a href="/notifications" class="bell" aria-label=${'Notifications, ' + (unread || 0) + ' unread'}>Notifications${unread > 0 && html` <span class="badge" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>`}</a>`}
    ${me && me.user.role === 'admin' && html`<a href="/users">Users</a><a href="/webhooks">Webhooks</a>`}
    <a href="/public">Public readouts</a>
    ${me ? html`<span class="who">${me.user.email} · ${me.user.role}</span><button type="button" onClick=${onSignOut}>Sign out</button>`
         : html`<a href="/login">Sign in</a>`}
    </span>
  </nav></header>`;
}
