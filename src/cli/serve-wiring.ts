import { readFileSync } from 'node:fs';
import { fingerprintKey } from '../attribute/index.js';
import { PersonalData, readMasterKey, readPersonalDataSection } from '../privacy/index.js';
import { keyFile } from './paths.js';
import {
  ApiAccess,
  ReadSide,
  Serial,
  parseJwtConfig,
  readApiSection,
  type FindingsPort,
  type JwtConfig,
  type ServerDeps,
} from '../server/index.js';
import { UsageError } from './exit.js';
import { readOrgFile } from './org-file.js';
import type { ReadWired } from './read-only.js';
import { openGuard, type Wired } from './wiring.js';
import { alertsAtLeast } from './commands/detect.js';
import {
  DetectionCatchUp,
  immediately,
  type CatchUpOptions,
  type WriteQueue,
} from './detect-catch-up.js';
import { explanation } from './commands/explain.js';
import { suppressions } from '../cases/index.js';
import { caseDeps } from './commands/case-deps.js';

/**
 * The server's dependencies over a wired database: the same guard, importer and detection as
 * the commands, a read-only connection beside the writing one, the org profile's `api` grants
 * and `personalData` section, and the JWT issuer from the environment.
 */
export async function serverDeps(
  w: Wired,
  reader: ReadWired,
  flags: { org?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): Promise<Omit<ServerDeps, 'logger' | 'limits'>> {
  const org = readOrgFile(w.dbPath, flags.org);
  const personalData = new PersonalData(
    org === undefined ? {} : readPersonalDataSection(org.value, org.path, org.text),
  );
  const access =
    org === undefined ? new ApiAccess([]) : readApiSection(org.value, org.path, org.text);
  const jwt = jwtFromEnv(env);
  const guard = await openGuard(w);
  const writes = new Serial();
  return {
    store: w.store,
    ledger: w.ledger,
    vault: w.vault,
    guard,
    personalData,
    reader: new ReadSide(reader.store, reader.ledger, w.now),
    writes,
    findings: findingsPort(w, flags.org, (work) => writes.run(work)),
    cases: caseDeps(w, guard),
    attribution: w,
    exportKey: exportKeyOf(w),
    access,
    ...(jwt ? { jwt } : {}),
    now: w.now,
  };
}

/**
 * Detection as `warden risk|alerts|sellers|explain` run it, from one engine kept warm in the
 * server (`DetectionCatchUp`): brought up to the ledger's end a slice at a time through
 * `queue` (the server's write queue), fed only the new leaves after a write, and read only
 * between catch-ups (sellers, rings and explanations are computed in a queue turn, from the
 * engine at the end of one). The port queues its own work: call it outside the queue.
 */
export function findingsPort(
  w: Wired,
  org: string | undefined,
  queue: WriteQueue = immediately,
  options?: CatchUpOptions,
): FindingsPort {
  const catchUp = new DetectionCatchUp(w, org, queue, options);
  return {
    findings: () => catchUp.findings(),
    alerts: async (floor) => {
      const f = await catchUp.findings();
      const dismissed = await queue(() => suppressions(w));
      const marks = { dismissed, now: w.now() };
      return { ledgerSize: f.ledgerSize, alerts: alertsAtLeast(f.findings, floor, marks) };
    },
    sellers: async () => {
      const [ledgerSize, sellers] = await catchUp.derived('sellers', (e) => e.sellers());
      return { ledgerSize, sellers };
    },
    rings: async () => {
      const [ledgerSize, rings] = await catchUp.derived('rings', (e) => e.rings());
      return { ledgerSize, rings };
    },
    // in the queue turn: the cited events are read on the writing connection, as before
    explain: (id) => catchUp.read((d) => explanation(w, d, id)),
    warmUp: async () => {
      await catchUp.detection();
      await catchUp.close(); // saved before listening: other processes read it from the start
    },
    close: () => catchUp.close(),
  };
}

/** The export fingerprint key, from the master key file as `warden request --figures` reads it. */
function exportKeyOf(w: Wired): () => Buffer {
  let key: Buffer | undefined;
  return () => (key ??= fingerprintKey(readMasterKey(keyFile(w.keyDir, 'master.key'))));
}

/**
 * `WARDEN_JWT_PUBLIC_KEY` (PEM) or `WARDEN_JWT_PUBLIC_KEY_FILE`, with `WARDEN_JWT_ISSUER` and
 * optionally `WARDEN_JWT_AUDIENCE` (default `warden`); none set: JWTs are not accepted.
 */
export function jwtFromEnv(env: NodeJS.ProcessEnv): JwtConfig | undefined {
  const text = env['WARDEN_JWT_PUBLIC_KEY'];
  const file = env['WARDEN_JWT_PUBLIC_KEY_FILE'];
  if (text && file) {
    throw new UsageError('set WARDEN_JWT_PUBLIC_KEY or WARDEN_JWT_PUBLIC_KEY_FILE, not both');
  }
  if (!text && !file) return undefined;
  let keyText = text ?? '';
  if (file) {
    try {
      keyText = readFileSync(file, 'utf8');
    } catch {
      throw new UsageError(
        `WARDEN_JWT_PUBLIC_KEY_FILE ${file}: no such file (or it cannot be read)`,
      );
    }
  }
  return parseJwtConfig({
    keyText,
    keyFrom: file ?? 'WARDEN_JWT_PUBLIC_KEY',
    issuer: env['WARDEN_JWT_ISSUER'],
    audience: env['WARDEN_JWT_AUDIENCE'] || undefined,
  });
}
