// Signing in.
import { html, useState } from '../../vendor/htm-preact-standalone-3.1.1.js';
import { api } from '../api.js';

export function SignIn({ onSignedIn }) {
  const [err, setErr] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      await api('POST', '/auth/login', { email: f.get('email'), password: f.get('password') });
      onSignedIn();
    } catch (x) { setErr(x); }
  };
  return html`<main class="narrow"><h1>Sign in</h1>
    <form onSubmit=${submit} novalidate>
      <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required />
      <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required />
      ${err && html`<p class="error" role="alert">${err.message}</p>`}
      <button type="submit">Sign in</button>
    </form></main>`;
}
