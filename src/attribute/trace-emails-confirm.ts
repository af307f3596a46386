import { PrivacyError, normaliseEmail, type Vault } from '../privacy/index.js';
import type { Store } from '../store/index.js';

/**
 * How a keyed-hash match stands against the reviewer's record: `current` (the reviewer's
 * address now is the leaked one), `not-current` (it is not: an address they had before, or an
 * index row a database writer forged), `erased` (the reviewer's data key is destroyed).
 */
export type MatchStanding = 'current' | 'not-current' | 'erased';

/**
 * Confirms keyed-hash matches by opening the matched reviewers' sealed addresses — only
 * those the leak matched, never the directory in bulk — so that a forged `reviewer_email_hashes`
 * row cannot make a trace name the viewers of the wrong reviewer without saying so.
 */
export async function confirmMatch(
  store: Store,
  vault: Vault,
  reviewer: string,
  leaked: string,
): Promise<MatchStanding> {
  const payload = await store.directory.get('reviewer', reviewer);
  if (payload === undefined) return 'not-current';
  const sealed = (JSON.parse(payload) as { email?: unknown }).email;
  if (typeof sealed !== 'string') return 'not-current';
  try {
    return normaliseEmail(vault.open(reviewer, 'email', sealed)) === leaked
      ? 'current'
      : 'not-current';
  } catch (error) {
    if (error instanceof PrivacyError && error.code === 'SUBJECT_ERASED') return 'erased';
    throw error;
  }
}
