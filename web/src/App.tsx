import { useEffect, useState } from 'react';
import { api, session, type Me } from './api';
import { AlertQueue } from './AlertQueue';
import { Attribution } from './Attribution';
import { CanaryStatus } from './CanaryStatus';
import { CasePage } from './CasePage';
import { Cases } from './Cases';
import { Dashboard } from './Dashboard';
import { Employee } from './Employee';
import { ExportFigures } from './ExportFigures';
import { Inbox } from './Inbox';
import { LedgerView } from './LedgerView';
import { Rings } from './Rings';
import { SignIn } from './SignIn';
import { TraceTable } from './TraceTable';

/** Where the console is: `#/`, `#/alerts`, `#/cases`, `#/case/ID`, `#/inbox`, `#/ledger`, `#/trace`, `#/export`, `#/employee/ID`. */
function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = (): void => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash.replace(/^#/, '') || '/';
}

/** The console: sign-in until a token proves someone, then the pages their scopes open. */
export function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(session.get() !== null);
  useEffect(() => {
    if (!checking) return;
    api<Me>('/me')
      .then(setMe, () => session.clear())
      .finally(() => setChecking(false));
  }, [checking]);
  if (checking) return <p className="loading">Checking your sign-in…</p>;
  if (!me) return <SignIn onSignedIn={setMe} />;
  const signOut = (): void => {
    session.clear();
    setMe(null);
  };
  return <Shell me={me} signOut={signOut} />;
}

function Shell({ me, signOut }: { me: Me; signOut: () => void }) {
  const route = useHash();
  const can = (scope: string): boolean => me.scopes.includes(scope);
  const links: [string, string, boolean][] = [
    ['#/', 'Dashboard', can('findings') || can('ledger')],
    ['#/alerts', 'Alert queue', can('findings')],
    ['#/rings', 'Collusion rings', can('findings')],
    ['#/cases', 'Cases', can('cases')],
    ['#/inbox', 'Approvals inbox', can('approvals')],
    ['#/ledger', 'Ledger', can('ledger')],
    ['#/trace', 'Trace a leak', can('attribution')],
    ['#/export', 'Export', can('guard')],
  ];
  return (
    <>
      <header className="top">
        <strong>Warden</strong>
        <nav aria-label="Main">
          {links
            .filter(([, , shown]) => shown)
            .map(([href, label]) => (
              <a key={href} href={href} aria-current={`#${route}` === href ? 'page' : undefined}>
                {label}
              </a>
            ))}
        </nav>
        <span className="who">
          Signed in as <b>{me.employeeId}</b>{' '}
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main>{page(route, me, can)}</main>
    </>
  );
}

function page(route: string, me: Me, can: (s: string) => boolean) {
  const employee = /^\/employee\/(.+)$/.exec(route);
  if (employee?.[1]) return <Employee id={decodeURIComponent(employee[1])} />;
  const opened = /^\/case\/(.+)$/.exec(route);
  if (opened?.[1]) return <CasePage id={decodeURIComponent(opened[1])} me={me} />;
  if (route === '/alerts') return <AlertQueue canTriage={can('cases')} />;
  if (route === '/cases') return <Cases />;
  if (route === '/trace')
    return (
      <>
        <Attribution />
        <TraceTable />
        <CanaryStatus />
      </>
    );
  if (route === '/export') return <ExportFigures />;
  if (route === '/ledger' || route.startsWith('/ledger?')) return <LedgerView />;
  if (route === '/inbox') return <Inbox me={me} />;
  if (route === '/rings') return <Rings />;
  if (!can('findings') && !can('ledger'))
    return <p>Your role may use: {me.scopes.join(', ') || 'nothing'}. Open the inbox above.</p>;
  return <Dashboard can={can} />;
}
