/** The console's only way to data: the HTTP API on this origin, with the signed-in token. */

const KEY = 'warden.token';

/** The token lives for the tab only (sessionStorage): closing it signs out. */
export const session = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (token: string): void => sessionStorage.setItem(KEY, token),
  clear: (): void => sessionStorage.removeItem(KEY),
};

/** An API error in its one shape, `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** GET or POST a `/v1` route; answers the parsed JSON or throws ApiError. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: object } = {},
): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${session.get() ?? ''}` };
  if (init.body) headers['content-type'] = 'application/json';
  const res = await fetch(`/v1${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  const data: unknown = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string } }).error;
    throw new ApiError(res.status, e?.code ?? 'HTTP', e?.message ?? res.statusText);
  }
  return data as T;
}

/** POST a text body (a leaked file, read in the page) to a `/v1` route; as `api`. */
export async function postText<T>(path: string, text: string, type = 'text/plain'): Promise<T> {
  const res = await fetch(`/v1${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${session.get() ?? ''}`,
      'content-type': `${type}; charset=utf-8`,
    },
    body: text,
  });
  const data: unknown = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string } }).error;
    throw new ApiError(res.status, e?.code ?? 'HTTP', e?.message ?? res.statusText);
  }
  return data as T;
}

/** An error as a line for a live region. */
export const said = (e: unknown): string =>
  e instanceof ApiError ? `${e.code}: ${e.message}` : String(e);

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Every page of a list route (500 at a time), up to `max` items. */
export async function all<T>(path: string, max = 20_000): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  const sep = path.includes('?') ? '&' : '?';
  do {
    const p: Page<T> = await api(`${path}${sep}limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    out.push(...p.items);
    cursor = p.nextCursor;
  } while (cursor && out.length < max);
  return out;
}

export interface Me {
  employeeId: string;
  scopes: string[];
}
export interface RiskReason {
  indicator: string;
  detail: string;
  events: string[];
}
export interface RiskEntry {
  employeeId: string;
  score: number;
  reasons: RiskReason[];
}
export interface Alert {
  id: string;
  employeeId: string;
  detector: string;
  severity: string;
  eventTime: string;
  sellerIds: string[];
  events: string[];
  summary: string;
  /** The queue's triage state (`/v1/alerts` only; a case's alerts carry none). */
  triage?: AlertTriage;
}
export const TRIAGE_STATES = ['new', 'acknowledged', 'dismissed', 'escalated'] as const;
export interface AlertTriage {
  state: (typeof TRIAGE_STATES)[number];
  by?: string;
  at?: string;
  caseId?: string;
  until?: string;
}
export interface Checkpoint {
  size: number;
  rootHash: string;
  note: string;
  createdAt: string;
  ledgerSize: number;
}
export interface Approval {
  id: string;
  requester: string;
  action: string;
  targetType: string;
  targetId: string;
  createdAt: string;
  expiresAt: string;
  status: string;
  /** Canonical JSON of what was asked (reason, ticket, measure, …). */
  request?: string;
}

export interface Case {
  id: string;
  title: string;
  status: 'open' | 'closed';
  assignee?: string;
  openedBy: string;
  openedAt: string;
  revealRequestedBy?: string;
  revealedBy?: string;
  revealedAt?: string;
  heldAt?: string;
}
export interface CaseView {
  case: Case;
  revealed: boolean;
  subjects: { kind: string; ref: string }[];
  alerts: Alert[];
  notes: { author: string; text: string; at: string; eventId: string }[];
  lookEvent: string;
}
export interface LedgerEvent {
  id: string;
  time: string;
  actor: string;
  action: string;
  target: { type: string; id: string };
  outcome?: string;
}
export interface Timeline {
  checkpoint: string;
  treeSize: number;
  rootHash: string;
  entries: { leaf: number; event: LedgerEvent; leafHash: string; proof: string[] }[];
}
export interface GuardResult {
  outcome: 'allow' | 'deny' | 'pending';
  eventId: string;
  approvalId?: string;
}
export interface Inclusion {
  index: number;
  treeSize: number;
  leafHash: string;
  rootHash: string;
  proof: string[];
}
