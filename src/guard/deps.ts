import { randomUUID } from 'node:crypto';
import type { Ledger } from '../ledger/index.js';
import type { RelayAliases, Vault } from '../privacy/index.js';
import type { Store } from '../store/index.js';
import type { Decider } from './decider.js';

/** What the guard is built from (wired in one place per program). */
export interface GuardDeps {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly vault: Vault;
  readonly aliases: RelayAliases;
  readonly decider: Decider;
  readonly now: () => string;
}

/** A fresh, unguessable id: `prefix-uuid`. */
export function newId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}
