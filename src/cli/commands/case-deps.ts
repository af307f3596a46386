import type { Alert } from '../../domain/index.js';
import { CaseError, type ExportDeps } from '../../cases/index.js';
import { Recorder, type Guard } from '../../guard/index.js';
import type { Io } from '../io.js';
import { openGuard, type Wired } from '../wiring.js';
import { currentFindings } from './detect.js';

/**
 * The cases context over the wired database. Its steps are decided by the policy set pinned
 * in the ledger: by the given guard (the server's own), else one opened on the first step
 * that asks.
 */
export function caseDeps(w: Wired, opened?: Guard): ExportDeps {
  let guard: Promise<Guard> | undefined = opened && Promise.resolve(opened);
  return {
    store: w.store,
    ledger: w.ledger,
    recorder: new Recorder(w.store, w.ledger, w.now),
    authority: {
      decideStep: async (req) => (await (guard ??= openGuard(w))).decideStep(req),
    },
    pseudonyms: w.pseudonyms,
    now: w.now,
    signNote: (text) => w.signNote(text),
  };
}

/** An alert of the current findings (as `warden alerts` lists them), or `ALERT_NOT_FOUND`. */
export async function alertById(w: Wired, io: Io, id: string, org?: string): Promise<Alert> {
  const { findings } = await currentFindings(w, io, org);
  const alert = findings.alerts.find((a) => a.id === id);
  if (!alert) {
    throw new CaseError(
      'ALERT_NOT_FOUND',
      `no alert ${id} in the current findings (list them: warden alerts)`,
    );
  }
  return alert;
}
