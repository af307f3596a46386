import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pc from 'picocolors';
import { importSource, fileSource } from '../../ingest/index.js';
import { Tokens } from '../../guard/index.js';
import type { Io } from '../io.js';
import { wire, type Wired } from '../wiring.js';
import { serveCommand, type ServeOptions } from './serve.js';

/**
 * The demo's sign-ins, added to the simulated directory and granted by the demo's profile: an
 * investigator, and a moderator who can be the second person of a review removal.
 */
export const DEMO_INVESTIGATOR = 'demo-investigator';
export const DEMO_APPROVER = 'demo-moderator';
const DEMO_PEOPLE = [
  { id: DEMO_INVESTIGATOR, team: 'trust', role: 'investigator' },
  { id: DEMO_APPROVER, team: 'review-moderation', role: 'moderator' },
];

/** What the demo's org profile grants (the simulated org has no investigators of its own). */
const DEMO_GRANTS = [
  {
    role: 'investigator',
    scopes: ['findings', 'approvals', 'ledger', 'guard', 'cases', 'attribution'],
  },
  { role: 'moderator', scopes: ['guard', 'approvals'] },
];

export interface DemoServeFlags {
  readonly db: string;
  readonly dir: string;
  readonly port?: string;
  readonly host?: string;
}

/**
 * `npm start`'s second half: after the demo, add two investigators to the directory (one
 * ledgered batch), write an org profile granting them the console's scopes (in the demo's
 * directory, passed as `--org`, never beside an unrelated database), issue each a token, and
 * serve the API and the console until Ctrl-C.
 */
export async function serveDemo(
  flags: DemoServeFlags,
  io: Io,
  options: ServeOptions = {},
): Promise<number> {
  const org = join(flags.dir, 'warden.org.json');
  writeFileSync(org, `${JSON.stringify({ api: { grants: DEMO_GRANTS } }, null, 2)}\n`);
  const w = await wire(flags.db);
  let tokens: Record<string, string>;
  try {
    await addInvestigators(w, flags.dir);
    tokens = await issueTokens(w);
    // the findings are brought up to the ledger's end by `serve` before it listens: after
    // these records and after the first policy set, which opening the guard ledgers
  } finally {
    await w.close();
  }
  const served = await wire(flags.db);
  try {
    return await serveCommand(
      served,
      { port: flags.port ?? '8080', host: flags.host ?? '127.0.0.1', org, logLevel: 'warn' },
      io,
      {
        ...options,
        onListening: (address) => {
          io.out(signInNote(address, tokens));
          options.onListening?.(address);
        },
      },
    );
  } finally {
    await served.close();
  }
}

async function addInvestigators(w: Wired, dir: string): Promise<void> {
  const file = join(dir, 'demo-investigators.ndjson');
  const hiredAt = '2020-01-01T00:00:00Z';
  const lines = DEMO_PEOPLE.map((p) =>
    JSON.stringify({ v: 1, kind: 'employee', ...p, site: 'Dublin', hiredAt }),
  );
  writeFileSync(file, `${lines.join('\n')}\n`);
  await importSource(w.store, w.ledger, w.vault, fileSource(file), {
    now: w.now,
    emailHashes: w.emailHashes,
  });
}

async function issueTokens(w: Wired): Promise<Record<string, string>> {
  const tokens = new Tokens(w.store, w.ledger, w.now);
  const expires = new Date(Date.now() + 12 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const out: Record<string, string> = {};
  for (const id of [DEMO_INVESTIGATOR, DEMO_APPROVER])
    out[id] = (await tokens.create(id, expires)).token;
  return out;
}

function signInNote(address: string, tokens: Record<string, string>): string {
  return [
    '',
    `${pc.bold('Warden console')}: ${pc.cyan(`${address}/`)}`,
    `sign in as ${DEMO_INVESTIGATOR} with   ${tokens[DEMO_INVESTIGATOR] ?? ''}`,
    `a second person, ${DEMO_APPROVER} (approvals inbox):   ${tokens[DEMO_APPROVER] ?? ''}`,
    pc.dim('tokens expire in 12 hours; Ctrl-C stops the server'),
    '',
  ].join('\n');
}
