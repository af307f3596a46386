import { useState, type FormEvent } from 'react';
import { api, ApiError, session, type Me } from './api';

/** Sign in with an API token (`warden token create EMPLOYEE`); kept for this tab only. */
export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    session.set(token.trim());
    api<Me>('/me').then(onSignedIn, (err: unknown) => {
      session.clear();
      setError(err instanceof ApiError ? err.message : 'the server could not be reached');
    });
  };
  return (
    <main className="signin">
      <h1>Warden console</h1>
      <form onSubmit={submit} aria-describedby={error ? 'signin-error' : undefined}>
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          required
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
        <button type="submit">Sign in</button>
        {error && (
          <p id="signin-error" role="alert" className="error">
            {error}
          </p>
        )}
      </form>
      <p className="hint">
        An operator issues tokens with <code>warden token create EMPLOYEE</code>.
      </p>
    </main>
  );
}
